"""Reads of assessments, scoped to the user: schemes are seen with plans.view on their federation and
changed with plans.assess there (404 outside the user's subtree, 403 without the permission)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from gonghui.accounts import policy
from gonghui.orgs.models import OrgNode
from gonghui.plans.models import AssessmentCriterion, AssessmentScheme, AssessmentScore
from gonghui.plans.selectors import get_scheme_for_user  # noqa: F401  (re-exported for the views)


def schemes_of(user, node: OrgNode) -> QuerySet[AssessmentScheme]:
    """Schemes defined in the node's subtree that the user may see, newest year first; one query."""
    return (AssessmentScheme.objects.filter(policy.scope_q(user, "plans.view"), path__under=node.path)
            .select_related("node").annotate(criteria_count=Count("criteria")).order_by("-year", "path", "name"))


def get_criterion_for_user(user, pk: int, permission: str = "plans.view") -> AssessmentCriterion:
    criterion = AssessmentCriterion.objects.select_related("scheme", "scheme__node").filter(pk=pk).first()
    if criterion is None:
        raise Http404
    policy.check(user, criterion.scheme.path, "plans.view")
    if permission != "plans.view":
        policy.check(user, criterion.scheme.path, permission)
    return criterion


def entered_values(criteria, unions) -> dict[tuple[int, int], object]:
    """(criterion id, union id) → the value entered by hand; one query."""
    return {(criterion_id, union_id): value for criterion_id, union_id, value in
            AssessmentScore.objects.filter(criterion__in=[c.pk for c in criteria], union__in=[u.pk for u in unions])
            .values_list("criterion_id", "union_id", "value")}
