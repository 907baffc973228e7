"""Every read of the organisation tree a user can reach, already limited to what that user may see.

Each list is a fixed number of queries, whatever its length: subtree figures are computed with one
GROUP BY over the children's path prefixes rather than one query per child.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Substr

from gonghui.accounts import policy
from gonghui.core.ledger import per_subtree
from gonghui.members import tally as member_tally
from gonghui.members.models import MemberTally
from gonghui.members.tally import FIGURES as TALLY_FIGURES
from gonghui.members.tally import STATUS_FIGURES

from .models import SEGMENT_WIDTH, UNION_LEVELS, Officer, OfficerRole, OrgNode, Unit, path_ids
from .models import Coverage as UnitCoverage
from .rules import Finding, node_findings


def visible_nodes(user) -> QuerySet[OrgNode]:
    return OrgNode.objects.filter(policy.scope_q(user, "orgs.view"))


def get_node_for_user(user, pk: int, permission: str = "orgs.view") -> OrgNode:
    """The access helper for nodes: 404 when not visible, 403 when visible but not allowed."""
    node = OrgNode.objects.select_related("parent").filter(pk=pk).first()
    policy.check(user, node.path if node else None, permission)
    return node


def get_unit_for_user(user, pk: int, permission: str = "units.view") -> Unit:
    unit = Unit.objects.select_related("area_node", "covering_union").filter(pk=pk).first()
    policy.check(user, unit.path if unit else None, permission, view_permission="units.view")
    return unit


def get_officer_for_user(user, pk: int, permission: str = "orgs.view") -> Officer:
    officer = Officer.objects.select_related("node").filter(pk=pk).first()
    policy.check(user, officer.node.path if officer else None, permission)
    return officer


def find_node_for_user(user, code: str, permission: str = "orgs.view") -> OrgNode | None:
    """The node with this code if the user holds `permission` there, else None (for filters typed by hand)."""
    node = OrgNode.objects.filter(code=code.strip().upper()).first()
    if node is None or not policy.has_perm(user, permission, node.path):
        return None
    return node


def user_home_nodes(user) -> list[OrgNode]:
    """The nodes the user's roles are granted on, top-most first: the org switcher's choices."""
    ids = {grant.node_id for grant in policy.grants(user)}
    return list(OrgNode.objects.filter(pk__in=ids).order_by("depth", "name"))


def current_home(homes: list[OrgNode], current_id: int | None) -> OrgNode | None:
    """The org switcher's choice among the user's own nodes (from the session), else the top-most one."""
    return next((node for node in homes if node.pk == current_id), homes[0] if homes else None)


def breadcrumbs(user, node: OrgNode) -> list[OrgNode]:
    """The node's ancestors the user may see, root first, and the node itself; one query."""
    ids = path_ids(node.path)[:-1]
    ancestors = {n.pk: n for n in OrgNode.objects.filter(pk__in=ids).only("id", "name", "path", "level")}
    chain = [ancestors[pk] for pk in ids if pk in ancestors]
    return [n for n in chain if policy.has_perm(user, "orgs.view", n.path)] + [node]


def _per_subtree(queryset: QuerySet, paths: list[str], **aggregates) -> dict[str, dict]:
    """Aggregate `queryset` over each subtree in `paths`, in one query: the range of the paths' common prefix
    grouped by the path segment each row lies under (core.ledger.per_subtree)."""
    return per_subtree(queryset, paths, **aggregates)


@dataclass
class ChildRow:
    node: OrgNode
    nodes: int
    units: int
    members: int


def node_children(node: OrgNode, *, search: str = "") -> QuerySet[OrgNode]:
    children = OrgNode.objects.filter(parent=node)
    if search:
        children = children.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return children.order_by("name")


def child_rows(node: OrgNode, children: list[OrgNode]) -> list[ChildRow]:
    """Figures for a page of children: subtree nodes, units and members, in three queries that read only
    the subtrees of the children on the page."""
    if not children:
        return []
    paths = [child.path for child in children]
    node_figures = _per_subtree(OrgNode.objects.all(), paths, nodes=Count("id"))
    unit_figures = _per_subtree(Unit.objects.all(), paths, units=Count("id"))
    member_figures = _per_subtree(MemberTally.objects.all(), paths, members=Sum("members"))
    rows = []
    for child in children:
        rows.append(ChildRow(
            node=child,
            nodes=(node_figures.get(child.path, {}).get("nodes") or 1) - 1,
            units=unit_figures.get(child.path, {}).get("units", 0),
            members=member_figures.get(child.path, {}).get("members") or 0,
        ))
    return rows


def own_member_counts(node: OrgNode) -> tuple[int, int]:
    """(members, women members) of a union itself, counted from the member records: its groups and branches
    included, the unions below it (a joint union's grassroots unions) not. Two queries."""
    below = list(OrgNode.objects.filter(path__under=node.path, level__in=UNION_LEVELS).exclude(pk=node.pk)
                 .values_list("path", flat=True))
    members = women = 0
    for path, count, women_count in MemberTally.objects.filter(path__under=node.path).values_list(
            "path", "members", "women"):
        if not any(path.startswith(prefix) for prefix in below):
            members += count
            women += women_count
    return members, women


# The unit figures of a subtree, from the units' own path and coverage (covered by unit_path_coverage_idx).
def _unit_aggregates(min_staff: int) -> dict:
    covered = ~Q(coverage=UnitCoverage.NONE)
    large = Q(staff_count__gte=min_staff)
    return {
        "units": Count("id"),
        "units_with_union": Count("id", filter=covered),
        "units_joint": Count("id", filter=Q(coverage=UnitCoverage.JOINT)),
        "units_min_staff": Count("id", filter=large),
        "units_min_staff_with_union": Count("id", filter=large & covered),
        "staff_covered": Sum("staff_count", filter=covered, output_field=IntegerField()),
    }


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Coverage:
    """The coverage figures of a subtree (issue 3 §8; DOMAIN.md, Coverage). Unit figures come from the
    units, member figures from the member records (through members.MemberTally)."""

    units: int
    units_with_union: int
    units_joint: int
    units_min_staff: int  # units with `min_staff` (COVERAGE_MIN_STAFF, 25) staff or more
    units_min_staff_with_union: int
    staff_covered: int  # staff of the units that have a union
    min_staff: int
    tally: dict[str, int]  # members.tally.FIGURES summed over the subtree

    @property
    def units_independent(self) -> int:
        return self.units_with_union - self.units_joint

    @property
    def units_without_union(self) -> int:
        return self.units - self.units_with_union

    @property
    def founding_rate(self) -> float | None:
        """建会率 over every unit in scope."""
        return _rate(self.units_with_union, self.units)

    @property
    def founding_rate_min_staff(self) -> float | None:
        """建会率 over the units with 25 or more staff (the usual target)."""
        return _rate(self.units_min_staff_with_union, self.units_min_staff)

    @property
    def members(self) -> int:
        return self.tally["members"]

    @property
    def working_members(self) -> int:
        """Members who are staff of their unit: the members less those with 保留会籍 (retirees, the unemployed,
        members of a closed unit), who are not staff of any covered unit (DOMAIN.md, Members)."""
        return self.members - self.tally["retained"]

    @property
    def membership_rate(self) -> float | None:
        """入会率 = members who are staff ÷ staff of covered units (DOMAIN.md, Coverage): members with 保留会籍
        are counted apart, not over the staff."""
        return _rate(self.working_members, self.staff_covered)

    @property
    def members_by_status(self) -> dict[str, int]:
        return {status: self.tally[status] for status in STATUS_FIGURES}

    def as_dict(self) -> dict:
        """The figures under the keys `gonghui stats --json` prints (documented there)."""
        def rate(value):
            return None if value is None else round(value, 4)

        return {
            "units": self.units,
            "units_with_union": self.units_with_union,
            "units_independent": self.units_independent,
            "units_joint": self.units_joint,
            "units_without_union": self.units_without_union,
            "founding_rate": rate(self.founding_rate),
            "min_staff": self.min_staff,
            "units_min_staff": self.units_min_staff,
            "units_min_staff_with_union": self.units_min_staff_with_union,
            "founding_rate_min_staff": rate(self.founding_rate_min_staff),
            "staff_covered": self.staff_covered,
            "members": self.members,
            "working_members": self.working_members,
            "membership_rate": rate(self.membership_rate),
            "women_members": self.tally["women"],
            "migrant_members": self.tally["migrant"],
            "new_form_members": self.tally["new_form"],
            "front_line_members": self.tally["front_line"],
            "retired_members": self.tally["retired"],
            "members_by_status": self.members_by_status,
        }


def _coverage(figures: dict, tally: dict, min_staff: int) -> Coverage:
    return Coverage(
        units=figures.get("units") or 0,
        units_with_union=figures.get("units_with_union") or 0,
        units_joint=figures.get("units_joint") or 0,
        units_min_staff=figures.get("units_min_staff") or 0,
        units_min_staff_with_union=figures.get("units_min_staff_with_union") or 0,
        staff_covered=figures.get("staff_covered") or 0,
        min_staff=min_staff,
        tally={name: tally.get(name) or 0 for name in TALLY_FIGURES},
    )


def coverage(node: OrgNode) -> Coverage:
    """The coverage figures of the node's subtree, in two queries: one index range over its units, one
    over its member tallies."""
    min_staff = settings.GONGHUI_RULES["COVERAGE_MIN_STAFF"]
    figures = Unit.objects.filter(path__under=node.path).aggregate(**_unit_aggregates(min_staff))
    tally = member_tally.totals(MemberTally.objects.filter(path__under=node.path))
    return _coverage(figures, tally, min_staff)


@dataclass
class ChildCoverage:
    node: OrgNode | None  # None: the units and members that answer to the node itself, not to a child
    coverage: Coverage


def child_coverage(node: OrgNode) -> list[ChildCoverage]:
    """The coverage figures of every child's subtree, for the dashboard's drill-down, in three queries
    whatever the number of children: the node's units and tallies are read once, grouped by the child path
    segment they lie under. Children without units or members are listed with zeros; a last row holds what
    answers to the node itself (units without a union in a street's area, memberships its federation keeps)."""
    min_staff = settings.GONGHUI_RULES["COVERAGE_MIN_STAFF"]
    width = len(node.path) + SEGMENT_WIDTH
    child_path = Substr("path", 1, width)
    units = {
        row.pop("child"): row
        for row in Unit.objects.filter(path__under=node.path).annotate(child=child_path).values("child")
        .annotate(**_unit_aggregates(min_staff)).order_by()
    }
    tallies = {
        row.pop("child"): row
        for row in MemberTally.objects.filter(path__under=node.path).annotate(child=child_path).values("child")
        .annotate(**{name: Sum(name) for name in TALLY_FIGURES}).order_by()
    }
    rows = [
        ChildCoverage(node=child, coverage=_coverage(units.get(child.path, {}), tallies.get(child.path, {}),
                                                     min_staff))
        for child in OrgNode.objects.filter(parent=node).only("id", "name", "code", "level", "path", "parent_id")
        .order_by("name", "pk")
    ]
    if node.path in units or node.path in tallies:
        rows.append(ChildCoverage(node=None, coverage=_coverage(units.get(node.path, {}),
                                                                tallies.get(node.path, {}), min_staff)))
    return rows


ROLE_ORDER = {role: index for index, role in enumerate(OfficerRole.values)}


def node_officers(node: OrgNode) -> list[Officer]:
    """Officers as a committee list reads: current term first, then chair, vice-chairs, members, others."""
    officers = Officer.objects.filter(node=node).order_by("-term_start", "name")
    return sorted(officers, key=lambda o: (-o.term_start.toordinal(), ROLE_ORDER.get(o.role, 99)))


def findings_for(node: OrgNode, officers: list[Officer], today: datetime.date | None = None) -> list[Finding]:
    """The node's checks; a union's member rules read its members as counted from the member records."""
    members, women = own_member_counts(node) if node.is_union else (0, 0)
    return node_findings(node, officers, today or datetime.date.today(), members=members, women_members=women)


def unit_list(user, node: OrgNode, *, search: str = "", kind: str = "", ownership: str = "",
              coverage_filter: str = "") -> QuerySet[Unit]:
    """Units under `node` the user may see, with their unions in the same query."""
    units = (
        Unit.objects.filter(policy.scope_q(user, "units.view"))
        .filter(path__under=node.path)
        .select_related("area_node", "covering_union")
    )
    if search:
        units = units.filter(Q(name__icontains=search) | Q(credit_code__icontains=search.upper()))
    if kind:
        units = units.filter(kind=kind)
    if ownership:
        units = units.filter(ownership=ownership)
    if coverage_filter == "none":
        units = units.filter(coverage=UnitCoverage.NONE)
    elif coverage_filter == "covered":
        units = units.exclude(coverage=UnitCoverage.NONE)
    return units.order_by("name", "pk")


def node_choices(user, *, permission: str, levels: frozenset[str] | set[str], search: str = "",
                 limit: int = 20) -> list[OrgNode]:
    """Nodes the user may act on at the given levels, found by name or code (for pickers)."""
    nodes = OrgNode.objects.filter(policy.scope_q(user, permission), level__in=levels)
    if search:
        nodes = nodes.filter(Q(name__icontains=search) | Q(code__istartswith=search))
    return list(nodes.order_by("depth", "name")[:limit])
