"""Forms of the indicator pages. The services check everything again; these only shape the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import contrib
from ..models import SECTION_ORDER, Comparator, Section
from .status import number_text


def metric_choices() -> list:
    """The registered metrics grouped by section, after a first choice for a hand-entered indicator."""
    by_section: dict[str, list] = {}
    for metric in sorted(contrib.metrics().values(), key=lambda m: (SECTION_ORDER.get(m.section, 99), str(m.label))):
        by_section.setdefault(metric.section, []).append((metric.key, f"{metric.label}（{metric.unit}）"))
    labels = dict(Section.choices)
    return [("", _("Entered by hand (no figure from the records)")),
            *[(labels.get(section, section), options) for section, options in by_section.items()]]


class MetricSelect(forms.Select):
    """Options carry the metric's label, unit, section, comparison and default target, which the page's script
    copies into the other fields when one is chosen."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        metric = contrib.metric(str(value)) if value else None
        if metric is not None:
            option["attrs"].update({
                "data-label": str(metric.label), "data-unit": metric.unit, "data-section": metric.section,
                "data-comparator": metric.comparator,
                "data-target": number_text(metric.default_target) if metric.default_target is not None else "",
                "data-source": str(metric.source or ""),
            })
        return option


class IndicatorForm(forms.Form):
    metric = forms.ChoiceField(label=_("Computed from"), required=False, widget=MetricSelect,
                               help_text=_("A figure computed live from the records, or a value entered by hand with "
                                           "evidence. Choosing a figure fills in its name, unit and usual target."))
    label = forms.CharField(label=_("Indicator"), max_length=120)
    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    comparator = forms.ChoiceField(label=_("Comparison"), choices=Comparator.choices, initial=Comparator.AT_LEAST)
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2, min_value=0)
    unit = forms.CharField(label=_("Unit of measure"), max_length=16, required=False,
                           help_text=_("For a figure from the records, its own unit is used."))
    deadline = forms.DateField(label=_("Deadline"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Empty: the end of the plan's period."))
    item = forms.TypedChoiceField(label=_("Plan item"), required=False, coerce=int, empty_value=None,
                                  help_text=_("The item of the plan this indicator measures (optional)."))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices()
        self.fields["item"].choices = [("", "—"), *[(item.pk, item.title) for item in items]]


class RecordActualForm(forms.Form):
    value = forms.DecimalField(label=_("Value reached"), max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("How the value was reached"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Which records or documents show it; upload them below as evidence."))
