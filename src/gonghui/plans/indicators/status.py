"""Where each indicator of a plan stands: its actual value and met / on track / at risk / missed.

The actual value of an indicator with a metric is computed live from the records through the metric of
plans/contrib.py for the plan's node (its subtree) and period; an indicator without one uses the value
entered by hand. Each distinct metric is computed once per call, however many indicators name it.

The status is judged against the indicator's deadline (or the end of the plan's period):
- before the plan's period begins (next year's plan, drafted now) → not_started, whatever the figures;
- no actual value (nothing entered, 0 ÷ 0, or a metric no installed module provides) → no_data;
- ≥ target: reached → met; after the deadline and not reached → missed; before the deadline a count (a
  COUNT metric, or a hand-entered value whose unit is not %) is compared with its pro-rata pace, the target
  times the share of the days from the period's start to the deadline completed before today (0 on the first
  day: nothing can be expected before any of the period has passed; the whole target on the deadline):
  below AT_RISK_PACE × pace → at_risk, else on_track; a rate (%) below its target → at_risk.
- ≤ target (a ceiling): after the deadline, within it → met and above it → missed. Before the deadline a
  count above the ceiling is already missed (counts only grow), a count above pace ÷ AT_RISK_PACE is at
  risk, otherwise on track; a rate above the ceiling is at risk, within it on track.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from gonghui.core.models import Attachment

from .. import contrib
from ..models import Comparator, Indicator, Plan

MET, ON_TRACK, AT_RISK, MISSED, NO_DATA = "met", "on_track", "at_risk", "missed", "no_data"
NOT_STARTED = "not_started"  # the plan's period has not begun: nothing is judged yet
STATUSES = (MET, ON_TRACK, AT_RISK, MISSED, NO_DATA, NOT_STARTED)
# Bootstrap colour of each status's badge and bar ("primary" is the theme's red: not for good news)
STATUS_COLOURS = {MET: "success", ON_TRACK: "info", AT_RISK: "warning", MISSED: "danger", NO_DATA: "secondary",
                  NOT_STARTED: "light"}


def status_labels() -> dict[str, str]:
    return {MET: _("Target met"), ON_TRACK: _("On track"), AT_RISK: _("At risk"), MISSED: _("Target missed"),
            NO_DATA: _("No data yet"), NOT_STARTED: _("Period not begun")}


@dataclass
class IndicatorRow:
    indicator: Indicator
    actual: Decimal | None
    status: str                   # one of STATUSES
    status_label: str
    computed: bool                # True: from a metric (live); False: entered by hand
    source: str                   # where the actual comes from, in words
    target_text: str              # "≥ 95%"
    deadline: datetime.date
    pace: Decimal | None = None   # what a count should have reached by today (pro rata), when it applies
    evidence_count: int = 0       # files kept with the indicator
    metric_missing: bool = False  # the indicator names a metric no installed module provides
    is_count: bool = True

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def actual_text(self) -> str:
        return "—" if self.actual is None else f"{number_text(self.actual)}{self.indicator.unit}"

    @property
    def progress(self) -> int:
        """Percent of the way to the target (0–100) for the bar; a ceiling (≤) shows how much of it is used."""
        target = self.indicator.target
        if self.actual is None:
            return 0
        if not target:
            return 100 if self.indicator.comparator == Comparator.AT_LEAST or self.actual > 0 else 0
        return max(0, min(100, int(self.actual * 100 / target)))


def number_text(value: Decimal) -> str:
    """12.50 → "12.5", 95.00 → "95", 1200 → "1200" (never "1.2E+3")."""
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")
    return text.rstrip(".") if "." in text else text


def target_text(indicator: Indicator) -> str:
    return f"{indicator.get_comparator_display()} {number_text(indicator.target)}{indicator.unit}"


def is_count(indicator: Indicator, metric: contrib.Metric | None) -> bool:
    """A count grows through the period (judged pro rata); a rate is judged as it stands."""
    if metric is not None:
        return metric.kind == contrib.MetricKind.COUNT
    return indicator.unit.strip() != "%"


def deadline_of(indicator: Indicator, plan: Plan) -> datetime.date:
    return indicator.deadline or plan.end


def pace_of(target: Decimal, start: datetime.date, deadline: datetime.date, today: datetime.date) -> Decimal:
    """The target times the share of the days of [start, deadline] completed before `today` (0 on the first
    day: a new plan's counts open on track, not at risk), the whole target from the deadline on."""
    if today <= start:
        return Decimal(0)
    if today >= deadline:
        return target
    return target * (today - start).days / ((deadline - start).days + 1)


def judge(*, actual: Decimal | None, target: Decimal, comparator: str, count: bool, start: datetime.date,
          deadline: datetime.date, today: datetime.date) -> tuple[str, Decimal | None]:
    """(status, pro-rata pace or None) of an actual value against its target (module docstring)."""
    if today < start:
        return NOT_STARTED, None
    if actual is None:
        return NO_DATA, None
    at_risk_pace = Decimal(str(settings.GONGHUI_PLANS["AT_RISK_PACE"]))
    over = today > deadline
    pace = pace_of(target, start, deadline, today) if count and not over else None
    if comparator == Comparator.AT_MOST:
        if actual > target:
            return (MISSED if over or count else AT_RISK), pace
        if over:
            return MET, None
        if count and at_risk_pace and actual > pace / at_risk_pace:
            return AT_RISK, pace
        return ON_TRACK, pace
    if actual >= target:
        return MET, None
    if over:
        return MISSED, None
    if count:
        return (AT_RISK if actual < pace * at_risk_pace else ON_TRACK), pace
    return AT_RISK, None


def _person(user) -> str:
    return user.get_full_name() if user is not None else _("someone no longer registered")


def evidence_counts(indicators: list[Indicator]) -> dict[int, int]:
    """Files kept with each indicator, in one query."""
    if not indicators:
        return {}
    content_type = ContentType.objects.get_for_model(Indicator)
    rows = (Attachment.objects.filter(content_type=content_type, object_id__in=[i.pk for i in indicators])
            .values("object_id").annotate(n=Count("pk")).values_list("object_id", "n"))
    return dict(rows)


def indicator_rows(plan: Plan, *, today: datetime.date | None = None,
                   indicators: list[Indicator] | None = None) -> list[IndicatorRow]:
    """The plan's indicators (in their order) with their actual values and statuses. `indicators` may be
    given when the caller already holds them (with manual_updated_by loaded)."""
    today = today or timezone.localdate()
    if indicators is None:
        indicators = list(plan.indicators.select_related("manual_updated_by").order_by("order", "pk"))
    if not indicators:
        return []
    registered = contrib.metrics() if any(i.metric for i in indicators) else {}
    period = contrib.Period(plan.year, plan.half)
    values: dict[str, Decimal | None] = {}
    with contrib.sharing():
        for key in dict.fromkeys(i.metric for i in indicators if i.metric):
            if key in registered:
                value = registered[key].compute(plan.node, period)
                values[key] = None if value is None else Decimal(value)
    files = evidence_counts(indicators)
    labels = status_labels()
    rows = []
    for indicator in indicators:
        metric = registered.get(indicator.metric) if indicator.metric else None
        missing = bool(indicator.metric) and metric is None
        count = is_count(indicator, metric)
        evidence_count = files.get(indicator.pk, 0)
        if indicator.metric:
            actual = values.get(indicator.metric)
            if missing:
                source = _("The figure “%(key)s” is not provided by any installed module.") % {"key": indicator.metric}
            else:
                source = _("Computed from the records: %(metric)s") % {"metric": metric.label}
        else:
            actual = indicator.manual_actual
            if actual is None:
                source = _("Entered by hand; not entered yet")
            else:
                when = (date_format(timezone.localtime(indicator.manual_updated_at), "Y-m-d")
                        if indicator.manual_updated_at else "")
                source = _("Entered by %(name)s on %(date)s") % {"name": _person(indicator.manual_updated_by),
                                                                 "date": when}
        deadline = deadline_of(indicator, plan)
        status, pace = judge(actual=actual, target=indicator.target, comparator=indicator.comparator, count=count,
                             start=plan.start, deadline=deadline, today=today)
        label = _("Figure not available") if missing else labels[status]
        rows.append(IndicatorRow(indicator=indicator, actual=actual, status=status, status_label=label,
                                 computed=bool(indicator.metric), source=source, target_text=target_text(indicator),
                                 deadline=deadline, pace=pace, evidence_count=evidence_count,
                                 metric_missing=missing, is_count=count))
    return rows


def status_totals(rows: list[IndicatorRow]) -> dict[str, int]:
    """How many indicators are in each status (for a summary line)."""
    totals = dict.fromkeys(STATUSES, 0)
    for row in rows:
        totals[row.status] += 1
    return totals
