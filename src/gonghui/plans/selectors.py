"""Access helpers of plans, summaries, indicators and assessments, and the shared reads.

A plan or summary is seen where the user holds plans.view over its node, and written with plans.change
there while it is a draft or returned. Reviewing it (return, accept) is plans.review held on the node
above: a union's own chair does not accept their own plan. Outside the user's subtree it does not exist
(404); inside, an action the roles do not allow is 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from gonghui.accounts import policy
from gonghui.orgs.models import OrgNode

from .models import AssessmentScheme, Indicator, Plan, PlanItem, Summary


def _checked(user, path: str, permission: str) -> None:
    policy.check(user, path, "plans.view")
    if permission != "plans.view":
        policy.check(user, path, permission)


def get_plan_for_user(user, pk: int, permission: str = "plans.view") -> Plan:
    plan = Plan.objects.select_related("node", "node__parent").filter(pk=pk).first()
    if plan is None:
        raise Http404
    _checked(user, plan.path, permission)
    return plan


def get_item_for_user(user, pk: int, permission: str = "plans.view") -> PlanItem:
    item = PlanItem.objects.select_related("plan", "plan__node", "plan__node__parent").filter(pk=pk).first()
    if item is None:
        raise Http404
    _checked(user, item.plan.path, permission)
    return item


def get_indicator_for_user(user, pk: int, permission: str = "plans.view") -> Indicator:
    indicator = Indicator.objects.select_related("plan", "plan__node", "item").filter(pk=pk).first()
    if indicator is None:
        raise Http404
    _checked(user, indicator.plan.path, permission)
    return indicator


def get_summary_for_user(user, pk: int, permission: str = "plans.view") -> Summary:
    summary = Summary.objects.select_related("node", "node__parent").filter(pk=pk).first()
    if summary is None:
        raise Http404
    _checked(user, summary.path, permission)
    return summary


def check_reviewer(user, document: Plan | Summary) -> None:
    """Return or accept: plans.review on the node above the document's node (403 otherwise)."""
    parent = document.node.parent
    if parent is None or not policy.has_perm(user, "plans.review", parent.path):
        raise PermissionDenied


def get_scheme_for_user(user, pk: int, permission: str = "plans.view") -> AssessmentScheme:
    scheme = AssessmentScheme.objects.select_related("node").filter(pk=pk).first()
    if scheme is None:
        raise Http404
    _checked(user, scheme.path, permission)
    return scheme


def plans_of(user, node: OrgNode) -> QuerySet[Plan]:
    """Plans of the node's subtree the user may see, newest first."""
    return (Plan.objects.filter(policy.scope_q(user, "plans.view"), path__under=node.path)
            .select_related("node").order_by("-year", "half", "path"))


def summaries_of(user, node: OrgNode) -> QuerySet[Summary]:
    return (Summary.objects.filter(policy.scope_q(user, "plans.view"), path__under=node.path)
            .select_related("node").order_by("-year", "half", "path"))
