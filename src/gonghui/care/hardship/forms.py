from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from gonghui.members.models import MEMBER_STATUSES, Member
from gonghui.orgs.forms import DATE_INPUT

from ..models import AssistanceKind, HardshipCause
from . import services

MONEY_ATTRS = {"step": "0.01", "min": "0", "inputmode": "decimal"}


class HouseholdField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4, "placeholder": "本人, 45, 慢性病, 保洁员\n配偶, 44, 健康, 无业"})

    def clean(self, value):
        value = super().clean(value)
        try:
            return services.parse_household(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["household"]) from None


def _money(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_digits=12, decimal_places=2,
                              widget=forms.NumberInput(attrs=MONEY_ATTRS))


class HardshipFileForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=Member.objects.none())
    cause = forms.ChoiceField(label=gettext_lazy("Main cause"), choices=HardshipCause.choices)
    household = HouseholdField(
        label=gettext_lazy("Household"),
        help_text=gettext_lazy("One person a line, the member included: relation, age, health, work."))
    annual_income = _money(gettext_lazy("Annual household income (yuan)"))
    hardship_spending = _money(gettext_lazy("Hardship spending in the year (yuan)"))
    sudden_accident = forms.BooleanField(
        label=gettext_lazy("Sudden accident or disaster"), required=False,
        help_text=gettext_lazy("Only then a household above twice the 低保 line may be filed (意外致困)."))
    cause_text = forms.CharField(label=gettext_lazy("The hardship in words"), required=False, max_length=500,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    health = forms.CharField(label=gettext_lazy("Health"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members if members is not None else Member.objects.none()
            self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.card_no}）"


class HardshipReviewForm(forms.Form):
    household = HouseholdField(label=gettext_lazy("Household"),
                               help_text=gettext_lazy("One person a line: relation, age, health, work."))
    annual_income = _money(gettext_lazy("Annual household income (yuan)"))
    hardship_spending = _money(gettext_lazy("Hardship spending in the year (yuan)"))
    health = forms.CharField(label=gettext_lazy("Health"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=gettext_lazy("Review note"), required=False, max_length=300)
    on = forms.DateField(label=gettext_lazy("Reviewed on"), required=False, widget=DATE_INPUT)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class StandardForm(forms.Form):
    monthly_amount = forms.DecimalField(label=gettext_lazy("低保 per person and month (yuan)"), min_value=0,
                                        max_digits=12, decimal_places=2, widget=forms.NumberInput(attrs=MONEY_ATTRS))
    effective_from = forms.DateField(label=gettext_lazy("In force from"), widget=DATE_INPUT)
    source = forms.CharField(label=gettext_lazy("Source document"), required=False, max_length=200)


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of assistance"), required=False,
                             choices=[("", gettext_lazy("Every kind without a line of its own")),
                                      *AssistanceKind.choices])
    amount = forms.DecimalField(label=gettext_lazy("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2,
                                widget=forms.NumberInput(attrs=MONEY_ATTRS))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)


def member_choices(node):
    return (Member.objects.filter(path__under=node.path, status__in=MEMBER_STATUSES)
            .only("id", "name", "card_no").order_by("name", "id"))
