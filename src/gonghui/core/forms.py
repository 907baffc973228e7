from django import forms
from django.utils.translation import gettext_lazy


class EvidenceForm(forms.Form):
    """A photo or document to keep with a record (core/evidence.py checks it)."""

    file = forms.FileField(label=gettext_lazy("Photo or document"))
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)


class DatedEvidenceForm(EvidenceForm):
    """The same, dated by the day of the work it shows when it is uploaded later (a plan item's minutes)."""

    on = forms.DateField(label=gettext_lazy("Date of the work shown"), required=False)
