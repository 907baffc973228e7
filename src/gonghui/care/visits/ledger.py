"""走访慰问台账 (issue 4 §9): every visit under a node in a period, with totals of persons, 人次 and value,
and, for a node with children, the same totals per child (the federation's drill-down)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.ledger import ChildTotal, Ledger, LedgerColumn, PagedRows, ledger_xlsx, per_child
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import OrgNode

from . import selectors
from .services import reason_label

_FIELDS = ("visited_on", "member__name", "union__name", "reason", "visitors", "place", "gift", "gift_value")


def _rows(values) -> list[dict]:
    # plain values, not model instances with three related ones each: a county's year is ~20,000 visits
    labels: dict[str, str] = {}
    return [{"visited_on": visited_on, "member": member, "union": union,
             "reason": labels.get(reason) or labels.setdefault(reason, reason_label(reason)),
             "visitors": visitors, "place": place, "gift": gift, "value": value}
            for visited_on, member, union, reason, visitors, place, gift, value in values]


def visit_ledger(user, node: OrgNode, start: datetime.date, end: datetime.date) -> tuple[Ledger, list[ChildTotal]]:
    """The ledger and the drill-down by child, in four queries whatever the number of visits: the count, value
    and persons in one aggregate, the rows a page at a time (core.ledger.PagedRows: the page reads 200, the .xlsx
    every one), the children, and their figures grouped by child path segment."""
    visits = selectors.visits(user, node, start=start, end=end)
    figures = visits.order_by().aggregate(visits=Count("id"), persons=Count("member_id", distinct=True),
                                          value=Coalesce(Sum("gift_value"), Decimal("0")))
    ordered = visits.order_by("visited_on", "id").values_list(*_FIELDS)
    rows = PagedRows(figures["visits"], lambda offset, limit: _rows(ordered[offset:offset + limit]))
    columns = [
        LedgerColumn("visited_on", _("Date"), "date", 12),
        LedgerColumn("member", _("Member"), "text", 12),
        LedgerColumn("union", _("Union"), "text", 22),
        LedgerColumn("reason", _("Reason"), "text", 14),
        LedgerColumn("visitors", _("Visited by"), "text", 20),
        LedgerColumn("place", _("Place"), "text", 14),
        LedgerColumn("gift", _("What was given"), "text", 20),
        LedgerColumn("value", _("Value (yuan)"), "money", 12, total=True),
    ]
    total = Decimal(figures["value"])
    notes = [_("Persons visited: %(persons)d; visits (人次): %(visits)d; total value: %(value)s yuan.")
             % {"persons": figures["persons"], "visits": figures["visits"], "value": f"{total:,.2f}"}]
    ledger = Ledger(title=_("Visit ledger (走访慰问台账)"), node_name=node.name, start=start, end=end,
                    columns=columns, rows=rows, notes=notes, totals={"value": total})
    ledger.persons = figures["persons"]  # type: ignore[attr-defined]  (for the page and the benchmarks)
    children = list(OrgNode.objects.filter(parent=node).order_by("path"))
    by_child = per_child(visits.order_by(), node.path, persons=Count("member_id", distinct=True), times=Count("id"),
                         amount=Coalesce(Sum("gift_value"), Decimal("0")))
    drill = [ChildTotal(node=child, persons=data["persons"], times=data["times"], amount=Decimal(data["amount"]))
             for child in children if (data := by_child.get(child.path)) and data["times"]]
    return ledger, drill


def export_ledger(*, actor, node: OrgNode, ledger: Ledger) -> bytes:
    """The ledger as .xlsx; the export is logged (what, which period, how many rows)."""
    content = ledger_xlsx(ledger)
    audit.record(actor=actor, action=AuditEntry.Action.EXPORT, instance=node, org_path=node.path,
                 after={"export": ledger.title, "period": ledger.period_label, "rows": len(ledger.rows)})
    return content
