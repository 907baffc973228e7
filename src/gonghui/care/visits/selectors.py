"""Reads of visits and of the visits that are due, limited to what the user may see (policy care.view).

Nodes are reached with orgs.selectors.get_node_for_user (permission care.view): 404 when the node is not visible
at all, 403 when it is visible but the user may not do what the page does (e.g. a women's officer, who sees
the node but not care records).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from gonghui.accounts import policy
from gonghui.members.models import MEMBER_STATUSES, EmploymentType, Member, RetainReason
from gonghui.orgs.models import OrgNode

from ..models import CareNotice, Visit
from . import retirement


def visits(user, node: OrgNode, *, start: datetime.date | None = None, end: datetime.date | None = None,
           reason: str = "") -> QuerySet[Visit]:
    rows = Visit.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path)
    if start:
        rows = rows.filter(visited_on__gte=start)
    if end:
        rows = rows.filter(visited_on__lte=end)
    if reason:
        rows = rows.filter(reason=reason)
    return rows.select_related("member", "union", "assistance").order_by("-visited_on", "-id")


def get_visit(user, pk: int, permission: str = "care.view") -> Visit:
    """One visit, through its union's path: 404 outside the user's care scope, 403 without `permission`."""
    visit = (Visit.objects.select_related("member", "union", "assistance", "recorded_by", "notice")
             .filter(pk=pk).first())
    if visit is None:
        raise Http404
    policy.check(user, visit.path, "care.view")
    if permission != "care.view":
        policy.check(user, visit.path, permission)
    return visit


def open_notices(user, node: OrgNode) -> QuerySet[CareNotice]:
    return (CareNotice.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path,
                                      resolved_on__isnull=True)
            .select_related("member", "union").order_by("since", "id"))


def get_notice(user, node: OrgNode, pk) -> CareNotice | None:
    if not pk or not (str(pk).isascii() and str(pk).isdigit()):
        return None
    return open_notices(user, node).filter(pk=int(pk)).first()


@dataclass(frozen=True)
class Retiring:
    member: Member
    on: datetime.date
    age: str


def retiring_in_month(user, node: OrgNode, year: int, month: int) -> list[Retiring]:
    """Members under the node (still at work) who reach their retirement age in the month, by the statutory
    schedule (retirement.py), without a retirement visit yet. One query."""
    births = Q(pk__in=[])
    for gender in ("M", "F"):
        birth = retirement.birth_month_retiring_in(gender, year, month)
        if birth is not None:
            births |= Q(gender=gender, birth_date__year=birth[0], birth_date__month=birth[1])
    visited = Visit.objects.filter(member=OuterRef("pk"), reason="retirement")
    members = (Member.objects.filter(policy.scope_q(user, "care.view"), births, path__under=node.path,
                                     status__in=MEMBER_STATUSES)
               .exclude(employment_type=EmploymentType.RETIRED).exclude(retain_reason=RetainReason.RETIRED)
               .exclude(Exists(visited)).select_related("union").order_by("birth_date", "name", "id"))
    result = []
    for member in members:
        months = retirement.retirement_age_months(member.gender, member.birth_date)
        result.append(Retiring(member=member, on=retirement.retirement_date(member.gender, member.birth_date),
                               age=retirement.age_label(months)))
    return result


def find_members(user, node: OrgNode, text: str) -> list[Member]:
    """Members under the node matching a card number exactly, or a name exactly (at most a few)."""
    text = (text or "").strip()
    if not text:
        return []
    rows = Member.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path,
                                 status__in=MEMBER_STATUSES).select_related("union")
    by_card = list(rows.filter(card_no=text)[:2])
    return by_card or list(rows.filter(name=text).order_by("path", "id")[:5])


def get_member(user, node: OrgNode, pk) -> Member | None:
    if not pk or not (str(pk).isascii() and str(pk).isdigit()):
        return None
    return (Member.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path, pk=int(pk),
                                  status__in=MEMBER_STATUSES).select_related("union").first())
