from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gonghui.plans import contrib
from gonghui.plans.models import AssessedUnits, Comparator, ScoringRule


class SchemeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120,
                           help_text=gettext_lazy("e.g. 2025年度基层工会工作考核"))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    subjects = forms.ChoiceField(label=gettext_lazy("Assessed"), choices=AssessedUnits.choices,
                                 initial=AssessedUnits.UNIONS, widget=forms.RadioSelect, required=False,
                                 help_text=gettext_lazy("A county may score its streets (each over its whole "
                                                        "subtree) instead of every union under them."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_subjects(self):
        return self.cleaned_data.get("subjects") or AssessedUnits.UNIONS


def metric_choices() -> list[tuple[str, str]]:
    computed = sorted(((key, f"{metric.label}（{metric.unit}）" if metric.unit else str(metric.label))
                       for key, metric in contrib.metrics().items()), key=lambda choice: choice[0])
    return [("", gettext_lazy("Entered by hand")), *computed]


class CriterionForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Indicator"), max_length=120)
    metric = forms.ChoiceField(label=gettext_lazy("Computed from"), required=False,
                               help_text=gettext_lazy("A figure computed from the records for each union's "
                                                      "subtree, or entered by hand in the scores grid."))
    comparator = forms.ChoiceField(label=gettext_lazy("Comparison"), choices=Comparator.choices,
                                   initial=Comparator.AT_LEAST)
    target = forms.DecimalField(label=gettext_lazy("Target"), min_value=0, max_digits=12, decimal_places=2)
    unit = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=16, required=False)
    weight = forms.DecimalField(label=gettext_lazy("Full points"), min_value=0, max_digits=6, decimal_places=2)
    rule = forms.ChoiceField(label=gettext_lazy("Scoring rule"), choices=ScoringRule.choices,
                             initial=ScoringRule.PROPORTIONAL)
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, max_value=999, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices()
