"""Findings of the issue-4 review, each kept from coming back: separation of duties (who records, approves and
pays), the spending rules' edges, and malformed parameters that once gave a 500."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.activities import services as activity_services
from gonghui.activities.honours import services as honour_services
from gonghui.care import caps
from gonghui.care.assistance import services as assistance_services
from gonghui.care.hardship import services as hardship_services
from gonghui.care.models import AssistanceStatus, CareBudget, HardshipCategory, LivingAllowanceStandard
from gonghui.care.visits import services as visit_services
from gonghui.members.models import EmploymentType, Member

from .conftest import make_member, make_user


@pytest.fixture
def care_world(world):
    county = world.union_a.parent.parent
    LivingAllowanceStandard.objects.create(node=county, path=county.path, monthly_amount=800,
                                           effective_from=datetime.date(2000, 1, 1))
    year = timezone.localdate().year
    CareBudget.objects.create(node=world.union_a, path=world.union_a.path, year=year, amount=50000)
    return world


def test_it_leaves_an_officers_visit_gift_waiting_for_approval_and_payment(care_world):
    world = care_world
    officer = make_user("officer_a", Role.UNION_OFFICER, world.union_a, "甲干事")
    today = timezone.localdate()
    by_officer = visit_services.visit_create(actor=officer, node=world.union_a,
                                             member=make_member(world.union_a, "甲一"), reason="marriage",
                                             visited_on=today, visitors="甲干事",
                                             gift="喜糖", gift_value=Decimal("600"))
    assert by_officer.assistance.status == AssistanceStatus.REQUESTED and by_officer.assistance.paid_by is None
    by_chair = visit_services.visit_create(actor=world.chair_a, node=world.union_a,
                                           member=make_member(world.union_a, "甲二"), reason="marriage",
                                           visited_on=today, visitors="甲主席", gift="喜糖", gift_value=Decimal("600"))
    assert by_chair.assistance.status == AssistanceStatus.PAID and by_chair.assistance.paid_by == world.chair_a


def test_it_keeps_an_events_gift_within_its_yearly_cap_however_it_is_split(care_world):
    world = care_world
    member = make_member(world.union_a, "甲婚")
    first, _ = assistance_services.assistance_request(actor=world.chair_a, union=world.union_a, member=member,
                                                      kind="marriage", amount=Decimal("1500"))
    assistance_services.assistance_approve(actor=world.chair_a, record=first)
    with pytest.raises(ValidationError, match="结婚慰问"):
        assistance_services.assistance_request(actor=world.chair_a, union=world.union_a, member=member,
                                               kind="marriage", amount=Decimal("1500"))
    assistance_services.assistance_request(actor=world.chair_a, union=world.union_a, member=member,
                                           kind="marriage", amount=Decimal("500"))


def test_it_refuses_a_subsidy_from_above_for_a_retiree_as_union_money(care_world):
    world = care_world
    retiree = make_member(world.union_a, "甲退", employment_type=EmploymentType.RETIRED)
    with pytest.raises(ValidationError) as error:
        caps.check_spending(union=world.union_a, member=retiree, kind="illness", amount=Decimal("500"),
                            form="goods", funding="upper_subsidy", on=timezone.localdate(), case="骨折")
    assert "funding" in error.value.error_dict
    caps.check_spending(union=world.union_a, member=retiree, kind="illness", amount=Decimal("500"),
                        form="goods", funding="donations", on=timezone.localdate(), case="骨折")


def test_it_compares_the_income_per_person_with_the_line_before_rounding(care_world):
    assessment = hardship_services.assess(union=care_world.union_a, income=Decimal("9600.05"), spending=Decimal("0"),
                                          size=1, sudden_accident=False, on=timezone.localdate())
    assert assessment.category == HardshipCategory.RELATIVE and assessment.per_person == Decimal("800.00")


def test_it_refuses_both_approvals_of_a_hardship_file_by_one_person(care_world):
    world = care_world
    file = hardship_services.hardship_file_create(
        actor=world.chair_a, member=make_member(world.union_a, "甲困"), cause="illness",
        household=[{"relation": "本人"}], annual_income=5000, hardship_spending=0)
    file = hardship_services.hardship_union_approve(actor=world.street_admin, file=file)
    with pytest.raises(ValidationError, match="其他人"):
        hardship_services.hardship_approve(actor=world.street_admin, file=file)
    other = make_user("street_chair", Role.FEDERATION_ADMIN, world.street_a, "甲街道主席")
    assert hardship_services.hardship_approve(actor=other, file=file).status == "active"


def test_it_refuses_a_decision_by_the_person_who_nominated(world):
    honour = honour_services.honour_nominate(actor=world.street_admin, node=world.union_a, kind="excellent_member",
                                             year=2025, member=make_member(world.union_a, "甲优"), citation="事迹")
    with pytest.raises(ValidationError):
        honour_services.honour_decide(actor=world.street_admin, honour=honour, approve=True)
    assert honour_services.honour_decide(actor=world.district_admin, honour=honour, approve=True).status == "approved"


def test_it_keeps_a_planned_activity_from_members_until_it_is_announced(client, world):
    woman = make_member(world.union_a, "甲女", female=True, group=world.group_a)
    Member.objects.filter(pk=woman.pk).update(user=world.member)
    activity = activity_services.activity_create(actor=world.chair_a, organiser=world.union_a, title="筹备中的运动会",
                                                 kind="sports_culture", status="planned",
                                                 starts_at=timezone.now() + datetime.timedelta(days=20))
    client.force_login(world.member)
    assert client.get(reverse("activities:activity_detail", args=[activity.pk])).status_code == 404
    activity_services.activity_set_status(actor=world.chair_a, activity=activity, status="open")
    assert client.get(reverse("activities:activity_detail", args=[activity.pk])).status_code == 200


@pytest.mark.parametrize(("name", "query"), [
    ("activities:honour_list", {"year": "²⁰²⁴"}),
    ("activities:activity_ledger", {"year": "²⁰²⁴"}),
    ("activities:activity_ledger", {"from": "2025-01-01", "to": "9999-12-31"}),
    ("care:assistance_ledger", {"from": "0001-01-01", "to": "2025-01-01"}),
    ("care:visit_ledger", {"year": "²⁰²⁴"}),
    ("care:visit_due", {"month": "0001-01"}),
    ("care:visit_create", {"member": "²", "notice": "²"}),
])
def test_it_answers_malformed_parameters_without_a_server_error(client, world, name, query):
    client.force_login(world.chair_a)
    response = client.get(reverse(name, args=[world.union_a.pk]), query)
    assert response.status_code in (200, 400), response.status_code
