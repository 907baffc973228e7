from __future__ import annotations

from django.db.models import Q, QuerySet

from gonghui.orgs.models import OrgNode

from . import policy
from .models import RoleAssignment


def assignments_under(user, node: OrgNode, *, search: str = "", role: str = "") -> QuerySet[RoleAssignment]:
    """Role assignments on `node` and below, for a user who manages accounts there."""
    assignments = (
        RoleAssignment.objects.filter(policy.scope_q(user, "accounts.manage", field="node__path"))
        .filter(node__path__under=node.path)
        .select_related("user", "node", "granted_by")
    )
    if search:
        assignments = assignments.filter(Q(user__username__icontains=search) | Q(user__full_name__icontains=search))
    if role:
        assignments = assignments.filter(role=role)
    return assignments.order_by("node__path", "role", "user__username")


def get_assignment_for_user(user, pk: int, permission: str = "accounts.manage") -> RoleAssignment:
    """The access helper for role assignments: 404 when not visible, 403 when visible but not allowed."""
    assignment = RoleAssignment.objects.select_related("user", "node").filter(pk=pk).first()
    policy.check(user, assignment.node.path if assignment else None, permission)
    return assignment
