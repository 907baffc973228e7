"""Reads of submission and review: a document's history, who may act on it, and the federation's view of
which unions below it have submitted their plan and summary for a year."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from gonghui.accounts import policy
from gonghui.orgs.models import FEDERATION_LEVELS, SEGMENT_WIDTH, Level, OrgNode

from ..models import Half, Plan, ReviewEvent, ReviewStatus, Summary

# the nodes that write plans and summaries of their own, besides the federations
UNION_LEVELS = (Level.GRASSROOTS_UNION, Level.JOINT_UNION)


def review_events(document: Plan | Summary) -> list[ReviewEvent]:
    return list(document.review_events.select_related("actor").order_by("at", "pk"))


def can_submit(user, document: Plan | Summary) -> bool:
    return (document.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED) and document.node.parent_id is not None
            and policy.has_perm(user, "plans.change", document.path))


def can_review(user, document: Plan | Summary) -> bool:
    parent = document.node.parent
    return parent is not None and policy.has_perm(user, "plans.review", parent.path)


def panel_context(user, document: Plan | Summary) -> dict:
    """What plans/_review_panel.html needs."""
    return {"document": document, "review_events": review_events(document),
            "can_submit": can_submit(user, document), "can_review": can_review(user, document),
            "review_url": "plans:plan_review" if isinstance(document, Plan) else "plans:summary_review"}


@dataclass
class SubmissionRow:
    node: OrgNode
    depth: int                    # 1 for the node's children, 2 for their children …
    reviewer: OrgNode | None      # the node the documents are submitted to (the node's parent)
    plan: Plan | None
    half_summary: Summary | None  # the first half's summary
    summary: Summary | None       # the year-end summary

    @property
    def missing(self) -> list[str]:
        """Which documents are not submitted (none, draft or returned): "plan", "summary"."""
        out = []
        if self.plan is None or self.plan.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            out.append("plan")
        if self.summary is None or self.summary.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            out.append("summary")
        return out

    @property
    def plan_missing(self) -> bool:
        return "plan" in self.missing

    @property
    def summary_missing(self) -> bool:
        return "summary" in self.missing


def submissions(user, node: OrgNode, year: int) -> tuple[list[SubmissionRow], list[Plan | Summary]]:
    """Every union below `node` that writes plans (its direct children, and every grassroots or joint union
    of its subtree), with its plan and summaries of `year`; and the review queue: the documents submitted to
    `node` itself. Three queries whatever the size of the subtree."""
    nodes = list(OrgNode.objects.filter(policy.scope_q(user, "plans.view"), path__under=node.path)
                 .exclude(pk=node.pk)
                 .filter(Q(parent=node) | Q(level__in=UNION_LEVELS) | Q(level__in=FEDERATION_LEVELS))
                 .order_by("path"))
    by_pk = {n.pk: n for n in nodes}
    by_pk[node.pk] = node
    scope = policy.scope_q(user, "plans.view")
    all_plans = list(Plan.objects.filter(scope, path__under=node.path, year=year).exclude(node=node)
                     .select_related("node"))
    plans = {p.node_id: p for p in all_plans if p.half == Half.WHOLE_YEAR}
    summaries: dict[tuple[int, int], Summary] = {
        (s.node_id, s.half): s
        for s in Summary.objects.filter(scope, path__under=node.path, year=year).exclude(node=node)
        .select_related("node")}
    rows = []
    for child in nodes:
        plan, summary = plans.get(child.pk), summaries.get((child.pk, Half.WHOLE_YEAR))
        half_summary = summaries.get((child.pk, Half.FIRST))
        rows.append(SubmissionRow(node=child, depth=(len(child.path) - len(node.path)) // SEGMENT_WIDTH,
                                  reviewer=by_pk.get(child.parent_id), plan=plan, half_summary=half_summary,
                                  summary=summary))
    queue: list[Plan | Summary] = []
    for doc in [*all_plans, *summaries.values()]:
        if doc.node.parent_id == node.pk and doc.status == ReviewStatus.SUBMITTED:
            doc.node.parent = node
            queue.append(doc)
    queue.sort(key=lambda doc: (doc.submitted_at or doc.updated_at, doc.pk))
    return rows, queue
