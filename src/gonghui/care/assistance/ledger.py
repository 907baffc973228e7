"""帮扶台账 (issue 4 §9): every assistance committed (approved, paid, confirmed) under a node in a period, with
the persons (distinct members), the 人次 (records) and the amounts, subtotals by kind, and for a federation
the same totals per child node for the drill-down. Built on core.ledger, so the page and the .xlsx agree."""

from __future__ import annotations

import datetime
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from gonghui.accounts import policy
from gonghui.core.ledger import ChildTotal, Ledger, LedgerColumn, child_totals
from gonghui.members.documents.selectors import mask_name
from gonghui.orgs.models import OrgNode

from ..models import (
    COMMITTED_ASSISTANCE,
    Assistance,
    AssistanceKind,
    AssistanceStatus,
    Funding,
    GiftForm,
    HardshipCategory,
)


class Record(NamedTuple):
    on: datetime.date
    member_id: int
    member_name: str
    union_name: str
    kind: str
    amount: Decimal
    form: str
    goods: str
    funding: str
    status: str
    category: str | None


def _rows(user, node: OrgNode, start: datetime.date, end: datetime.date):
    return Assistance.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path, on__gte=start,
                                     on__lte=end, status__in=COMMITTED_ASSISTANCE)


def assistance_ledger(user, node: OrgNode, start: datetime.date, end: datetime.date) -> Ledger:
    # plain values and each label translated once: a county's year is thousands of records
    records = [Record(*values) for values in _rows(user, node, start, end).order_by("on", "id").values_list(
        "on", "member_id", "member__name", "union__name", "kind", "amount", "form", "goods", "funding", "status",
        "hardship_file__category")]
    kinds, forms, fundings, statuses, categories = (
        {key: str(label) for key, label in choices.choices}
        for choices in (AssistanceKind, GiftForm, Funding, AssistanceStatus, HardshipCategory))
    rows = []
    for number, record in enumerate(records, start=1):
        rows.append({
            "no": number, "on": record.on, "member": mask_name(record.member_name), "union": record.union_name,
            "kind": kinds.get(record.kind, record.kind), "amount": record.amount,
            "form": forms.get(record.form, record.form) + (f"（{record.goods}）" if record.goods else ""),
            "funding": fundings.get(record.funding, record.funding),
            "status": statuses.get(record.status, record.status),
            "category": categories.get(record.category or "", ""),
        })
    columns = [
        LedgerColumn("no", _("No."), "int", 6),
        LedgerColumn("on", _("Date"), "date", 12),
        LedgerColumn("member", _("Recipient of assistance"), "text", 10),
        LedgerColumn("union", _("Union"), "text", 20),
        LedgerColumn("kind", _("Kind of assistance"), "text", 16),
        LedgerColumn("amount", _("Amount (yuan)"), "money", 13, total=True),
        LedgerColumn("form", _("Given as"), "text", 16),
        LedgerColumn("funding", _("Paid from"), "text", 14),
        LedgerColumn("status", _("Status"), "text", 14),
        LedgerColumn("category", _("Hardship category"), "text", 12),
    ]
    persons = len({record.member_id for record in records})
    total = sum((record.amount for record in records), Decimal("0"))
    notes = [_("Persons: %(persons)d; 人次: %(times)d; amount: %(amount)s yuan.") % {
        "persons": persons, "times": len(records), "amount": f"{total:,.2f}"}]
    by_kind: dict[str, list] = {}
    for record in records:
        entry = by_kind.setdefault(record.kind, [set(), 0, Decimal("0")])
        entry[0].add(record.member_id)
        entry[1] += 1
        entry[2] += record.amount
    for kind, (members, times, amount) in sorted(by_kind.items(), key=lambda item: str(kinds.get(item[0]))):
        notes.append(_("%(kind)s: %(persons)d persons, %(times)d 人次, %(amount)s yuan.") % {
            "kind": kinds.get(kind, kind), "persons": len(members), "times": times, "amount": f"{amount:,.2f}"})
    return Ledger(title=_("Assistance ledger (帮扶台账)"), node_name=node.name, start=start, end=end,
                  columns=columns, rows=rows, notes=notes)


def drill_down(user, node: OrgNode, start: datetime.date, end: datetime.date) -> list[ChildTotal]:
    """Per child node: persons, 人次, amount under it, from one grouped query."""
    children = [child for child in OrgNode.objects.filter(parent=node).order_by("path")
                if policy.has_perm(user, "orgs.view", child.path)]
    grouped = (_rows(user, node, start, end).values("path", "member_id")
               .annotate(times=Count("id"), amount=Sum("amount")).order_by())
    return child_totals(children, grouped, path=itemgetter("path"), member=itemgetter("member_id"),
                        amount=itemgetter("amount"), times=itemgetter("times"))
