from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gonghui.orgs.forms import DATE_INPUT
from gonghui.orgs.models import OfficerRole

from . import contrib
from .models import Half, PlanTemplate, Section, Timing

MONTH_CHOICES = [(str(m), f"{m}月") for m in range(1, 13)]
TIMING_CHOICES = Timing.choices
QUARTER_CHOICES = [(str(q), label) for q, label in ((1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度"))]


class PlanCreateForm(forms.Form):
    START_BLANK, START_TEMPLATE, START_COPY = "blank", "template", "copy"

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=gettext_lazy("Period"), choices=Half.choices, coerce=int,
                                  initial=Half.WHOLE_YEAR)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120, required=False,
                            help_text=gettext_lazy("Empty: the organisation's name and the period."))
    start = forms.ChoiceField(label=gettext_lazy("Start from"), widget=forms.RadioSelect)
    template = forms.ChoiceField(label=gettext_lazy("Template"), choices=PlanTemplate.choices, required=False)
    suggestions = forms.MultipleChoiceField(label=gettext_lazy("Suggested items"), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, previous=None, suggestion_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(self.START_TEMPLATE, gettext_lazy("A template for the kind of unit"))]
        if previous is not None:
            choices.insert(0, (self.START_COPY, gettext_lazy("Copy the plan of %(period)s")
                               % {"period": previous.period_label}))
        choices.append((self.START_BLANK, gettext_lazy("A blank plan")))
        self.fields["start"].choices = choices
        self.fields["suggestions"].choices = [(key, key) for key in suggestion_keys]
        if not self.is_bound:
            self.initial.setdefault("start", self.START_COPY if previous is not None else self.START_TEMPLATE)
            self.initial.setdefault("year", timezone.localdate().year + (1 if timezone.localdate().month >= 11
                                                                          else 0))
            self.initial.setdefault("suggestions", list(suggestion_keys))


class PlanEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120, required=False)
    foreword = forms.CharField(label=gettext_lazy("Guiding ideas"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=gettext_lazy("The opening paragraph of the plan (指导思想)."))


def evidence_choices(current: str = "") -> list[tuple[str, str]]:
    """The kinds of records that can carry out an item: each source, and each of its kinds."""
    choices = [("", gettext_lazy("No records (carried out by hand)"))]
    for key, source in sorted(contrib.evidence_sources().items()):
        choices.append((key, str(source.label)))
        for kind, label in source.kinds:
            choices.append((f"{key}:{kind}", f"{source.label} · {label}"))
    if current and current not in {value for value, _label in choices}:
        choices.append((current, current))
    return choices


class ItemForm(forms.Form):
    section = forms.ChoiceField(label=gettext_lazy("Section"), choices=Section.choices)
    title = forms.CharField(label=gettext_lazy("Work item"), max_length=200)
    target = forms.CharField(label=gettext_lazy("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=gettext_lazy("Measures"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    timing = forms.ChoiceField(label=gettext_lazy("Time limit"), choices=TIMING_CHOICES, initial=Timing.YEARLY)
    due_on = forms.DateField(label=gettext_lazy("Due date"), required=False, widget=DATE_INPUT,
                             help_text=gettext_lazy("For “by a date”."))
    months = forms.MultipleChoiceField(label=gettext_lazy("Months"), choices=MONTH_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=gettext_lazy("For “in given months”; for every half-year or "
                                                              "every year, the months it falls in."))
    quarters = forms.MultipleChoiceField(label=gettext_lazy("Quarters"), choices=QUARTER_CHOICES, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    responsible_name = forms.CharField(label=gettext_lazy("Person responsible"), max_length=60, required=False)
    responsible_role = forms.ChoiceField(label=gettext_lazy("Role responsible"), required=False,
                                         choices=[("", "—"), *OfficerRole.choices])
    evidence = forms.ChoiceField(label=gettext_lazy("Carried out by records of"), required=False)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.data.get("evidence", "") if self.is_bound else self.initial.get("evidence", "")
        self.fields["evidence"].choices = evidence_choices(current or "")
        if plan is not None:  # a half-year plan offers its own months and quarters only
            first, last = plan.start.month, plan.end.month
            self.fields["months"].choices = [(v, label) for v, label in MONTH_CHOICES if first <= int(v) <= last]
            self.fields["quarters"].choices = [(v, label) for v, label in QUARTER_CHOICES
                                               if first <= 3 * int(v) <= last]

    @classmethod
    def initial_of(cls, item) -> dict:
        return {"section": item.section, "title": item.title, "target": item.target, "measures": item.measures,
                "timing": item.timing, "due_on": item.due_on, "months": [str(m) for m in item.months],
                "quarters": [str(q) for q in item.quarters], "responsible_name": item.responsible_name,
                "responsible_role": item.responsible_role, "evidence": item.evidence}
