"""Reads of assistance records, limited to where the user holds care.view (404 outside the subtree, 403
inside it without care.view). A member reaches their own records through `for_member`."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from gonghui.accounts import policy
from gonghui.orgs.models import OrgNode

from ..models import Assistance, AssistanceStatus


def get_record(user, pk: int, permission: str = "care.view") -> Assistance:
    record = (Assistance.objects.select_related("union", "member", "hardship_file", "requested_by", "approved_by",
                                                "paid_by").filter(pk=pk).first())
    if record is None:
        raise Http404
    policy.check(user, record.path, "care.view")
    if permission != "care.view":
        policy.check(user, record.path, permission)
    return record


def records(user, node: OrgNode, *, status: str = "", kind: str = "") -> QuerySet[Assistance]:
    rows = Assistance.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("union", "member").order_by("-on", "-id")


def status_counts(user, node: OrgNode) -> dict[str, int]:
    rows = (Assistance.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path)
            .values("status").annotate(n=Count("id")).order_by())
    counts = {status: 0 for status in AssistanceStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def for_member(member) -> QuerySet[Assistance]:
    return Assistance.objects.filter(member=member).select_related("union").order_by("-on", "-id")
