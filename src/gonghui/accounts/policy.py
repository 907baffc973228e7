"""The one permission policy: who may see and do what, and where.

A role is granted on an org node and holds for that node's whole subtree. A node's subtree is every node
whose materialised path starts with its path, and every record (unit, officer, audit entry, later members
and activities) carries or reaches such a path. So every decision here is a prefix test, and every list
is a prefix filter on an indexed column.

Nothing else in the code decides who may see what: views call `check()` (404 when the record is not
visible, 403 when it is visible but the action is not allowed) and selectors call `scope_q()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Role

ALL_ROLES = frozenset(Role.values)
MANAGERS = frozenset({Role.FEDERATION_ADMIN, Role.UNION_CHAIR, Role.UNION_OFFICER})

# permission → the roles that hold it (on the node they are granted on and everything below it)
PERMISSIONS: dict[str, frozenset[str]] = {
    "orgs.view": ALL_ROLES,
    # edit a node's own facts, its committee officers and its units
    "orgs.change": MANAGERS,
    # create nodes below a node (a chair may set up 分工会 and 工会小组 in their own union)
    "orgs.add": frozenset({Role.FEDERATION_ADMIN, Role.UNION_CHAIR}),
    # move a node to another parent: only federations re-draw the tree
    "orgs.move": frozenset({Role.FEDERATION_ADMIN}),
    "units.view": ALL_ROLES - {Role.MEMBER},
    "units.change": MANAGERS,
    # the member registry: read by every officer role, written by the managers
    "members.view": ALL_ROLES - {Role.MEMBER},
    "members.change": MANAGERS,
    # see a 身份证号 or mobile number in clear (each reveal is logged) and export unmasked rosters
    "members.reveal": MANAGERS,
    # 女职工 records (五期, health checks): the women's officer and the chair only (issue 3 §6)
    "women.view": frozenset({Role.WOMEN_OFFICER, Role.UNION_CHAIR}),
    "women.change": frozenset({Role.WOMEN_OFFICER, Role.UNION_CHAIR}),
    # activities (issue 4): officers see and run them; a member sees those open to them through
    # activities.selectors.open_to_member, not through this permission
    "activities.view": ALL_ROLES - {Role.MEMBER},
    "activities.change": MANAGERS,
    # honours: a union nominates; the union above decides (honours.change held on the deciding node)
    "honours.view": ALL_ROLES - {Role.MEMBER},
    "honours.change": MANAGERS,
    # care (hardship files, assistance, visits, campaigns): family finances and health, so not every officer
    "care.view": MANAGERS | {Role.FINANCE_OFFICER, Role.AUDIT_OFFICER, Role.READONLY_LEADER},
    "care.change": MANAGERS,
    # approve hardship files (the union, then the union above) and assistance
    "care.approve": frozenset({Role.UNION_CHAIR, Role.FEDERATION_ADMIN}),
    # record a payment as made
    "care.pay": frozenset({Role.FINANCE_OFFICER, Role.UNION_CHAIR, Role.FEDERATION_ADMIN}),
    # see a household's finances and health in clear (each reveal is logged)
    "care.reveal": MANAGERS,
    # plans, summaries and their indicators (issue 5): every officer reads them, the managers write them
    "plans.view": ALL_ROLES - {Role.MEMBER},
    "plans.change": MANAGERS,
    # review (return or accept) what the unions below submit, held on the reviewing node; define and score
    # assessments (考核) of the unions below
    "plans.review": frozenset({Role.FEDERATION_ADMIN}),
    "plans.assess": frozenset({Role.FEDERATION_ADMIN}),
    # collective contracts (集体合同, rights/): every officer reads them, the managers record them
    "rights.view": ALL_ROLES - {Role.MEMBER},
    "rights.change": MANAGERS,
    "audit.view": frozenset({Role.FEDERATION_ADMIN}),
    # grant and revoke roles on nodes in the subtree, create accounts
    "accounts.manage": frozenset({Role.FEDERATION_ADMIN}),
}


@dataclass(frozen=True)
class Grant:
    path: str
    role: str
    node_id: int


def grants(user) -> list[Grant]:
    """The user's role assignments, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_gonghui_grants", None)
    if cached is None:
        cached = [
            Grant(path=path, role=role, node_id=node_id)
            for path, role, node_id in user.assignments.values_list("node__path", "role", "node_id")
        ]
        user._gonghui_grants = cached
    return cached


def forget(user) -> None:
    """Drop the cached grants, after a role was granted or revoked within the request."""
    if hasattr(user, "_gonghui_grants"):
        del user._gonghui_grants


def _roles_for(permission: str) -> frozenset[str]:
    try:
        return PERMISSIONS[permission]
    except KeyError:
        raise ValueError(f"unknown permission {permission!r}") from None


def scope_paths(user, permission: str) -> list[str]:
    """The top-most paths under which `user` holds `permission` (nested grants folded away)."""
    roles = _roles_for(permission)
    paths = sorted({g.path for g in grants(user) if g.role in roles})
    result: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in result):
            result.append(path)
    return result


def scope_q(user, permission: str, field: str = "path") -> Q:
    """A filter that keeps the rows whose `field` (a materialised path) lies where `user` holds
    `permission`. Matches nothing for a user without it."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    paths = scope_paths(user, permission)
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{field}__under": path})
    return query


def subtree_q(user, permission: str, path: str, field: str = "path") -> Q:
    """The rows under `path` that `user` may see with `permission`. Where the user holds the permission at `path`
    itself the scope adds nothing, and is left out: as a second range on the same column it can lead the database
    to walk the user's whole scope (a district of a million members) for one union's page."""
    inside = Q(**{f"{field}__under": path})
    if has_perm(user, permission, path):
        return inside
    return scope_q(user, permission, field) & inside


def has_perm(user, permission: str, path: str) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    roles = _roles_for(permission)
    return any(g.role in roles and path.startswith(g.path) for g in grants(user))


def roles_at(user, path: str) -> set[str]:
    """Every role that holds at `path` (granted there or above)."""
    return {g.role for g in grants(user) if path.startswith(g.path)}


def check(user, path: str | None, permission: str, *, view_permission: str = "orgs.view") -> None:
    """The access helper's rule: not visible → 404, visible but not allowed → 403."""
    if path is None or not has_perm(user, view_permission, path):
        raise Http404
    if not has_perm(user, permission, path):
        raise PermissionDenied


def permissions_at(user, path: str, permissions: Iterable[str] | None = None) -> dict[str, bool]:
    """For templates: which actions to offer on a page (`perms.orgs_change` etc.)."""
    names = permissions or PERMISSIONS.keys()
    return {name.replace(".", "_"): has_perm(user, name, path) for name in names}
