"""Query discipline (issue 6): every list, ledger, dashboard, statistics and search page runs a number of queries
that does not grow with the data it shows.

Each page is requested as a persona who may see it, over a small world (one batch of every kind of record), then
the data grows to three batches — more members, unions, activities with check-ins, honours, hardship files,
assistance, visits, campaigns with recipients and donations, plans with items, links and indicators, summaries,
assessment criteria with scores, contracts, import jobs, transfers and accounts — and the page is requested again:
the count of queries must be the same (a failure prints the SQL that repeats, to find the N+1). Each page also has
a fixed upper bound (django_assert_max_num_queries), per page view: lists paginate.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.activities.honours import services as honour_services
from gonghui.activities.models import Activity, CompetitionEntry, Participation
from gonghui.care.models import (
    Assistance,
    Campaign,
    CampaignRecipient,
    CareBudget,
    CareNotice,
    Donation,
    HardshipFile,
    LivingAllowanceStandard,
    Visit,
)
from gonghui.demo import identifiers
from gonghui.members import services as member_services
from gonghui.members.documents.export import COLUMNS as EXPORT_COLUMNS
from gonghui.members.models import ImportJob, Member
from gonghui.members.women import services as women_services
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Level, OfficerRole
from gonghui.plans.assessment import services as assessment_services
from gonghui.plans.models import (
    AssessmentScore,
    Indicator,
    Plan,
    PlanItem,
    PlanItemLink,
    ReviewStatus,
    Section,
    Summary,
)
from gonghui.rights import services as rights_services

from .conftest import make_member, make_node, make_user

TODAY = timezone.localdate()
YEAR = TODAY.year
_rng = random.Random(6)


def _day(back: int) -> datetime.date:
    """A day of this year, `back` days before today (never before 1 January)."""
    return max(TODAY - datetime.timedelta(days=back), datetime.date(YEAR, 1, 1))


def _moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Data:
    """The records the pages list, added one batch at a time. The first batch creates the objects that detail
    pages show (an activity, a plan, a campaign, a scheme …); every batch adds to them and beside them."""

    def __init__(self, world):
        self.w = world
        self.batches = 0
        self.unions = []
        self.activities = []

    # --- one batch ------------------------------------------------------------------------------------------
    def batch(self) -> None:
        self.batches += 1
        n = self.batches
        w = self.w
        members_a = [make_member(w.union_a, f"甲{n}{i}", female=i % 2 == 0, group=w.group_a if i == 0 else None,
                                 mobile=f"1390000{n:02d}{i:02d}") for i in range(3)]
        joint = [make_member(w.joint_a, f"联{n}{i}", female=True) for i in range(2)]
        members_b = [make_member(w.union_b, f"乙{n}{i}") for i in range(2)]
        # a new union under street A, with its unit, officer, chair, members
        union = make_node(w.street_a, Level.GRASSROOTS_UNION, f"UN{n}", f"新{n}公司工会",
                          term_start=datetime.date(2024, 3, 1), term_years=5, approved_on=datetime.date(2024, 3, 1))
        self.unions.append(union)
        unit = org_services.unit_create(
            actor=None, name=f"新{n}公司", credit_code=identifiers.credit_code(_rng, kind="enterprise", area="320106"),
            kind="enterprise", ownership="private", industry="C", staff_count=30, women_count=10,
            area_node=w.street_a, covering_union=union)
        org_services.officer_create(actor=None, node=union, name=f"主席{n}", gender="F", role=OfficerRole.CHAIR,
                                    term_start=datetime.date(2024, 3, 1))
        make_user(f"chair_new{n}", Role.UNION_CHAIR, union, f"新主席{n}")
        members_new = [make_member(union, f"新{n}{i}", female=i == 0) for i in range(2)]
        everyone_a = members_a + joint

        # women's records
        for member in members_a + joint:
            if member.gender == "F":
                women_services.women_record_update(actor=None, member=member, stage="menopause")
        # membership changes: a transfer out of union A, a member retained (inactive list)
        member_services.member_transfer_out(actor=w.chair_a, member=make_member(w.union_a, f"转{n}"),
                                            to_union=w.union_b, on=_day(3))
        member_services.member_retain(actor=w.chair_a, member=make_member(w.union_a, f"退{n}"), reason="retired",
                                      on=_day(4))
        # members with nothing recorded for a year (the inactive list)
        Member.objects.filter(pk__in=[make_member(w.union_a, f"久{n}{i}").pk for i in range(2)]).update(
            last_active_on=TODAY - datetime.timedelta(days=400))
        # a new street with a union of its own, for the district's pages
        street = make_node(w.county, Level.STREET_FEDERATION, f"ST{n}", f"新{n}街道总工会",
                           term_start=datetime.date(2024, 3, 1), term_years=5, approved_on=datetime.date(2024, 3, 1))
        far = make_node(street, Level.GRASSROOTS_UNION, f"SU{n}", f"新{n}街道企业工会",
                        term_start=datetime.date(2024, 3, 1), term_years=5, approved_on=datetime.date(2024, 3, 1))
        make_member(far, f"远{n}")
        if n == 1:
            self.own = w.member_record
            self.first = members_a[0]
        regulars = [self.own, self.first]

        # activities, with sign-ups and check-ins; the first one grows each batch
        if n == 1:
            self.activity = self._activity(w.union_a, "比赛", _day(10), kind="competition")
        for member in members_a:
            self._take_part(self.activity, member)
        CompetitionEntry.objects.create(activity=self.activity, team=f"队{n}", event="拔河", rank=n)
        for node, kind, people in ((w.union_a, "training", members_a), (w.street_a, "festival", everyone_a),
                                   (union, "meeting", members_new), (w.group_a, "training", members_a),
                                   (w.union_b, "training", members_b)):
            activity = self._activity(node, f"活动{n}{kind}", _day(20 + n), kind=kind)
            for member in people:
                self._take_part(activity, member)
            if node in (w.union_a, w.street_a, w.group_a):
                for member in regulars if n > 1 else regulars[:1]:
                    self._take_part(activity, member)
            self.activities.append(activity)
        # one open to all members of union A, for the member's own page
        Activity.objects.create(organiser=w.union_a, path=w.union_a.path, title=f"报名{n}", kind="sports_culture",
                                starts_at=_moment(TODAY + datetime.timedelta(days=10 + n)), status="open",
                                audience="all", created_by=w.chair_a)

        # honours: a pending nomination and an awarded one, in union A; one of the new union
        for i, member in enumerate(members_a[:2]):
            honour = honour_services.honour_nominate(actor=w.chair_a, node=w.union_a, kind="excellent_member",
                                                     year=YEAR, member=member, citation=f"事迹{n}{i}")
            if i == 0:
                honour_services.honour_decide(actor=w.street_admin, honour=honour, approve=True)
                self.honour = honour
        honour_services.honour_nominate(actor=w.street_admin, node=union, kind="excellent_member", year=YEAR,
                                        member=members_new[0], citation=f"事迹{n}")
        honour_services.honour_nominate(actor=w.chair_a, node=w.union_a, member=self.first, year=YEAR,
                                        kind=["excellent_cadre", "march_8_red_banner", "model_worker"][n - 1],
                                        citation=f"事迹{n}")

        # care: standards and budgets, hardship files, assistance, visits, notices, campaigns
        LivingAllowanceStandard.objects.create(node=w.county, path=w.county.path, monthly_amount=800 + n,
                                               effective_from=datetime.date(2020 + n, 1, 1))
        CareBudget.objects.create(node=union, path=union.path, year=YEAR, amount=Decimal("10000"))
        CareBudget.objects.create(node=w.union_a, path=w.union_a.path, year=YEAR - n, amount=Decimal("5000"))
        for i, member in enumerate(members_a[:2] + members_new[:1]):
            file = HardshipFile.objects.create(
                member=member, union=member.union, path=member.union.path, cause="illness",
                category="relative" if i else "deep", status="active" if i else "union_approved",
                filed_on=_day(30), household_size=3, last_reviewed_on=_day(30), next_review_on=_day(-300))
            if n == 1 and i == 0:
                self.hardship = file
        if n == 1:
            self.campaign = Campaign.objects.create(
                kind=Campaign.Kind.WARMTH, node=w.union_a, path=w.union_a.path, year=YEAR, title="送温暖",
                starts_on=_day(60), ends_on=_day(1), status=Campaign.Status.RUNNING)
            self.drive = Campaign.objects.create(
                kind=Campaign.Kind.DONATION, node=w.street_a, path=w.street_a.path, year=YEAR, title="一日捐",
                starts_on=_day(60), ends_on=_day(1), status=Campaign.Status.RUNNING)
        else:
            Campaign.objects.create(kind=Campaign.Kind.COOLNESS, node=w.union_a, path=w.union_a.path, year=YEAR,
                                    title=f"送清凉{n}", starts_on=_day(50), ends_on=_day(2),
                                    status=Campaign.Status.FINISHED)
        for i, member in enumerate(members_a + joint):
            given = Assistance.objects.create(
                union=member.union, path=member.path, kind="festival" if i % 2 else "illness", member=member,
                amount=Decimal("200"), form="cash", funding="union_funds", on=_day(5 + i), status="paid",
                campaign=self.campaign if member.union_id == w.union_a.pk else None, reason="慰问")
            if n == 1 and i == 0:
                self.assistance = given
            if member.union_id == w.union_a.pk:
                CampaignRecipient.objects.create(campaign=self.campaign, member=member, path=member.path,
                                                 status=CampaignRecipient.Status.GIVEN, assistance=given,
                                                 planned_amount=Decimal("200"))
            Donation.objects.create(campaign=self.drive, member=member, path=member.path, amount=Decimal("50"),
                                    donated_on=_day(6))
            visit = Visit.objects.create(union=member.union, path=member.path, member=member, reason="illness",
                                         visited_on=_day(7 + i), visitors="甲主席", recorded_by=w.chair_a)
            if n == 1 and i == 0:
                self.visit = visit
            CareNotice.objects.create(union=member.union, path=member.path, member=member, reason="hospital",
                                      since=_day(8))
        Assistance.objects.create(union=w.union_a, path=self.own.path, kind="illness", member=self.own,
                                  amount=Decimal("300"), form="cash", funding="union_funds", on=_day(9 + n),
                                  status="paid", hardship_file=self.hardship, reason="大病")
        Assistance.objects.create(union=w.union_a, path=self.hardship.path, kind="living", member=self.hardship.member,
                                  amount=Decimal("300"), form="cash", funding="union_funds", on=_day(9 + n),
                                  status="paid", hardship_file=self.hardship, reason="帮扶")
        Donation.objects.create(campaign=self.drive, donor_name=f"某公司{n}", path=self.drive.path,
                                amount=Decimal("500"), donated_on=_day(6))

        # plans: union A's plan grows by three items with links and an indicator; the street and each new union
        # have plans and summaries submitted to the street
        if n == 1:
            self.plan = Plan.objects.create(node=w.union_a, path=w.union_a.path, year=YEAR, title="甲计划")
            Plan.objects.create(node=w.street_a, path=w.street_a.path, year=YEAR, title="街道计划")
            self.summary = Summary.objects.create(node=w.union_a, path=w.union_a.path, year=YEAR - 1, title="总结",
                                                  sections=[])
            self.scheme = assessment_services.scheme_create(actor=w.street_admin, node=w.street_a, year=YEAR,
                                                            name="年度考核")
        for i, section in enumerate((Section.CULTURE, Section.ORGANISATION, Section.RIGHTS)):
            item = PlanItem.objects.create(plan=self.plan, section=section, order=n * 10 + i, title=f"事项{n}{i}",
                                           timing="months", months=[1, 4, 7, 10],
                                           evidence="activities.activity" if i == 0 else "")
            PlanItemLink.objects.create(item=item, source="activities.activity", object_id=self.activity.pk,
                                        on=self.activity.starts_at.date(), label=self.activity.title)
            if n == 1 and i == 0:
                self.item = item
        for activity in self.activities[-4:]:
            PlanItemLink.objects.create(item=self.item, source="activities.activity", object_id=activity.pk,
                                        on=activity.starts_at.date(), label=activity.title)
        Plan.objects.create(node=w.union_a, path=w.union_a.path, year=YEAR - n, title=f"甲{n}计划",
                            status=ReviewStatus.ACCEPTED)
        if n > 1:
            assessment_services.scheme_create(actor=w.street_admin, node=w.street_a, year=YEAR - n, name=f"考核{n}")
        self.indicator = Indicator.objects.create(plan=self.plan, section=Section.CULTURE, label=f"指标{n}",
                                                  target=Decimal("10"), order=n)
        other = Plan.objects.create(node=union, path=union.path, year=YEAR, title=f"新{n}计划",
                                    status=ReviewStatus.SUBMITTED, submitted_at=timezone.now())
        PlanItem.objects.create(plan=other, section=Section.CULTURE, title="活动", timing="yearly")
        Summary.objects.create(node=union, path=union.path, year=YEAR - 1, title=f"新{n}总结", sections=[],
                               status=ReviewStatus.SUBMITTED, submitted_at=timezone.now())
        criterion = assessment_services.criterion_create(actor=w.street_admin, scheme=self.scheme,
                                                         label=f"报送{n}", target=Decimal("4"), weight=Decimal("5"))
        for target in [w.union_a, w.joint_a, *self.unions]:
            AssessmentScore.objects.create(criterion=criterion, union=target, value=Decimal(n))

        # contracts of the new union and of union A
        rights_services.contract_create(
            actor=None, union=union, units=[unit], kind="wage", title=f"新{n}工资协议", signed_on=_day(40),
            starts_on=_day(40), term_years=1, union_negotiators=3, employer_negotiators=3)
        contract = rights_services.contract_create(
            actor=None, union=w.union_a, units=[w.unit_a], kind="comprehensive" if n == 1 else "women",
            title=f"甲合同{n}", signed_on=_day(40), starts_on=_day(40), term_years=3, union_negotiators=3,
            employer_negotiators=3)
        if n == 1:
            self.contract = contract

        # import jobs of union A
        job = ImportJob.objects.create(union=w.union_a, path=w.union_a.path, original_name=f"名单{n}.xlsx",
                                       file=f"imports/x{n}.xlsx", created_by=w.chair_a)
        if n == 1:
            self.import_job = job
        self.new_union = union

    def _activity(self, node, title, day, *, kind):
        return Activity.objects.create(organiser=node, path=node.path, title=title, kind=kind,
                                       starts_at=_moment(day), ends_at=_moment(day, 11), status="finished",
                                       created_by=self.w.chair_a)

    def _take_part(self, activity, member):
        Participation.objects.create(activity=activity, member=member, status="signed_up",
                                     checked_in_at=activity.starts_at, check_in_method="qr")
        Activity.objects.filter(pk=activity.pk).update(
            signed_up_count=activity.participations.filter(status="signed_up").count(),
            attended_count=activity.participations.exclude(checked_in_at=None).count())


# --- the pages ------------------------------------------------------------------------------------------------

def _pages(w, d: Data):
    """(label, persona, url) for every list, ledger, dashboard, statistics and search page."""
    member_a = d.activity.participations.first().member
    own = w.member_record
    return [
        # home and dashboards, for each kind of persona
        ("home district_admin", "district_admin", reverse("home")),
        ("home street_admin", "street_admin", reverse("home")),
        ("home chair_a", "chair_a", reverse("home")),
        ("home women_officer", "women_officer", reverse("home")),
        ("home readonly_leader", "readonly_leader", reverse("home")),
        ("home member", "member", reverse("home")),
        ("dashboard county", "district_admin", reverse("orgs:node_detail", args=[w.county.pk])),
        ("dashboard street", "street_admin", reverse("orgs:node_detail", args=[w.street_a.pk])),
        ("dashboard union", "chair_a", reverse("orgs:node_detail", args=[w.union_a.pk])),
        ("dashboard group", "chair_a", reverse("orgs:node_detail", args=[w.group_a.pk])),
        ("dashboard search", "district_admin", reverse("orgs:node_detail", args=[w.street_a.pk]) + "?q=新"),
        ("stats county", "district_admin", reverse("orgs:node_stats", args=[w.county.pk])),
        ("stats street", "street_admin", reverse("orgs:node_stats", args=[w.street_a.pk])),
        ("stats year", "readonly_leader", reverse("orgs:node_stats", args=[w.county.pk]) + f"?year={YEAR}"),
        ("node picker", "district_admin", reverse("orgs:node_picker") + "?q=工会"),
        ("unit list", "street_admin", reverse("orgs:unit_list", args=[w.street_a.pk])),
        ("unit detail", "chair_a", reverse("orgs:unit_detail", args=[w.unit_a.pk])),
        ("role list", "district_admin", reverse("accounts:role_list", args=[w.county.pk])),
        # members
        ("member list union", "chair_a", reverse("members:member_list", args=[w.union_a.pk])),
        ("member list street", "street_admin", reverse("members:member_list", args=[w.street_a.pk])),
        ("member list county", "district_admin", reverse("members:member_list", args=[w.county.pk])),
        ("member search name", "district_admin", reverse("members:member_list", args=[w.county.pk]) + "?q=甲"),
        ("member search id tail", "district_admin",
         reverse("members:member_list", args=[w.county.pk]) + f"?q={member_a.citizen_id[-6:]}"),
        ("member search phone", "district_admin", reverse("members:member_list", args=[w.county.pk]) + "?q=1390000"),
        ("member results (htmx)", "chair_a", reverse("members:member_list", args=[w.union_a.pk]) + "?q=甲"),
        ("transfer list", "chair_a", reverse("members:transfer_list", args=[w.union_a.pk])),
        ("inactive list", "chair_a", reverse("members:inactive_list", args=[w.union_a.pk])),
        ("member detail", "chair_a", reverse("members:member_detail", args=[member_a.pk])),
        ("own record", "member", reverse("members:member_detail", args=[own.pk])),
        ("women list", "women_officer", reverse("members:women_list", args=[w.union_a.pk])),
        ("import start (jobs)", "chair_a", reverse("members:import_start", args=[w.union_a.pk])),
        ("import detail", "chair_a", reverse("members:import_detail", args=[d.import_job.pk])),
        # activities and honours
        ("my activities", "member", reverse("activities:my_activities")),
        ("activity list union", "chair_a", reverse("activities:activity_list", args=[w.union_a.pk])),
        ("activity list street", "street_admin", reverse("activities:activity_list", args=[w.street_a.pk])),
        ("activity detail", "chair_a", reverse("activities:activity_detail", args=[d.activity.pk])),
        ("activity roster", "chair_a", reverse("activities:activity_roster", args=[d.activity.pk])),
        ("activity results", "chair_a", reverse("activities:results", args=[d.activity.pk])),
        ("member activities", "chair_a", reverse("activities:member_activities", args=[member_a.pk])),
        ("activity ledger county", "district_admin", reverse("activities:activity_ledger", args=[w.county.pk])),
        ("activity ledger union", "chair_a", reverse("activities:activity_ledger", args=[w.union_a.pk])),
        ("honour list", "street_admin", reverse("activities:honour_list", args=[w.street_a.pk])),
        ("honour roll", "district_admin", reverse("activities:honour_roll", args=[w.county.pk])),
        ("honour detail", "chair_a", reverse("activities:honour_detail", args=[d.honour.pk])),
        ("member honours", "chair_a", reverse("activities:member_honours", args=[member_a.pk])),
        # care
        ("care home union", "chair_a", reverse("care:care_home", args=[w.union_a.pk])),
        ("care home street", "street_admin", reverse("care:care_home", args=[w.street_a.pk])),
        ("standard list", "district_admin", reverse("care:standard_list", args=[w.county.pk])),
        ("budget list", "street_admin", reverse("care:budget_list", args=[w.street_a.pk])),
        ("hardship list", "street_admin", reverse("care:hardship_list", args=[w.street_a.pk])),
        ("hardship detail", "chair_a", reverse("care:hardship_detail", args=[d.hardship.pk])),
        ("assistance list", "street_admin", reverse("care:assistance_list", args=[w.street_a.pk])),
        ("assistance ledger", "district_admin", reverse("care:assistance_ledger", args=[w.county.pk])),
        ("assistance detail", "chair_a", reverse("care:assistance_detail", args=[d.assistance.pk])),
        ("my assistance", "member", reverse("care:my_assistance")),
        ("visit list", "street_admin", reverse("care:visit_list", args=[w.street_a.pk])),
        ("visit detail", "chair_a", reverse("care:visit_detail", args=[d.visit.pk])),
        ("visits due", "chair_a", reverse("care:visit_due", args=[w.union_a.pk])),
        ("visit ledger", "district_admin", reverse("care:visit_ledger", args=[w.county.pk])),
        ("campaign list", "chair_a", reverse("care:campaign_list", args=[w.union_a.pk])),
        ("campaign detail", "chair_a", reverse("care:campaign_detail", args=[d.campaign.pk])),
        ("donation drive", "street_admin", reverse("care:campaign_detail", args=[d.drive.pk])),
        # plans, summaries, assessments
        ("plan list", "chair_a", reverse("plans:plan_list", args=[w.union_a.pk])),
        ("plan list street", "street_admin", reverse("plans:plan_list", args=[w.street_a.pk])),
        ("plan detail", "chair_a", reverse("plans:plan_detail", args=[d.plan.pk])),
        ("plan monthly", "chair_a", reverse("plans:plan_calendar", args=[d.plan.pk])),
        ("plan suggestions", "chair_a", reverse("plans:plan_suggestions", args=[d.plan.pk])),
        ("item ledger", "chair_a", reverse("plans:item_evidence", args=[d.item.pk])),
        ("indicator panel", "chair_a", reverse("plans:indicator_panel", args=[d.plan.pk])),
        ("indicator detail", "chair_a", reverse("plans:indicator_detail", args=[d.indicator.pk])),
        ("submissions", "street_admin", reverse("plans:submissions", args=[w.street_a.pk])),
        ("submissions county", "district_admin", reverse("plans:submissions", args=[w.county.pk])),
        ("summary list", "street_admin", reverse("plans:summary_list", args=[w.street_a.pk])),
        ("summary detail", "chair_a", reverse("plans:summary_detail", args=[d.summary.pk])),
        ("assessment list", "street_admin", reverse("plans:scheme_list", args=[w.street_a.pk])),
        ("assessment scores", "street_admin", reverse("plans:scheme_detail", args=[d.scheme.pk])),
        # contracts, audit
        ("contract list", "street_admin", reverse("rights:contract_list", args=[w.street_a.pk])),
        ("contract list union", "chair_a", reverse("rights:contract_list", args=[w.union_a.pk])),
        ("contract detail", "chair_a", reverse("rights:contract_detail", args=[d.contract.pk])),
        ("audit log", "district_admin", reverse("audit_log")),
        ("audit log street", "street_admin", reverse("audit_log")),
        # the lists as files
        ("activity ledger xlsx", "district_admin", reverse("activities:activity_ledger_xlsx", args=[w.county.pk])),
        ("assistance ledger xlsx", "district_admin",
         reverse("care:assistance_ledger", args=[w.county.pk]) + "?format=xlsx"),
        ("visit ledger xlsx", "district_admin", reverse("care:visit_ledger", args=[w.county.pk]) + "?format=xlsx"),
        ("member export xlsx", "street_admin", reverse("members:member_export", args=[w.street_a.pk])
         + "?format=xlsx&" + "&".join(f"columns={column.key}" for column in EXPORT_COLUMNS)),
        ("assessment xlsx", "street_admin", reverse("plans:scheme_xlsx", args=[d.scheme.pk])),
    ]


# upper bounds per page view, whatever the data (a page above its bound has grown a query per row somewhere)
MAX_QUERIES = 60
BOUNDS = {
    "stats county": 70, "stats street": 70, "stats year": 70,
    "dashboard county": 80, "dashboard street": 80, "dashboard union": 80,
}


def _normalise(sql: str) -> str:
    """The SQL with its literal values blanked, so the same query for another row counts as a repeat."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\((?:\?, )*\?\)", "(…)", sql)


def _get(client, url: str, htmx: bool = False):
    headers = {"HX-Request": "true", "HX-Target": "member-results"} if htmx else {}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, follow=True, headers=headers)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return [query["sql"] for query in queries.captured_queries]


def _grown_report(url: str, before: list[str], after: list[str]) -> str:
    grown = Counter(map(_normalise, after)) - Counter(map(_normalise, before))
    lines = "\n".join(f"  +{count}× {sql[:400]}" for sql, count in grown.most_common(8))
    return f"{url}: {len(before)} queries with little data, {len(after)} after growing it; repeated:\n{lines}"


def assert_queries_bounded(client, url: str, grow, *, htmx: bool = False) -> tuple[int, int]:
    """Request `url`, call `grow()`, request it again: the second view must not run more queries. On failure the
    message lists the statements that ran more often after growing — the N+1."""
    _get(client, url, htmx)  # warm: per-process caches (content types, translations)
    before = _get(client, url, htmx)
    grow()
    after = _get(client, url, htmx)
    if len(after) > len(before):
        pytest.fail(_grown_report(url, before, after))
    return len(before), len(after)


@pytest.fixture
def grown(world):
    world.member_record = make_member(world.union_a, "会员本人", group=world.group_a)
    world.member_record.user = world.member
    world.member_record.save(update_fields=["user"])
    data = Data(world)
    data.batch()
    return data


PAGE_LABELS = [
    "home district_admin", "home street_admin", "home chair_a", "home women_officer", "home readonly_leader",
    "home member", "dashboard county", "dashboard street", "dashboard union", "dashboard group", "dashboard search",
    "stats county", "stats street", "stats year", "node picker", "unit list", "unit detail", "role list",
    "member list union", "member list street", "member list county", "member search name", "member search id tail",
    "member search phone", "member results (htmx)", "transfer list", "inactive list", "member detail", "own record",
    "women list", "import start (jobs)", "import detail", "my activities",
    "activity list union", "activity list street", "activity detail", "activity roster", "activity results",
    "member activities", "activity ledger county", "activity ledger union", "honour list", "honour roll",
    "honour detail", "member honours", "care home union", "care home street", "standard list", "budget list",
    "hardship list", "hardship detail", "assistance list", "assistance ledger", "assistance detail",
    "my assistance", "visit list", "visit detail", "visits due", "visit ledger", "campaign list",
    "campaign detail", "donation drive", "plan list", "plan list street", "plan detail", "plan monthly",
    "plan suggestions", "item ledger", "indicator panel", "indicator detail", "submissions", "submissions county",
    "summary list", "summary detail", "assessment list", "assessment scores", "contract list",
    "contract list union", "contract detail", "audit log", "audit log street", "activity ledger xlsx",
    "assistance ledger xlsx", "visit ledger xlsx", "member export xlsx", "assessment xlsx",
]


def test_it_lists_every_page_it_checks(world, grown):
    assert [label for label, _, _ in _pages(world, grown)] == PAGE_LABELS


def test_it_runs_the_same_number_of_queries_on_every_page_with_three_times_the_data(
        client, world, grown, django_assert_max_num_queries):
    """All the pages at once (one world grown once, as the data is slow to build): each page's count after growing
    is its count before, and within its bound."""
    pages = _pages(world, grown)

    def view(persona, url, label):
        client.force_login(world.personas[persona])
        return _get(client, url, "htmx" in label)

    before, refused = {}, []
    for label, persona, url in pages:
        try:
            view(persona, url, label)
        except AssertionError as error:
            refused.append(f"[{label}] {error}")
            continue
        before[label] = view(persona, url, label)
    assert not refused, "\n".join(refused)
    grown.batch()
    grown.batch()
    failures = []
    for label, persona, url in pages:
        after = view(persona, url, label)
        if len(after) > len(before[label]):
            failures.append(f"[{label}] " + _grown_report(url, before[label], after))
    assert not failures, "\n\n".join(failures)
    for label, persona, url in pages:
        client.force_login(world.personas[persona])
        headers = {"HX-Request": "true", "HX-Target": "member-results"} if "htmx" in label else {}
        with django_assert_max_num_queries(BOUNDS.get(label, MAX_QUERIES)):
            response = client.get(url, follow=True, headers=headers)
        if label.endswith("xlsx"):  # the file itself, not the form asking for it again
            assert "spreadsheetml" in response["Content-Type"], label


def test_it_finds_the_repeated_query_of_a_page_that_reads_row_by_row(client, world, grown):
    """The helper itself: a page that reads one more row per member grows, and the message names the query."""
    from django.http import HttpResponse
    from django.test import override_settings
    from django.urls import path

    from gonghui.members.models import Member

    def row_by_row(request):
        names = [Member.objects.get(pk=pk).name for pk in Member.objects.values_list("pk", flat=True)]
        return HttpResponse(",".join(names))

    class Urls:
        urlpatterns = [path("n-plus-one/", row_by_row)]

    client.force_login(world.district_admin)
    with override_settings(ROOT_URLCONF=Urls), pytest.raises(pytest.fail.Exception) as failure:
        assert_queries_bounded(client, "/n-plus-one/", grown.batch)
    assert "members_member" in str(failure.value) and "after growing it" in str(failure.value)


def test_it_shows_a_superuser_every_member_not_only_those_in_transfer(world):
    """members.selectors.visible_q: a superuser's scope is everywhere (an empty Q); or-ed with the clause for
    members in transfer it used to narrow the list to those alone (found by bench/explain.py)."""
    from gonghui.accounts.models import User
    from gonghui.members import selectors as member_selectors

    make_member(world.union_a, "甲一")
    make_member(world.union_b, "乙一")
    root = User.objects.create(username="root", is_superuser=True)
    names = set(member_selectors.member_list(root, world.county).values_list("name", flat=True))
    assert names == {"甲一", "乙一"}
    assert set(member_selectors.member_list(world.chair_a, world.county).values_list("name", flat=True)) == {"甲一"}
