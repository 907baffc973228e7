"""The activity ledger (活动台账, issue 4 §9): every activity held under a node in a period, with totals.

One row per activity organised in the node's subtree whose start falls in the period (cancelled activities
are left out: they were not held): date, title, kind, organiser, place, signed up, 人次 (checked in), budget
and actual cost. Under the table: the number of activities, the distinct members who took part (人数) and the
人次. The counts are the ones the activity services keep on each activity (`signed_up_count`,
`attended_count`); 人数 is counted from the participations, since one member at three activities is one person.

A node with nodes below it also gets a drill-down: for each child, its subtree's activities, 人次 and cost
in the same period, in one query (the node's range, grouped by the child path segment each activity lies
under), plus the activities the node organised itself.

The same `Ledger` is shown on the page and written as the .xlsx (core/ledger.py); an export is logged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Func, IntegerField, Max, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.ledger import Ledger, LedgerColumn, PagedRows, ledger_xlsx, per_child
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import OrgNode

from .models import Activity, ActivityKind, ActivityStatus, Participation


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone))


def activities_in(node: OrgNode, start: datetime.date, end: datetime.date) -> QuerySet[Activity]:
    """The activities held (not cancelled) under the node whose start lies in the period, oldest first."""
    low, high = _bounds(start, end)
    return (Activity.objects.filter(path__under=node.path, starts_at__gte=low, starts_at__lt=high)
            .exclude(status=ActivityStatus.CANCELLED))


def _columns() -> list[LedgerColumn]:
    return [
        LedgerColumn("date", _("Date"), "date", 12),
        LedgerColumn("title", _("Activity"), "text", 28),
        LedgerColumn("kind", _("Kind of activity"), "text", 14),
        LedgerColumn("organiser", _("Organising node"), "text", 20),
        LedgerColumn("place", _("Place"), "text", 18),
        LedgerColumn("signed_up", _("Signed up"), "int", 9, total=True),
        LedgerColumn("attended", _("Attendances (人次)"), "int", 10, total=True),
        LedgerColumn("budget", _("Budget (yuan)"), "money", 13, total=True),
        LedgerColumn("actual_cost", _("Actual cost (yuan)"), "money", 13, total=True),
    ]


_ROW_FIELDS = ("starts_at", "title", "kind", "organiser__name", "place", "signed_up_count", "attended_count",
               "budget", "actual_cost")


def _rows(values) -> list[dict]:
    # plain values and each kind's label translated once: a county's year is ~44,000 activities
    kinds = {key: str(label) for key, label in ActivityKind.choices}
    return [{
        "date": timezone.localtime(starts_at).date(),
        "title": title,
        "kind": kinds.get(kind, kind),
        "organiser": organiser,
        "place": place,
        "signed_up": signed_up,
        "attended": attended,
        "budget": budget,
        "actual_cost": actual_cost,
    } for starts_at, title, kind, organiser, place, signed_up, attended, budget, actual_cost in values]


class _CountDistinct(Func):
    """COUNT(DISTINCT expression) as a plain expression, so that the subquery holding it is not grouped."""

    function = "COUNT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    contains_aggregate = False
    output_field = IntegerField()


def build_activity_ledger(node: OrgNode, start: datetime.date, end: datetime.date, *, paged: bool = False
                          ) -> Ledger:
    """The ledger of the node for the period: two queries (the activities, the distinct participants).

    `paged=True` (the page): the rows are read a page at a time (core.ledger.PagedRows, LIMIT/OFFSET) and the
    number of activities, the totals and 人数 come from one aggregate query, so a county's year is not read
    whole to show 200 rows; the figures are the same. The .xlsx reads every row."""
    activities = activities_in(node, start, end)
    ordered = activities.order_by("starts_at", "id").values_list(*_ROW_FIELDS)
    participants = Participation.objects.filter(activity__in=activities.order_by().values("pk"),
                                                checked_in_at__isnull=False)
    totals = None
    if paged:
        figures = activities.order_by().aggregate(
            count=Count("id"), signed_up=Coalesce(Sum("signed_up_count"), 0),
            attended=Coalesce(Sum("attended_count"), 0), budget=Coalesce(Sum("budget"), Decimal("0")),
            actual_cost=Coalesce(Sum("actual_cost"), Decimal("0")),
            # one uncorrelated scalar subquery, evaluated once: the distinct members checked in
            persons=Coalesce(Max(Subquery(participants.order_by().values(n=_CountDistinct("member_id")))), 0))
        count, persons = figures.pop("count"), figures.pop("persons")
        totals = {key: figures[key] for key in ("signed_up", "attended", "budget", "actual_cost")}
        rows = PagedRows(count, lambda offset, limit: _rows(ordered[offset:offset + limit]))
    else:
        rows = _rows(ordered)
        persons = participants.values("member_id").distinct().count()
    ledger = Ledger(title=str(_("Activity ledger")), node_name=node.name, start=start, end=end,
                    columns=_columns(), rows=rows, totals=totals or {})
    ledger.notes = [
        _("Activities: %(count)d") % {"count": len(rows)},
        _("Members who took part (人数): %(persons)d") % {"persons": persons},
        _("Attendances (人次): %(visits)d") % {"visits": ledger.totals.get("attended", 0)},
        _("Cancelled activities are not listed. 人次 counts the members checked in at each activity."),
    ]
    ledger.persons = persons  # type: ignore[attr-defined]  (for the page and the tests)
    return ledger


@dataclass
class DrillRow:
    node: OrgNode | None          # None: the activities the node organised itself
    activities: int
    attended: int
    cost: Decimal


def drill_down(node: OrgNode, start: datetime.date, end: datetime.date) -> list[DrillRow]:
    """Per child node (its subtree): activities, 人次 and actual cost in the period; then the node's own
    activities. Two queries."""
    children = list(OrgNode.objects.filter(parent=node).order_by("name").only("id", "name", "path", "level"))
    if not children:
        return []
    low, high = _bounds(start, end)
    base = (Activity.objects.filter(starts_at__gte=low, starts_at__lt=high)
            .exclude(status=ActivityStatus.CANCELLED))
    figures = per_child(base, node.path, activities=Count("id"), attended=Coalesce(Sum("attended_count"), 0),
                        cost=Coalesce(Sum("actual_cost"), Decimal("0")))
    rows = []
    for child in [*children, None]:
        data = figures.get(child.path if child else node.path, {})
        rows.append(DrillRow(node=child, activities=data.get("activities", 0), attended=data.get("attended", 0),
                             cost=Decimal(data.get("cost") or 0)))
    return rows


@transaction.atomic
def export_activity_ledger(*, actor, node: OrgNode, start: datetime.date, end: datetime.date
                           ) -> tuple[bytes, str]:
    """The ledger as an .xlsx (bytes, file name); the export is logged."""
    ledger = build_activity_ledger(node, start, end)
    content = ledger_xlsx(ledger)
    audit.record(actor=actor, action=AuditEntry.Action.EXPORT, instance=node, org_path=node.path, after={
        "export": ledger.title, "rows": len(ledger.rows), "filters": ledger.period_label})
    return content, ledger.filename()
