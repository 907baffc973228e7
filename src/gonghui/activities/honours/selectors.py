"""Reads of honours, limited to what the user may see (policy: honours.view).

A nomination is seen under its nominating node (`path`); the deciding node lies above it and so sees it too.
An honour also belongs to its recipient: a member's union sees the honours its members were given by the
federation, so the honour roll of a node lists the awarded honours whose recipient (member or collective)
lies under it, whoever nominated them. Every list is one query (plus the paginator's count).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.accounts import policy
from gonghui.members.models import Member
from gonghui.orgs.models import OrgNode

from ..models import Honour, HonourStatus


def _with_relations(queryset: QuerySet[Honour]) -> QuerySet[Honour]:
    return queryset.select_related("member", "member__union", "collective", "nominated_by", "approver")


def recipient_path(honour: Honour) -> str:
    if honour.member_id:
        return honour.member.path
    if honour.collective_id:
        return honour.collective.path
    return honour.path


def get_honour_for_user(user, pk: int) -> Honour:
    """A nomination the user may see (its nominating node or its recipient lies in their honours.view scope),
    else 404. Each step then checks its own permission on its own node (decide: the approver; withdraw: the
    nominating node)."""
    honour = _with_relations(Honour.objects.filter(pk=pk)).first()
    if honour is None or not (policy.has_perm(user, "honours.view", honour.path)
                              or policy.has_perm(user, "honours.view", recipient_path(honour))):
        raise Http404
    return honour


def recipient_under_q(path: str) -> Q:
    """Honours whose recipient lies under `path`: a member, a collective node, or (a named team) the
    nominating node."""
    return (Q(member__path__under=path) | Q(collective__path__under=path)
            | Q(member__isnull=True, collective__isnull=True, path__under=path))


def to_decide(node: OrgNode) -> QuerySet[Honour]:
    """Pending nominations that this node decides (made by the nodes right below it)."""
    return _with_relations(Honour.objects.filter(approver=node, status=HonourStatus.NOMINATED)).order_by(
        "created_at", "id")


def nominations_by(node: OrgNode, *, year: int | None = None, status: str = "") -> QuerySet[Honour]:
    """Every nomination this node made, newest first."""
    queryset = Honour.objects.filter(nominated_by=node)
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    return _with_relations(queryset).order_by("-year", "-created_at", "-id")


def honour_roll(node: OrgNode, *, year: int | None = None, kind: str = "") -> QuerySet[Honour]:
    """The honours awarded to members and collectives under the node, by year and kind."""
    queryset = Honour.objects.filter(recipient_under_q(node.path), status=HonourStatus.APPROVED)
    if year:
        queryset = queryset.filter(year=year)
    if kind:
        queryset = queryset.filter(kind=kind)
    return _with_relations(queryset).order_by("-year", "kind", "member__name", "collective_name", "id")


def roll_years(node: OrgNode) -> list[int]:
    return list(Honour.objects.filter(recipient_under_q(node.path), status=HonourStatus.APPROVED)
                .values_list("year", flat=True).distinct().order_by("-year"))


def member_honours(user, member: Member) -> QuerySet[Honour]:
    """A member's honours: the awarded ones for everyone who may see the member; the pending and refused
    nominations too for an officer holding honours.view over the member."""
    queryset = Honour.objects.filter(member=member)
    if not policy.has_perm(user, "honours.view", member.path):
        queryset = queryset.filter(status=HonourStatus.APPROVED)
    return _with_relations(queryset).order_by("-year", "kind", "id")


def find_member_under(node: OrgNode, card_no: str) -> Member | None:
    """The member with this 会员证号 under the node (for the nomination form), else None."""
    card_no = (card_no or "").strip()
    if not card_no:
        return None
    return Member.objects.filter(card_no__iexact=card_no, path__under=node.path).first()


def find_collective_under(node: OrgNode, code: str) -> OrgNode | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return OrgNode.objects.filter(code=code, path__under=node.path).first()
