from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gonghui.orgs.forms import DATE_INPUT
from gonghui.orgs.models import Unit

from .models import ContractKind
from .rules import rule


class ContractForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Contract kind"), choices=ContractKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120,
                            help_text=gettext_lazy("e.g. 2026年度工资专项集体合同"))
    units = forms.ModelMultipleChoiceField(label=gettext_lazy("Units covered"), queryset=Unit.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=DATE_INPUT)
    starts_on = forms.DateField(label=gettext_lazy("In force from"), widget=DATE_INPUT)
    term_years = forms.TypedChoiceField(label=gettext_lazy("Term (years)"), coerce=int)
    union_negotiators = forms.IntegerField(label=gettext_lazy("Negotiators for the workers"), min_value=0,
                                           max_value=99)
    employer_negotiators = forms.IntegerField(label=gettext_lazy("Negotiators for the employer"), min_value=0,
                                              max_value=99)
    congress_passed_on = forms.DateField(label=gettext_lazy("Passed by the workers' congress on"), widget=DATE_INPUT,
                                         required=False)
    filed_on = forms.DateField(label=gettext_lazy("Filed with the labour bureau on"), widget=DATE_INPUT,
                               required=False)
    reference_no = forms.CharField(label=gettext_lazy("Filing reference no."), max_length=64, required=False)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, union, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(covering_union=union).order_by("name")
        low, high = rule("TERM_MIN_YEARS"), rule("TERM_MAX_YEARS")
        self.fields["term_years"].choices = [(years, str(years)) for years in range(low, high + 1)]
        self.fields["term_years"].help_text = rule("TERM_SOURCE") + "；" + rule("WAGE_TERM_SOURCE")
        self.fields["union_negotiators"].help_text = rule("NEGOTIATORS_SOURCE")
        self.fields["filed_on"].help_text = rule("FILING_SOURCE") + "；" + rule("EFFECTIVE_SOURCE")
        self.fields["congress_passed_on"].help_text = rule("CONGRESS_SOURCE")
        if not self.is_bound and not self.initial:
            today = timezone.localdate()
            self.initial.update({"signed_on": today, "starts_on": today, "term_years": 1,
                                 "units": list(self.fields["units"].queryset.values_list("pk", flat=True))})
