"""Every read of the organisation tree a user can reach, already limited to what that user may see.

Each list is a fixed number of queries, whatever its length: subtree figures are computed with one
GROUP BY over the children's path prefixes rather than one query per child.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Count, IntegerField, Q, QuerySet, Sum, Value

from gonghui.accounts import policy

from .models import UNION_LEVELS, Officer, OfficerRole, OrgNode, Unit, path_ids
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
    """Aggregate `queryset` over each subtree in `paths`, in one query: a UNION ALL of one index range scan
    per path, so only the rows under those paths are read and no per-row grouping is needed."""
    parts = [
        queryset.filter(path__under=path).annotate(subtree=Value(path, output_field=CharField()))
        .values("subtree").annotate(**aggregates).order_by()
        for path in paths
    ]
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {row.pop("subtree"): row for row in rows}


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
    """Figures for a page of children: subtree nodes, units and members, in two queries that read only
    the subtrees of the children on the page."""
    if not children:
        return []
    paths = [child.path for child in children]
    node_figures = _per_subtree(OrgNode.objects.all(), paths, nodes=Count("id"),
                                members=Sum("member_count", filter=Q(level__in=UNION_LEVELS)))
    unit_figures = _per_subtree(Unit.objects.all(), paths, units=Count("id"))
    rows = []
    for child in children:
        nodes = node_figures.get(child.path, {})
        rows.append(ChildRow(
            node=child,
            nodes=(nodes.get("nodes") or 1) - 1,
            units=unit_figures.get(child.path, {}).get("units", 0),
            members=nodes.get("members") or 0,
        ))
    return rows


@dataclass
class Coverage:
    units: int
    units_in_scope: int  # units with COVERAGE_MIN_STAFF staff or more
    covered_in_scope: int
    independent: int
    joint: int
    uncovered: int
    staff_covered: int
    members: int
    min_staff: int

    @property
    def founding_rate(self) -> float | None:
        return self.covered_in_scope / self.units_in_scope if self.units_in_scope else None

    @property
    def membership_rate(self) -> float | None:
        return self.members / self.staff_covered if self.staff_covered else None


def coverage(node: OrgNode) -> Coverage:
    """建会率 and 入会率 for the subtree (DOMAIN.md, Coverage), in two queries."""
    min_staff = settings.GONGHUI_RULES["COVERAGE_MIN_STAFF"]
    units = Unit.objects.filter(path__under=node.path)
    covered = ~Q(coverage=UnitCoverage.NONE)
    joint = Q(coverage=UnitCoverage.JOINT)
    figures = units.aggregate(
        units=Count("id"),
        units_in_scope=Count("id", filter=Q(staff_count__gte=min_staff)),
        covered_in_scope=Count("id", filter=Q(staff_count__gte=min_staff) & covered),
        joint=Count("id", filter=joint),
        covered=Count("id", filter=covered),
        staff_covered=Sum("staff_count", filter=covered, output_field=IntegerField()),
    )
    members = OrgNode.objects.filter(path__under=node.path, level__in=UNION_LEVELS).aggregate(
        m=Sum("member_count")
    )["m"] or 0
    return Coverage(
        units=figures["units"],
        units_in_scope=figures["units_in_scope"],
        covered_in_scope=figures["covered_in_scope"],
        independent=figures["covered"] - figures["joint"],
        joint=figures["joint"],
        uncovered=figures["units"] - figures["covered"],
        staff_covered=figures["staff_covered"] or 0,
        members=members,
        min_staff=min_staff,
    )


ROLE_ORDER = {role: index for index, role in enumerate(OfficerRole.values)}


def node_officers(node: OrgNode) -> list[Officer]:
    """Officers as a committee list reads: current term first, then chair, vice-chairs, members, others."""
    officers = Officer.objects.filter(node=node).order_by("-term_start", "name")
    return sorted(officers, key=lambda o: (-o.term_start.toordinal(), ROLE_ORDER.get(o.role, 99)))


def findings_for(node: OrgNode, officers: list[Officer], today: datetime.date | None = None) -> list[Finding]:
    return node_findings(node, officers, today or datetime.date.today())


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
