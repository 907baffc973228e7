from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from gonghui.orgs.forms import DATE_INPUT

from ..models import FivePeriod
from . import services

RECORD_FIELDS = [
    "stage", "expected_due_date", "birth_date", "difficult_birth", "babies", "miscarriage_date",
    "miscarriage_months", "notes", "last_gynaecological_check", "last_general_check",
]


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE_INPUT, help_text=help_text)


class WomenRecordForm(forms.Form):
    """The 五期 details and the check dates; the service validates how they fit together."""

    stage = forms.ChoiceField(label=gettext_lazy("Current stage (五期)"), choices=FivePeriod.choices, required=False)
    expected_due_date = _date(gettext_lazy("Expected due date"),
                              gettext_lazy("Maternity leave is planned from it until the birth is recorded."))
    birth_date = _date(gettext_lazy("Birth date of the child"),
                       gettext_lazy("Once entered, the leave is counted from the actual birth."))
    difficult_birth = forms.BooleanField(label=gettext_lazy("Difficult birth (15 more days)"), required=False)
    babies = forms.IntegerField(label=gettext_lazy("Number of babies"), min_value=1, max_value=services.MAX_BABIES,
                                initial=1, required=False)
    miscarriage_date = _date(gettext_lazy("Miscarriage date"))
    miscarriage_months = forms.IntegerField(
        label=gettext_lazy("Completed months of pregnancy at the miscarriage"), min_value=1, max_value=10,
        required=False, help_text=gettext_lazy("Under 4 months: 15 days of leave; 4 months or more: 42 days."))
    notes = forms.CharField(label=gettext_lazy("Notes"), max_length=services.MAX_NOTES, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    last_gynaecological_check = _date(gettext_lazy("Last gynaecological check"))
    last_general_check = _date(gettext_lazy("Last general health check"))

    def clean_babies(self) -> int:
        return self.cleaned_data.get("babies") or 1


class CheckForm(forms.Form):
    """The quick "check done" action on the record page and the due lists."""

    kind = forms.ChoiceField(choices=[("gynaecological", gettext_lazy("Gynaecological check")),
                                      ("general", gettext_lazy("General health check"))])
    on = forms.DateField(label=gettext_lazy("Checked on"), required=False, widget=DATE_INPUT)
