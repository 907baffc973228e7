"""The demo's plans, summaries and assessment (issue 5 §8): built once, partly carried out (last year mostly,
this year partly), reviewed with comments, last year's summaries drafted, a street's assessment ranked. The demo
is built once for the module and rolled back at the end."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from gonghui.core.models import AuditEntry
from gonghui.demo import plans as demo_plans
from gonghui.demo.seed import ROOT_CODE, build_demo
from gonghui.orgs.models import OrgNode
from gonghui.plans.assessment import scoring
from gonghui.plans.models import (
    AssessmentScheme,
    AssessmentScore,
    Indicator,
    Plan,
    PlanItem,
    PlanItemLink,
    ReviewAction,
    ReviewEvent,
    ReviewStatus,
    Summary,
)
from gonghui.plans.progress import plan_progress

TODAY = datetime.date(2026, 11, 23)
LAST, THIS = TODAY.year - 1, TODAY.year


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = build_demo(today=TODAY)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def root(demo, db):
    return OrgNode.objects.get(code=ROOT_CODE)


def _state():
    return (Plan.objects.count(), PlanItem.objects.count(), PlanItemLink.objects.count(), Indicator.objects.count(),
            list(Indicator.objects.order_by("pk").values_list("manual_actual", flat=True)),
            list(Plan.objects.order_by("pk").values_list("status", flat=True)), ReviewEvent.objects.count(),
            Summary.objects.count(), AssessmentScheme.objects.count(), AssessmentScore.objects.count(),
            AuditEntry.objects.count())


def test_it_changes_nothing_when_seeded_twice(demo, root):
    assert demo.plans_created
    before = _state()
    again = build_demo(today=TODAY)
    assert not again.plans_created
    assert _state() == before
    assert again.plans == demo.plans


def test_it_drafts_plans_of_both_years_from_the_templates(demo, root):
    nodes = demo_plans.demo_nodes(root)
    for year in (LAST, THIS):
        plans = Plan.objects.filter(path__under=root.path, year=year)
        assert plans.count() == len(nodes) >= 10
        assert not plans.filter(template="").exists()
        assert Indicator.objects.filter(plan__in=plans).exclude(metric="").exists()
        assert Indicator.objects.filter(plan__in=plans, metric="").exists()
    assert Plan.objects.get(node__code="HBYZ", year=LAST).template == "school"
    assert Plan.objects.get(node__code="HBJD", year=LAST).template == "federation"
    # last year's hand-entered indicators all have values, this year's only some
    assert not Indicator.objects.filter(plan__year=LAST, metric="", manual_actual=None).exists()
    this_year = Indicator.objects.filter(plan__year=THIS, metric="")
    assert 0 < this_year.exclude(manual_actual=None).count() < this_year.count()


def test_it_shows_last_years_plans_mostly_done_and_this_years_partly(demo, root):
    school_last = plan_progress(Plan.objects.get(node__code="HBYZ", year=LAST), today=TODAY)
    school_this = plan_progress(Plan.objects.get(node__code="HBYZ", year=THIS), today=TODAY)
    assert 0.6 <= school_last.share < 1, school_last.share
    assert 0 < school_this.share < school_last.share
    assert PlanItemLink.objects.filter(item__plan__year=LAST).count() > PlanItemLink.objects.filter(
        item__plan__year=THIS).count() > 0
    figures = demo.plans["years"]
    assert figures[LAST]["progress"] > figures[THIS]["progress"] > 0
    for link in PlanItemLink.objects.select_related("item__plan")[:50]:
        assert link.item.plan.start <= link.on <= min(link.item.plan.end, TODAY)


def test_it_reviews_the_plans_with_comments_and_leaves_one_unsubmitted(demo, root):
    assert not Plan.objects.filter(year=LAST).exclude(node__code=ROOT_CODE).exclude(
        status=ReviewStatus.ACCEPTED).exists()
    returned = Plan.objects.get(node__code=demo_plans.LAST_YEAR_RETURNED[0], year=LAST)
    actions = list(returned.review_events.values_list("action", flat=True))
    assert actions == [ReviewAction.SUBMITTED, ReviewAction.RETURNED, ReviewAction.SUBMITTED, ReviewAction.ACCEPTED]
    assert returned.review_events.get(action=ReviewAction.RETURNED).comment
    this_year = dict(Plan.objects.filter(year=THIS).values_list("node__code", "status"))
    assert this_year["HBYEY"] == ReviewStatus.DRAFT
    assert this_year["HBSX"] == ReviewStatus.RETURNED and this_year["QRMYY"] == ReviewStatus.SUBMITTED
    assert this_year["HBYZ"] == ReviewStatus.ACCEPTED
    event = ReviewEvent.objects.get(plan__node__code="HBYZ", plan__year=THIS, action=ReviewAction.ACCEPTED)
    assert event.actor.username == "street_admin" and event.actor_name


def test_it_drafts_last_years_summaries_from_the_records(demo, root):
    summaries = Summary.objects.filter(year=LAST)
    assert set(summaries.values_list("node__code", flat=True)) == set(demo_plans.SUMMARIES)
    county = summaries.get(node__code=ROOT_CODE)
    text = "".join(p for section in county.sections for p in section.get("paragraphs", []))
    assert len(county.sections) >= 4 and "活动" in text
    assert summaries.get(node__code="HBYZ").status == ReviewStatus.ACCEPTED


def test_it_ranks_the_streets_unions_in_last_years_assessment(demo, root):
    scheme = AssessmentScheme.objects.get(node__code=demo_plans.STREET_CODE, year=LAST)
    table = scoring.score_table(scheme)
    assert len(table.rows) == 8 and table.full_marks == 100
    assert [row.rank for row in table.rows] == sorted(row.rank for row in table.rows)
    assert table.rows[0].total > table.rows[-1].total
    by_code = {row.union.code: row for row in table.rows}
    assert by_code["HBSM"].missing == 1 and by_code["HBYEY"].missing >= 3  # not all entered
    computed = [cell for row in table.rows for cell in row.cells if cell.computed]
    assert any(cell.value for cell in computed)
    first = next(a for a in demo.plans["assessments"] if a["node"] == scheme.node.name)
    assert first["top"][0][1] == table.rows[0].union.name
    county = AssessmentScheme.objects.get(node__code=ROOT_CODE, year=THIS)
    streets = scoring.score_table(county)
    assert [row.union.level for row in streets.rows] == ["street_federation"] * 3
    assert all(cell.value is not None for row in streets.rows for cell in row.cells)
