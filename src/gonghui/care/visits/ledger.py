"""走访慰问台账 (issue 4 §9): every visit under a node in a period, with totals of persons, 人次 and value,
and, for a node with children, the same totals per child (the federation's drill-down)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.ledger import ChildTotal, Ledger, LedgerColumn, child_totals, ledger_xlsx
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import OrgNode

from . import selectors
from .services import reason_label


class _Row(NamedTuple):
    visited_on: datetime.date
    member_id: int
    member_name: str
    union_name: str
    reason: str
    visitors: str
    place: str
    gift: str
    gift_value: Decimal
    path: str


def visit_ledger(user, node: OrgNode, start: datetime.date, end: datetime.date) -> tuple[Ledger, list[ChildTotal]]:
    # plain values, not model instances with three related ones each: a county's year is ~20,000 visits
    rows = [_Row(*values) for values in selectors.visits(user, node, start=start, end=end).order_by(
        "visited_on", "id").values_list("visited_on", "member_id", "member__name", "union__name", "reason",
                                        "visitors", "place", "gift", "gift_value", "path")]
    labels = {}
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
    data = [{"visited_on": visit.visited_on, "member": visit.member_name, "union": visit.union_name,
             "reason": labels.get(visit.reason) or labels.setdefault(visit.reason, reason_label(visit.reason)),
             "visitors": visit.visitors, "place": visit.place, "gift": visit.gift, "value": visit.gift_value}
            for visit in rows]
    persons = len({visit.member_id for visit in rows})
    total = sum((visit.gift_value for visit in rows), Decimal("0"))
    notes = [_("Persons visited: %(persons)d; visits (人次): %(visits)d; total value: %(value)s yuan.")
             % {"persons": persons, "visits": len(rows), "value": f"{total:,.2f}"}]
    ledger = Ledger(title=_("Visit ledger (走访慰问台账)"), node_name=node.name, start=start, end=end,
                    columns=columns, rows=data, notes=notes)
    children = list(OrgNode.objects.filter(parent=node).order_by("path"))
    drill = [row for row in child_totals(children, rows, path=attrgetter("path"), member=attrgetter("member_id"),
                                         amount=attrgetter("gift_value")) if row.times]
    return ledger, drill


def export_ledger(*, actor, node: OrgNode, ledger: Ledger) -> bytes:
    """The ledger as .xlsx; the export is logged (what, which period, how many rows)."""
    content = ledger_xlsx(ledger)
    audit.record(actor=actor, action=AuditEntry.Action.EXPORT, instance=node, org_path=node.path,
                 after={"export": ledger.title, "period": ledger.period_label, "rows": len(ledger.rows)})
    return content
