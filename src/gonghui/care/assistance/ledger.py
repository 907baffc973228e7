"""帮扶台账 (issue 4 §9): every assistance committed (approved, paid, confirmed) under a node in a period, with
the persons (distinct members), the 人次 (records) and the amounts, subtotals by kind, and for a federation
the same totals per child node for the drill-down. Built on core.ledger, so the page and the .xlsx agree."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gonghui.accounts import policy
from gonghui.core.ledger import ChildTotal, Ledger, LedgerColumn, PagedRows, per_child
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


def _rows(user, node: OrgNode, start: datetime.date, end: datetime.date):
    return Assistance.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path, on__gte=start,
                                     on__lte=end, status__in=COMMITTED_ASSISTANCE)


_FIELDS = ("on", "member__name", "union__name", "kind", "amount", "form", "goods", "funding", "status",
           "hardship_file__category")


def _labels() -> tuple[dict, ...]:
    return tuple({key: str(label) for key, label in choices.choices}
                 for choices in (AssistanceKind, GiftForm, Funding, AssistanceStatus, HardshipCategory))


def _ledger_rows(values, first: int) -> list[dict]:
    # plain values and each label translated once: a county's year is thousands of records
    kinds, forms, fundings, statuses, categories = _labels()
    return [{
        "no": number, "on": on, "member": mask_name(member_name), "union": union_name,
        "kind": kinds.get(kind, kind), "amount": amount,
        "form": forms.get(form, form) + (f"（{goods}）" if goods else ""),
        "funding": fundings.get(funding, funding),
        "status": statuses.get(status, status),
        "category": categories.get(category or "", ""),
    } for number, (on, member_name, union_name, kind, amount, form, goods, funding, status, category)
        in enumerate(values, start=first)]


def assistance_ledger(user, node: OrgNode, start: datetime.date, end: datetime.date) -> Ledger:
    """The ledger in three queries whatever the number of records: the persons, 人次 and amount; the same by kind;
    the rows a page at a time (core.ledger.PagedRows: the page reads 200 of them, the .xlsx every one)."""
    records = _rows(user, node, start, end)
    figures = records.order_by().aggregate(times=Count("id"), persons=Count("member_id", distinct=True),
                                           amount=Coalesce(Sum("amount"), Decimal("0")))
    by_kind = list(records.order_by().values("kind").annotate(
        persons=Count("member_id", distinct=True), times=Count("id"), amount=Coalesce(Sum("amount"), Decimal("0"))))
    ordered = records.order_by("on", "id").values_list(*_FIELDS)
    rows = PagedRows(figures["times"],
                     lambda offset, limit: _ledger_rows(ordered[offset:offset + limit], offset + 1))
    kinds = _labels()[0]
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
    total = Decimal(figures["amount"])
    notes = [_("Persons: %(persons)d; 人次: %(times)d; amount: %(amount)s yuan.") % {
        "persons": figures["persons"], "times": figures["times"], "amount": f"{total:,.2f}"}]
    for row in sorted(by_kind, key=lambda row: str(kinds.get(row["kind"]))):
        notes.append(_("%(kind)s: %(persons)d persons, %(times)d 人次, %(amount)s yuan.") % {
            "kind": kinds.get(row["kind"], row["kind"]), "persons": row["persons"], "times": row["times"],
            "amount": f"{Decimal(row['amount']):,.2f}"})
    return Ledger(title=_("Assistance ledger (帮扶台账)"), node_name=node.name, start=start, end=end,
                  columns=columns, rows=rows, notes=notes, totals={"amount": total})


def drill_down(user, node: OrgNode, start: datetime.date, end: datetime.date) -> list[ChildTotal]:
    """Per child node: persons, 人次, amount under it, from one query grouped by child path segment."""
    children = [child for child in OrgNode.objects.filter(parent=node).order_by("path")
                if policy.has_perm(user, "orgs.view", child.path)]
    if not children:
        return []
    figures = per_child(_rows(user, node, start, end).order_by(), node.path,
                        persons=Count("member_id", distinct=True), times=Count("id"),
                        amount=Coalesce(Sum("amount"), Decimal("0")))
    empty = {"persons": 0, "times": 0, "amount": Decimal("0")}
    return [ChildTotal(node=child, persons=data["persons"], times=data["times"], amount=Decimal(data["amount"]))
            for child in children for data in [figures.get(child.path, empty)]]
