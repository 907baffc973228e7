"""Forms of the summary pages: the period of a new summary (or of a draft to download), and the text of the
summary's sections as the officer edits them."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Half
from .services import MAX_HEADING, MAX_PARAGRAPH


def _years() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - 6, -1)]  # a summary is of work done


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)
    half = forms.TypedChoiceField(label=_("Period"), coerce=int, choices=Half.choices, initial=Half.WHOLE_YEAR)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)


class SectionForm(forms.Form):
    """One section: its heading and its paragraphs, one paragraph a line (the tables are kept as drawn)."""

    heading = forms.CharField(label=_("Heading"), max_length=MAX_HEADING)
    paragraphs = forms.CharField(label=_("Text (one paragraph a line)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_PARAGRAPH * 20)

    def __init__(self, *args, section: dict, **kwargs):
        kwargs.setdefault("initial", {"heading": section["heading"], "paragraphs": "\n".join(section["paragraphs"])})
        super().__init__(*args, prefix=f"s-{section['key']}", **kwargs)
        self.section = section


class TitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
