"""Hardship files (issue 4 §5): the 低保 look-up, the category at its boundaries, two-level approval, return,
review and 已脱困, masking and logged reveal, one open file per member, and the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gonghui.accounts.models import Role
from gonghui.care import models as care
from gonghui.care.hardship import services
from gonghui.core.models import AuditEntry

from .conftest import make_member, make_user

D = datetime.date
HOUSE_OF_3 = [{"relation": "本人", "age": 45, "health": "慢性病", "work": "保洁员"},
              {"relation": "配偶", "age": 44, "health": "健康", "work": "无业"},
              {"relation": "子女", "age": 15, "health": "健康", "work": "学生"}]


EARLY = D(2020, 1, 1)


def set_standard(node, amount="800", on=EARLY, source="合民〔2025〕12号"):
    return services.standard_create(actor=None, node=node, monthly_amount=Decimal(amount), effective_from=on,
                                    source=source)


def file_for(member, *, income="24000", spending="0", household=None, accident=False, on=None):
    return services.hardship_file_create(actor=None, member=member, cause=care.HardshipCause.ILLNESS,
                                         household=household or HOUSE_OF_3, annual_income=Decimal(income),
                                         hardship_spending=Decimal(spending), sudden_accident=accident,
                                         cause_text="丈夫重病", health="慢性肾病", on=on)


def active_file_for(world, member, **kwargs):
    file = file_for(member, **kwargs)
    services.hardship_union_approve(actor=world.chair_a, file=file)
    return services.hardship_approve(actor=world.street_admin, file=file)


@pytest.fixture
def care_world(world):
    set_standard(world.county, "800")
    return world


def test_it_finds_the_nearest_standard_in_force(world):
    set_standard(world.county, "700", on=D(2024, 1, 1))
    set_standard(world.street_a, "900", on=D(2025, 7, 1))
    assert services.standard_for(world.union_a, D(2025, 6, 30)).monthly_amount == Decimal("700")
    assert services.standard_for(world.union_a, D(2025, 7, 1)).monthly_amount == Decimal("900")
    assert services.standard_for(world.union_b, D(2025, 7, 1)).monthly_amount == Decimal("700")
    assert services.standard_for(world.union_a, D(2023, 12, 31)) is None


def test_it_refuses_a_standard_on_a_union(world):
    with pytest.raises(ValidationError):
        set_standard(world.union_a)


@pytest.mark.parametrize(("income", "spending", "accident", "category"), [
    ("28800", "0", False, "deep"),          # 28800/12/3 = 800.00 = 低保
    ("28800.36", "0", False, "relative"),   # 800.01
    ("57600", "0", False, "relative"),      # 1600.00 = 2 × 低保
    ("67600", "10000", False, "relative"),  # spending is taken off first
    ("57600.36", "0", True, "accident"),    # 1600.01 with an accident
])
def test_it_computes_the_category_at_the_boundaries(care_world, income, spending, accident, category):
    member = make_member(care_world.union_a, "李困难")
    file = file_for(member, income=income, spending=spending, accident=accident)
    assert file.category == category
    assert file.household_size == 3


def test_it_refuses_a_household_above_twice_the_standard_without_an_accident(care_world):
    member = make_member(care_world.union_a, "李困难")
    with pytest.raises(ValidationError) as error:
        file_for(member, income="57600.36")
    message = " ".join(error.value.messages)
    assert "1,600.01" in message and "800.00" in message and "合民〔2025〕12号" in message and "区总工会" in message
    assert not care.HardshipFile.objects.exists()


def test_it_refuses_without_a_standard(world):
    member = make_member(world.union_a, "李困难")
    with pytest.raises(ValidationError, match="低保"):
        file_for(member)


def test_it_keeps_one_open_file_per_member(care_world):
    member = make_member(care_world.union_a, "李困难")
    file_for(member)
    with pytest.raises(ValidationError, match="只能有一份未结档案"):
        file_for(member)
    assert care.HardshipFile.objects.count() == 1


def test_it_needs_the_union_above_for_the_second_approval(care_world):
    world = care_world
    file = file_for(make_member(world.union_a, "李困难"))
    with pytest.raises(PermissionDenied):  # the upper step before the union's is refused too
        services.hardship_approve(actor=world.chair_a, file=file)
    services.hardship_union_approve(actor=world.chair_a, file=file)
    with pytest.raises(PermissionDenied):  # the chair holds care.approve on the union, not above it
        services.hardship_approve(actor=world.chair_a, file=file)
    with pytest.raises(PermissionDenied):  # another street
        services.hardship_approve(actor=make_user("admin_b", Role.FEDERATION_ADMIN, world.street_b), file=file)
    file = services.hardship_approve(actor=world.street_admin, file=file, on=D(2025, 3, 1))
    assert file.status == care.HardshipStatus.ACTIVE
    assert file.next_review_on == D(2026, 3, 1)
    assert [e.kind for e in file.events.all()] == ["filed", "union_approved", "approved"]


def test_it_returns_a_file_with_a_reason_and_takes_a_correction(care_world):
    world = care_world
    file = file_for(make_member(world.union_a, "李困难"))
    with pytest.raises(ValidationError):
        services.hardship_return(actor=world.chair_a, file=file, reason="")
    file = services.hardship_return(actor=world.chair_a, file=file, reason="收入证明缺失")
    assert file.status == care.HardshipStatus.RETURNED
    file = services.hardship_file_update(actor=world.chair_a, file=file, cause=care.HardshipCause.ILLNESS,
                                         household=HOUSE_OF_3, annual_income=Decimal("20000"),
                                         hardship_spending=Decimal("0"))
    assert file.status == care.HardshipStatus.DRAFT and file.category == "deep"
    assert file.events.last().kind == "changed"
    services.hardship_union_approve(actor=world.chair_a, file=file)
    with pytest.raises(ValidationError):
        services.hardship_file_update(actor=world.chair_a, file=file, cause=care.HardshipCause.ILLNESS,
                                      household=HOUSE_OF_3, annual_income=Decimal("1"), hardship_spending=0)


def test_it_relieves_a_household_after_six_months_above_the_line(care_world):
    world = care_world
    file = active_file_for(world, make_member(world.union_a, "李困难"))
    file = services.hardship_review(actor=world.chair_a, file=file, household=HOUSE_OF_3,
                                    annual_income=Decimal("36000"), hardship_spending=0, on=D(2025, 1, 10))
    assert file.above_line_since == D(2025, 1, 10) and file.status == care.HardshipStatus.ACTIVE
    assert file.category == "relative"
    file = services.hardship_review(actor=world.chair_a, file=file, household=HOUSE_OF_3,
                                    annual_income=Decimal("36000"), hardship_spending=0, on=D(2025, 7, 9))
    assert file.status == care.HardshipStatus.ACTIVE
    file = services.hardship_review(actor=world.chair_a, file=file, household=HOUSE_OF_3,
                                    annual_income=Decimal("36000"), hardship_spending=0, on=D(2025, 7, 10))
    assert file.status == care.HardshipStatus.RELIEVED and file.relieved_on == D(2025, 7, 10)
    assert file.events.last().kind == "relieved"


def test_it_restarts_the_six_months_when_the_household_falls_below_the_line(care_world):
    world = care_world
    file = active_file_for(world, make_member(world.union_a, "李困难"))
    services.hardship_review(actor=None, file=file, household=HOUSE_OF_3, annual_income=Decimal("36000"),
                             hardship_spending=0, on=D(2025, 1, 10))
    file = services.hardship_review(actor=None, file=file, household=HOUSE_OF_3, annual_income=Decimal("20000"),
                                    hardship_spending=0, on=D(2025, 3, 1))
    assert file.above_line_since is None and file.category == "deep"


def test_it_lists_reviews_due_within_thirty_days(client, care_world):
    world = care_world
    due = active_file_for(world, make_member(world.union_a, "甲到期"))
    later = active_file_for(world, make_member(world.union_a, "乙未到"))
    today = datetime.date.today()
    care.HardshipFile.objects.filter(pk=due.pk).update(next_review_on=today + datetime.timedelta(days=30))
    care.HardshipFile.objects.filter(pk=later.pk).update(next_review_on=today + datetime.timedelta(days=31))
    client.force_login(world.chair_a)
    response = client.get(reverse("care:hardship_list", args=[world.union_a.pk]), {"due": "1"})
    assert [f.pk for f in response.context["page"].object_list] == [due.pk]
    home = client.get(reverse("care:care_home", args=[world.union_a.pk]))
    assert home.context["due_count"] == 1


def test_it_masks_the_details_and_logs_each_reveal(client, care_world):
    world = care_world
    file = file_for(make_member(world.union_a, "李困难"), income="24000")
    client.force_login(world.chair_a)
    page = client.get(reverse("care:hardship_detail", args=[file.pk])).content.decode()
    assert "****" in page and "24,000" not in page and "24000" not in page and "慢性肾病" not in page
    response = client.post(reverse("care:hardship_reveal", args=[file.pk]))
    assert "24000.00" in response.content.decode() and "慢性肾病" in response.content.decode()
    reveals = AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL, object_id=str(file.pk))
    assert reveals.count() == 1
    every_entry = " ".join(str(e.changes) for e in AuditEntry.objects.all())
    assert "24000" not in every_entry and "慢性肾病" not in every_entry and "保洁员" not in every_entry
    client.force_login(make_user("finance_a", Role.FINANCE_OFFICER, world.union_a))
    assert client.post(reverse("care:hardship_reveal", args=[file.pk])).status_code == 403


def test_it_files_a_case_through_the_form(client, care_world):
    world = care_world
    member = make_member(world.union_a, "李困难")
    client.force_login(world.chair_a)
    url = reverse("care:hardship_create", args=[world.union_a.pk])
    response = client.post(url, {"member": member.pk, "cause": "illness", "household": "本人, 45, 慢性病, 保洁员\n配偶",
                                 "annual_income": "99999", "hardship_spending": "0"})
    assert response.status_code == 200 and "低保" in response.content.decode()
    response = client.post(url, {"member": member.pk, "cause": "illness", "household": "本人，四十",
                                 "annual_income": "9999", "hardship_spending": "0"})
    assert response.status_code == 200 and "“四十”" in response.content.decode()
    assert not care.HardshipFile.objects.exists()
    response = client.post(url, {"member": member.pk, "cause": "illness", "household": "本人, 45, 慢性病, 保洁员\n配偶",
                                 "annual_income": "12000", "hardship_spending": "0"})
    file = care.HardshipFile.objects.get()
    assert response.status_code == 302 and file.household_size == 2 and file.category == "deep"


def test_it_sets_standards_and_budgets_on_their_pages(client, world):
    client.force_login(world.street_admin)
    url = reverse("care:standard_list", args=[world.street_a.pk])
    response = client.post(url, {"monthly_amount": "850", "effective_from": "2025-01-01", "source": "文件"})
    assert response.status_code == 302
    assert care.LivingAllowanceStandard.objects.get().node == world.street_a
    client.force_login(world.chair_a)
    assert client.post(reverse("care:standard_list", args=[world.union_a.pk]),
                       {"monthly_amount": "1", "effective_from": "2025-01-01"}).status_code == 403
    url = reverse("care:budget_list", args=[world.union_a.pk])
    assert client.post(url, {"year": 2025, "kind": "", "amount": "10000"}).status_code == 302
    response = client.post(url, {"year": 2025, "kind": "", "amount": "5"})
    assert response.status_code == 200 and care.CareBudget.objects.count() == 1
    assert client.get(url).status_code == 200


def test_it_lists_files_in_a_fixed_number_of_queries(client, care_world, django_assert_max_num_queries):
    world = care_world
    for index in range(3):
        file_for(make_member(world.union_a, f"困难{index}"))
    client.force_login(world.district_admin)
    url = reverse("care:hardship_list", args=[world.county.pk])
    with django_assert_max_num_queries(12) as first:
        client.get(url)
    for index in range(3, 8):
        file_for(make_member(world.union_a, f"困难{index}"))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_it_shows_each_budget_lines_committed_amount_as_the_caps_count_it(client, world):
    from gonghui.care import caps
    from gonghui.care.assistance import services as assistance

    general = services.budget_create(actor=None, node=world.union_a, year=2025, kind="", amount=Decimal("5000"))
    births = services.budget_create(actor=None, node=world.union_a, year=2025, kind="birth", amount=Decimal("3000"))
    for kind, amount in (("birth", "1000"), ("marriage", "700"), ("bereavement", "300")):
        record, _ = assistance.assistance_request(actor=None, union=world.union_a, member=make_member(world.union_a),
                                                  kind=kind, amount=Decimal(amount), on=D(2025, 4, 1))
        assistance.assistance_approve(actor=None, record=record)
    client.force_login(world.street_admin)
    response = client.get(reverse("care:budget_list", args=[world.street_a.pk]))
    shown = {line.pk: (spent, left) for line, spent, left in response.context["lines"]}
    assert shown[births.pk] == (caps.budget_spent(births), Decimal("2000")) == (Decimal("1000"), Decimal("2000"))
    assert shown[general.pk] == (caps.budget_spent(general), Decimal("4000")) == (Decimal("1000"), Decimal("4000"))


def test_it_takes_the_steps_on_the_file_page(client, care_world):
    world = care_world
    file = file_for(make_member(world.union_a, "李困难"))
    client.force_login(world.chair_a)
    step = reverse("care:hardship_action", args=[file.pk])
    client.post(step, {"action": "return", "reason": "缺收入证明"})
    file.refresh_from_db()
    assert file.status == care.HardshipStatus.RETURNED and file.events.last().note == "缺收入证明"
    response = client.post(reverse("care:hardship_edit", args=[file.pk]), {
        "cause": "illness", "household": "本人, 40\n配偶, 41", "annual_income": "10000", "hardship_spending": "0"})
    assert response.status_code == 302
    client.post(step, {"action": "union_approve"})
    assert client.post(step, {"action": "approve"}).status_code == 403  # the chair is not the union above
    client.force_login(world.street_admin)
    client.post(step, {"action": "approve"})
    file.refresh_from_db()
    assert file.status == care.HardshipStatus.ACTIVE and file.household_size == 2
    client.force_login(world.chair_a)
    response = client.post(reverse("care:hardship_review", args=[file.pk]), {
        "household": "本人, 40\n配偶, 41", "annual_income": "30000", "hardship_spending": "0", "on": "2026-01-05"})
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.category == "relative" and file.above_line_since == D(2026, 1, 5)
    client.post(step, {"action": "close", "reason": "调离本单位"})
    file.refresh_from_db()
    assert file.status == care.HardshipStatus.CLOSED and file.closed_reason == "调离本单位"
    page = client.get(reverse("care:hardship_detail", args=[file.pk])).content.decode()
    assert "调离本单位" in page and "缺收入证明" in page
