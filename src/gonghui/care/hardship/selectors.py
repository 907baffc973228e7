"""Reads of hardship files, 低保 standards and budgets, limited to where the user holds care.view.

Care pages follow the access rule of the site: a node or record outside the user's subtree does not exist
(404); one inside it that the user's roles may not open (e.g. a women's officer, who has no care.view) is
403. Lists filter on the clear columns (status, category, next review), never on the encrypted details.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from gonghui.accounts import policy
from gonghui.orgs.models import OrgNode

from ..models import (
    COMMITTED_ASSISTANCE,
    Assistance,
    CareBudget,
    Funding,
    HardshipFile,
    HardshipStatus,
    LivingAllowanceStandard,
)

DUE_DAYS = 30



def get_file(user, pk: int, permission: str = "care.view") -> HardshipFile:
    file = (HardshipFile.objects.select_related("member", "union", "union__parent", "union_approved_by",
                                                "approved_by").filter(pk=pk).first())
    if file is None:
        raise Http404
    policy.check(user, file.path, "care.view")
    if permission != "care.view":
        policy.check(user, file.path, permission)
    return file


def files(user, node: OrgNode, *, status: str = "", due: bool = False,
          today: datetime.date | None = None) -> QuerySet[HardshipFile]:
    rows = HardshipFile.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path)
    if status:
        rows = rows.filter(status=status)
    if due:
        rows = rows.filter(due_q(today))
        return rows.select_related("member", "union").order_by("next_review_on", "id")
    return rows.select_related("member", "union")


def due_q(today: datetime.date) -> Q:
    return Q(status=HardshipStatus.ACTIVE, next_review_on__lte=today + datetime.timedelta(days=DUE_DAYS))


def status_counts(user, node: OrgNode, today: datetime.date) -> dict[str, int]:
    base = HardshipFile.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path)
    counts = {row["status"]: row["n"] for row in base.values("status").annotate(n=Count("id")).order_by()}
    counts["due"] = base.filter(due_q(today)).count()
    return counts


def standards(node: OrgNode) -> QuerySet[LivingAllowanceStandard]:
    """The standards that apply at the node: its own and its ancestors' (shown with their node)."""
    from gonghui.orgs.models import path_ids

    return (LivingAllowanceStandard.objects.filter(node_id__in=path_ids(node.path)).select_related("node")
            .order_by("path", "-effective_from"))


def budgets(user, node: OrgNode) -> QuerySet[CareBudget]:
    return (CareBudget.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path)
            .select_related("node").order_by("-year", "path", "kind"))


def budget_rows(user, node: OrgNode, limit: int = 200) -> list[tuple[CareBudget, Decimal, Decimal]]:
    """(line, committed, left) for the budget lines under the node, in two queries: the lines, and the union
    funds committed by union, year and kind (the same rule as caps.budget_spent: a kind's own line, else the
    general line)."""
    lines = list(budgets(user, node)[:limit])
    if not lines:
        return []
    spent = {(row["union_id"], row["on__year"], row["kind"]): row["total"] for row in (
        Assistance.objects.filter(union_id__in={line.node_id for line in lines},
                                  on__year__in={line.year for line in lines}, funding=Funding.UNION_FUNDS,
                                  status__in=COMMITTED_ASSISTANCE)
        .values("union_id", "on__year", "kind").annotate(total=Sum("amount")).order_by())}
    own = {(line.node_id, line.year, line.kind) for line in lines if line.kind}
    rows = []
    for line in lines:
        if line.kind:
            total = spent.get((line.node_id, line.year, line.kind), Decimal("0"))
        else:
            total = sum((amount for (union_id, year, kind), amount in spent.items()
                         if union_id == line.node_id and year == line.year and (union_id, year, kind) not in own),
                        Decimal("0"))
        rows.append((line, total, line.amount - total))
    return rows


def history(file: HardshipFile):
    return list(file.events.all())
