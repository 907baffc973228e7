"""Submission and review of plans and summaries (issue 5 §5): the transitions allowed and refused, the
review panel, and the federation's page of who has not submitted, with fixed query counts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.orgs.models import Level
from gonghui.plans.models import Half, Plan, ReviewAction, ReviewStatus, Section, Summary
from gonghui.plans.review import selectors, services

from .conftest import make_node

YEAR = 2025


def make_plan(node, items=1, **fields) -> Plan:
    plan = Plan.objects.create(node=node, path=node.path, year=YEAR, **fields)
    for n in range(items):
        plan.items.create(section=Section.CULTURE, title=f"事项{n}")
    return plan


def make_summary(node, half=Half.WHOLE_YEAR, **fields) -> Summary:
    return Summary.objects.create(node=node, path=node.path, year=YEAR, half=half,
                                  sections=[{"key": "facts", "heading": "基本情况", "paragraphs": ["……"]}], **fields)


def review(client, document, action, comment="", **extra):
    name = "plans:plan_review" if isinstance(document, Plan) else "plans:summary_review"
    return client.post(reverse(name, args=[document.pk]), {"action": action, "comment": comment}, **extra)


def status(document):
    document.refresh_from_db()
    return document.status


def test_it_takes_a_plan_through_submit_return_resubmit_and_accept(client, world):
    plan = make_plan(world.union_a)
    client.force_login(world.chair_a)
    review(client, plan, "submit")
    assert status(plan) == ReviewStatus.SUBMITTED and plan.submitted_by == world.chair_a

    # the union's own chair does not accept their own plan
    assert review(client, plan, "accept").status_code == 403
    assert status(plan) == ReviewStatus.SUBMITTED

    client.force_login(world.street_admin)
    review(client, plan, "return", comment="   ")  # a return needs a comment
    assert status(plan) == ReviewStatus.SUBMITTED
    review(client, plan, "return", comment="请补充女职工工作内容")
    assert status(plan) == ReviewStatus.RETURNED and plan.review_comment == "请补充女职工工作内容"
    assert plan.reviewed_by == world.street_admin

    client.force_login(world.chair_a)
    review(client, plan, "submit")
    assert status(plan) == ReviewStatus.SUBMITTED

    client.force_login(world.street_admin)
    review(client, plan, "accept", comment="同意")
    assert status(plan) == ReviewStatus.ACCEPTED

    client.force_login(world.chair_a)
    review(client, plan, "submit")  # accepted: not again
    assert status(plan) == ReviewStatus.ACCEPTED
    events = list(plan.review_events.values_list("action", "actor_name", "comment"))
    assert events == [(ReviewAction.SUBMITTED, "甲主席", ""),
                      (ReviewAction.RETURNED, "甲街道管理员", "请补充女职工工作内容"),
                      (ReviewAction.SUBMITTED, "甲主席", ""), (ReviewAction.ACCEPTED, "甲街道管理员", "同意")]
    assert AuditEntry.objects.filter(org_path=plan.path, action=AuditEntry.Action.UPDATE).count() == 4


def test_it_refuses_transitions_that_do_not_fit_the_status(world):
    plan = make_plan(world.union_a)
    with pytest.raises(ValidationError):
        services.accept(actor=None, document=plan)            # a draft is not accepted
    with pytest.raises(ValidationError):
        services.return_for_changes(actor=None, document=plan, comment="改")
    with pytest.raises(ValidationError):
        services.submit(actor=None, document=make_plan(world.union_b, items=0))  # nothing planned yet
    with pytest.raises(ValidationError):
        services.submit(actor=None, document=make_plan(world.county))  # nothing above the county
    services.submit(actor=None, document=plan)
    with pytest.raises(ValidationError):
        services.submit(actor=None, document=plan)            # twice
    empty = Summary.objects.create(node=world.union_a, path=world.union_a.path, year=YEAR, half=Half.FIRST)
    with pytest.raises(ValidationError):
        services.submit(actor=None, document=empty)           # no text yet
    assert status(plan) == ReviewStatus.SUBMITTED and plan.review_events.count() == 1


def test_it_lets_the_reviewer_comment_without_deciding(client, world):
    summary = make_summary(world.union_a, status=ReviewStatus.SUBMITTED)
    client.force_login(world.street_admin)
    review(client, summary, "comment", comment="数字请再核对")
    assert status(summary) == ReviewStatus.SUBMITTED
    assert summary.review_events.get().comment == "数字请再核对"
    client.force_login(world.chair_a)
    assert review(client, summary, "comment", comment="自己批").status_code == 403


def test_it_reviews_a_summary_and_answers_the_panel_to_htmx(client, world):
    summary = make_summary(world.union_a)
    client.force_login(world.chair_a)
    response = review(client, summary, "submit", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="review-panel"' in response.content.decode()
    assert status(summary) == ReviewStatus.SUBMITTED

    client.force_login(world.district_admin)  # two levels up holds plans.review over the street too
    response = review(client, summary, "return", comment="请补充", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert status(summary) == ReviewStatus.RETURNED and "请补充" in page and 'data-testid="review-form"' in page


def test_it_shows_the_panel_with_the_right_forms(world):
    from django.template.loader import render_to_string

    plan = make_plan(world.union_a, status=ReviewStatus.SUBMITTED)
    as_chair = render_to_string("plans/_review_panel.html", selectors.panel_context(world.chair_a, plan))
    as_street = render_to_string("plans/_review_panel.html", selectors.panel_context(world.street_admin, plan))
    assert 'value="accept"' not in as_chair and 'value="submit"' not in as_chair
    assert 'value="accept"' in as_street and 'value="return"' in as_street
    plan.status = ReviewStatus.RETURNED
    assert 'value="submit"' in render_to_string("plans/_review_panel.html", {
        "plan": plan, "review_events": [], "can_submit": True, "can_review": False})


def test_it_lists_the_unions_that_have_not_submitted(client, world):
    services.submit(actor=world.chair_a, document=make_plan(world.union_a))
    make_plan(world.joint_a)  # a draft: not submitted
    make_summary(world.union_a)  # a draft

    client.force_login(world.street_admin)
    response = client.get(reverse("plans:submissions", args=[world.street_a.pk]), {"year": YEAR})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-node="UA" data-missing="summary"' in page
    assert 'data-node="JA" data-missing="plan,summary"' in page
    assert 'data-testid="review-queue"' in page and "甲中学工会" in page

    rows, queue = selectors.submissions(world.street_admin, world.street_a, YEAR)
    assert [row.node.code for row in rows] == ["UA", "JA"]
    assert [doc.node.code for doc in queue] == ["UA"]

    # the county sees its streets (which it reviews) and the unions under them; its queue holds the streets'
    rows, queue = selectors.submissions(world.district_admin, world.county, YEAR)
    assert {row.node.code for row in rows} == {"SA", "SB", "UA", "JA", "UB"}
    assert queue == []
    assert all(row.reviewer.code in ("QX", "SA", "SB") for row in rows)

    only = client.get(reverse("plans:submissions", args=[world.street_a.pk]), {"year": YEAR, "missing": "1"})
    assert 'data-node="JA"' in only.content.decode()


def test_it_reads_the_submissions_page_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.street_admin)
    url = reverse("plans:submissions", args=[world.street_a.pk])
    client.get(url)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"year": YEAR}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(6):
        union = make_node(world.street_a, Level.GRASSROOTS_UNION, f"U{n}", f"新工会{n}")
        services.submit(actor=None, document=make_plan(union))
        make_summary(union, half=Half.FIRST)
    assert count() == before


def test_it_denies_the_outsider_every_review_url(client, world):
    plan, summary = make_plan(world.union_a), make_summary(world.union_a)
    client.force_login(world.chair_b)
    assert client.get(reverse("plans:submissions", args=[world.street_a.pk])).status_code == 404
    for document in (plan, summary):
        for action in ("submit", "accept", "return", "comment"):
            assert review(client, document, action, comment="x").status_code == 404
    assert status(plan) == status(summary) == ReviewStatus.DRAFT
    client.force_login(world.readonly_leader)
    assert review(client, plan, "submit").status_code == 403
    assert review(client, plan, "accept").status_code == 403
