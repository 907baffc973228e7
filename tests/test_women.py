"""女职工 records (issue 3 §6): the leave rules, the encrypted details, the due lists, and who may see them."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.members.models import WomenRecord
from gonghui.members.women import rules, selectors
from gonghui.members.women import services as women

from .conftest import make_member

D = datetime.date
DAY = datetime.timedelta(days=1)


def _today() -> datetime.date:
    return timezone.localdate()


# ---- rules: pure date computations ------------------------------------------------------------------------

def test_it_gives_98_days_of_maternity_leave_15_of_them_before_the_expected_due_date():
    leave = rules.maternity_leave(expected_due_date=D(2025, 6, 20))
    assert leave.days == 98
    assert leave.start == D(2025, 6, 5)
    assert leave.end == D(2025, 9, 10)  # 15 days before + 83 days from the due date on
    assert (leave.end - leave.start).days + 1 == 98
    assert leave.basis == "due_date"


def test_it_counts_the_leave_from_the_actual_birth_once_it_is_recorded():
    leave = rules.maternity_leave(expected_due_date=D(2025, 6, 20), birth_date=D(2025, 6, 10))
    assert leave.basis == "birth"
    assert leave.start == D(2025, 5, 26)
    assert leave.end == D(2025, 6, 10) + datetime.timedelta(days=82)


def test_it_adds_15_days_for_a_difficult_birth():
    assert rules.maternity_leave_days(difficult_birth=True) == 113
    leave = rules.maternity_leave(birth_date=D(2025, 1, 31), difficult_birth=True)
    assert leave.days == 113 and leave.end == leave.start + datetime.timedelta(days=112)


def test_it_adds_15_days_for_twins_and_30_for_triplets():
    assert rules.maternity_leave_days(babies=2) == 113
    assert rules.maternity_leave_days(babies=3) == 128
    assert rules.maternity_leave_days(difficult_birth=True, babies=2) == 128


def test_it_does_not_count_a_difficult_birth_before_the_birth():
    assert rules.maternity_leave(expected_due_date=D(2025, 6, 20), difficult_birth=True).days == 98


def test_it_gives_15_days_for_a_miscarriage_under_4_months_and_42_from_4_months():
    assert rules.miscarriage_leave_days(1) == 15
    assert rules.miscarriage_leave_days(3) == 15
    assert rules.miscarriage_leave_days(4) == 42
    assert rules.miscarriage_leave_days(7) == 42
    leave = rules.miscarriage_leave(miscarriage_date=D(2025, 3, 1), months_pregnant=3)
    assert (leave.start, leave.end, leave.basis) == (D(2025, 3, 1), D(2025, 3, 15), "miscarriage")
    assert rules.miscarriage_leave(miscarriage_date=D(2025, 3, 1), months_pregnant=4).end == D(2025, 4, 11)


def test_it_ends_the_nursing_period_on_the_first_birthday_and_on_28_february_for_a_leap_day_child():
    assert rules.nursing_period_end(D(2024, 3, 10)) == D(2025, 3, 10)
    assert rules.nursing_period_end(D(2024, 2, 29)) == D(2025, 2, 28)
    assert rules.nursing_period_end(D(2023, 2, 28)) == D(2024, 2, 28)
    assert rules.nursing_hours_per_day(1) == 1 and rules.nursing_hours_per_day(2) == 2


def test_it_stops_overtime_and_night_shifts_from_28_weeks_of_pregnancy():
    due = D(2025, 10, 1)
    assert rules.pregnancy_start(due) == due - datetime.timedelta(days=280)
    assert rules.no_overtime_from(due) == due - datetime.timedelta(days=84)


def test_it_says_a_check_is_due_when_never_done_or_the_interval_has_passed():
    today = D(2025, 6, 15)
    assert rules.check_is_due(None, 12, today)
    assert rules.check_is_due(D(2024, 6, 15), 12, today)
    assert not rules.check_is_due(D(2024, 6, 16), 12, today)
    assert rules.check_due_on(D(2024, 6, 16), 24) == D(2026, 6, 16)
    assert rules.check_cutoff(12, today) == D(2024, 6, 15)


def test_it_reads_the_check_intervals_from_the_settings(settings):
    assert rules.gynaecological_check_months() == settings.GONGHUI_RULES.get(
        "WOMEN_GYNAECOLOGICAL_CHECK_MONTHS", 12)
    settings.GONGHUI_RULES = {**settings.GONGHUI_RULES, "WOMEN_GYNAECOLOGICAL_CHECK_MONTHS": 6,
                              "WOMEN_GENERAL_CHECK_MONTHS": 36}
    assert rules.gynaecological_check_months() == 6
    assert rules.general_check_months() == 36


def test_it_tells_the_situation_on_a_given_day():
    details = {"stage": "pregnant", "expected_due_date": "2025-10-01"}
    assert rules.figures(details, D(2025, 7, 9)).situation == "late_pregnancy"
    assert rules.figures(details, D(2025, 7, 8)).situation == ""
    assert rules.figures(details, D(2025, 9, 16)).situation == "on_leave"
    born = {"stage": "nursing", "birth_date": "2025-01-10", "babies": 2}
    figures = rules.figures(born, D(2025, 6, 1))
    assert figures.situation == "nursing" and figures.protected and figures.nursing_hours == 2
    assert rules.figures(born, D(2026, 1, 10)).nursing
    assert rules.figures(born, D(2026, 1, 11)).situation == ""
    lost = {"stage": "maternity", "miscarriage_date": "2025-03-01", "miscarriage_months": 2}
    assert rules.figures(lost, D(2025, 3, 15)).on_leave and not rules.figures(lost, D(2025, 3, 16)).on_leave


# ---- services ---------------------------------------------------------------------------------------------

@pytest.fixture
def woman(world):
    return make_member(world.union_a, "李芳", female=True, birth_year=1992)


def test_it_keeps_the_details_encrypted_at_rest(world, woman):
    due = _today() + 100 * DAY
    record = women.women_record_update(actor=world.women_officer, member=woman, stage="pregnant",
                                       expected_due_date=due, notes="孕检正常")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT details FROM {WomenRecord._meta.db_table} WHERE id = %s", [record.pk])
        (raw,) = cursor.fetchone()
    assert due.isoformat() not in raw and "pregnant" not in raw and "孕检" not in raw
    assert raw.startswith("g1:")
    details = women.record_details(WomenRecord.objects.get(pk=record.pk))
    assert details["expected_due_date"] == due and details["stage"] == "pregnant"


def test_it_writes_no_clear_details_into_the_audit_log(world, woman):
    due = _today() + 100 * DAY
    women.women_record_update(actor=world.women_officer, member=woman, stage="pregnant", expected_due_date=due)
    women.women_record_update(actor=world.women_officer, member=woman, stage="maternity", expected_due_date=due,
                              notes="难产风险")
    entries = list(AuditEntry.objects.filter(content_type__model="womenrecord").order_by("pk"))
    assert [entry.action for entry in entries] == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
    logged = json.dumps([entry.changes for entry in entries], ensure_ascii=False)
    for secret in (due.isoformat(), "pregnant", "maternity", "难产", "expected_due_date", "stage", "notes"):
        assert secret not in logged
    assert entries[0].changes["details"] == [None, "******"]
    assert entries[1].changes == {"details": ["***", "******"]}
    assert entries[1].actor == world.women_officer


def test_it_logs_nothing_when_nothing_changed(world, woman):
    women.women_record_update(actor=world.women_officer, member=woman, stage="menopause")
    women.women_record_update(actor=world.women_officer, member=woman, stage="menopause")
    assert AuditEntry.objects.filter(content_type__model="womenrecord").count() == 1


def test_it_refuses_a_record_for_a_man(world):
    man = make_member(world.union_a, "王刚", female=False)
    with pytest.raises(ValidationError) as raised:
        women.women_record_update(actor=world.chair_a, member=man, stage="none")
    assert "男" in raised.value.messages[0]
    with pytest.raises(ValidationError):
        women.women_check_record(actor=world.chair_a, member=man, kind="general")
    assert not WomenRecord.objects.exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"stage": "pregnant"}, "expected_due_date"),
    ({"stage": "pregnant", "expected_due_date": -3}, "expected_due_date"),
    ({"stage": "pregnant", "expected_due_date": 400}, "expected_due_date"),
    ({"stage": "nursing"}, "birth_date"),
    ({"stage": "nursing", "birth_date": -400}, "birth_date"),
    ({"stage": "maternity", "birth_date": 5}, "birth_date"),
    ({"stage": "maternity", "expected_due_date": -10, "birth_date": -300}, "birth_date"),
    ({"stage": "maternity", "miscarriage_date": -3}, "miscarriage_months"),
    ({"stage": "maternity", "miscarriage_months": 3}, "miscarriage_date"),
    ({"stage": "maternity", "miscarriage_date": -3, "miscarriage_months": 11}, "miscarriage_months"),
    ({"stage": "maternity", "birth_date": -3, "miscarriage_date": -3, "miscarriage_months": 2},
     "miscarriage_date"),
    ({"stage": "maternity"}, "birth_date"),
    ({"stage": "maternity", "birth_date": -3, "babies": 0}, "babies"),
    ({"stage": "pregnant", "expected_due_date": 60, "difficult_birth": True}, "difficult_birth"),
    ({"stage": "fertile"}, "stage"),
])
def test_it_refuses_details_that_do_not_fit_with_a_message_on_the_field(world, woman, fields, field):
    today = _today()
    values = {key: (today + value * DAY if key.endswith("_date") else value) for key, value in fields.items()}
    with pytest.raises(ValidationError) as raised:
        women.women_record_update(actor=world.women_officer, member=woman, **values)
    assert field in raised.value.error_dict
    assert not WomenRecord.objects.exists()


def test_it_keeps_an_old_pregnancy_record_editable_after_its_due_date(world, woman):
    today = _today()
    due = today + 10 * DAY
    women.women_record_update(actor=world.women_officer, member=woman, stage="pregnant", expected_due_date=due)
    later = today + 20 * DAY
    record = women.women_record_update(actor=world.women_officer, member=woman, stage="pregnant",
                                       expected_due_date=due, notes="已联系", today=later)
    assert women.record_details(record)["notes"] == "已联系"
    # recording the birth is what the officer is led to do
    record = women.women_record_update(actor=world.women_officer, member=woman, stage="maternity",
                                       expected_due_date=due, birth_date=due + DAY, babies=2, today=later)
    assert rules.figures(women.record_details(record), later).leave.days == 113


def test_it_records_a_check_and_refuses_a_future_or_earlier_one(world, woman):
    today = _today()
    record = women.women_check_record(actor=world.chair_a, member=woman, kind="gynaecological",
                                      on=today - 5 * DAY)
    assert record.last_gynaecological_check == today - 5 * DAY and record.last_general_check is None
    assert women.record_details(record)["stage"] == ""
    with pytest.raises(ValidationError):
        women.women_check_record(actor=world.chair_a, member=woman, kind="general", on=today + DAY)
    with pytest.raises(ValidationError):
        women.women_check_record(actor=world.chair_a, member=woman, kind="gynaecological", on=today - 30 * DAY)
    entry = AuditEntry.objects.filter(content_type__model="womenrecord").get()
    assert entry.changes["last_gynaecological_check"] == [None, (today - 5 * DAY).isoformat()]


# ---- pages ------------------------------------------------------------------------------------------------

def _urls(world, member):
    return {
        "list": reverse("members:women_list", args=[world.union_a.pk]),
        "record": reverse("members:women_record", args=[member.pk]),
        "edit": reverse("members:women_record_edit", args=[member.pk]),
        "check": reverse("members:women_check_record", args=[member.pk]),
    }


@pytest.mark.parametrize("persona", ["district_admin", "street_admin", "readonly_leader", "chair_b", "member"])
def test_it_hides_the_records_from_everyone_but_the_womens_officer_and_the_chair(client, world, woman, persona):
    women.women_record_update(actor=None, member=woman, stage="pregnant", expected_due_date=_today() + 90 * DAY)
    client.force_login(world.personas[persona])
    urls = _urls(world, woman)
    before = list(WomenRecord.objects.values_list("details", "last_general_check"))
    for name in ("list", "record", "edit"):
        assert client.get(urls[name]).status_code == 404, name
    assert client.post(urls["edit"], {"stage": "none", "babies": 1}).status_code == 404
    assert client.post(urls["check"], {"kind": "general"}).status_code == 404
    assert client.get(reverse("members:women_list", args=[world.county.pk])).status_code == 404
    assert list(WomenRecord.objects.values_list("details", "last_general_check")) == before


@pytest.mark.parametrize("persona", ["women_officer", "chair_a"])
def test_it_shows_the_records_to_the_womens_officer_and_the_chair(client, world, woman, persona):
    due = _today() + 90 * DAY
    women.women_record_update(actor=None, member=woman, stage="pregnant", expected_due_date=due)
    client.force_login(world.personas[persona])
    urls = _urls(world, woman)
    page = client.get(urls["list"]).content.decode()
    assert "李芳" in page and due.isoformat() in page
    page = client.get(urls["record"]).content.decode()
    leave = rules.maternity_leave(expected_due_date=due)
    assert leave.start.isoformat() in page and leave.end.isoformat() in page
    assert rules.no_overtime_from(due).isoformat() in page
    assert "女职工劳动保护特别规定" in page
    assert client.get(urls["edit"]).status_code == 200
    # the chair of the outsider's union sees none of it; a women's list above the union is not theirs either
    assert client.get(reverse("members:women_list", args=[world.street_a.pk])).status_code == 404


def test_it_gives_no_record_page_for_a_man(client, world):
    man = make_member(world.union_a, "王刚", female=False)
    client.force_login(world.women_officer)
    assert client.get(reverse("members:women_record", args=[man.pk])).status_code == 404
    assert client.post(reverse("members:women_check_record", args=[man.pk]), {"kind": "general"}).status_code == 404
    assert "王刚" not in client.get(reverse("members:women_list", args=[world.union_a.pk])).content.decode()


def test_it_saves_the_record_from_the_form_and_shows_field_errors_in_chinese(client, world, woman):
    client.force_login(world.women_officer)
    url = reverse("members:women_record_edit", args=[woman.pk])
    past = (_today() - 3 * DAY).isoformat()
    response = client.post(url, {"stage": "pregnant", "expected_due_date": past, "babies": 1})
    assert response.status_code == 200
    assert "预产期" in response.content.decode()
    assert not WomenRecord.objects.exists()
    born = _today() - 10 * DAY
    response = client.post(url, {"stage": "maternity", "birth_date": born.isoformat(), "babies": 3,
                                 "difficult_birth": "on", "last_general_check": past})
    assert response.status_code == 302
    record = WomenRecord.objects.get(member=woman)
    assert record.last_general_check.isoformat() == past
    page = client.get(reverse("members:women_record", args=[woman.pk])).content.decode()
    leave = rules.maternity_leave(birth_date=born, difficult_birth=True, babies=3)
    assert leave.days == 143 and leave.end.isoformat() in page and "143" in page


def test_it_records_a_check_done_from_the_due_list(client, world, woman):
    client.force_login(world.chair_a)
    due_url = reverse("members:women_list", args=[world.union_a.pk]) + "?tab=general"
    assert "李芳" in client.get(due_url).content.decode()
    response = client.post(reverse("members:women_check_record", args=[woman.pk]),
                           {"kind": "general", "next": due_url})
    assert response.status_code == 302 and response["Location"] == due_url
    assert WomenRecord.objects.get(member=woman).last_general_check == _today()
    assert woman.pk not in [row.member.pk for row in client.get(due_url).context["rows"]]
    # an outside address in `next` is not followed
    response = client.post(reverse("members:women_check_record", args=[woman.pk]),
                           {"kind": "gynaecological", "next": "https://example.com/"})
    assert response["Location"] == reverse("members:women_record", args=[woman.pk])


def test_it_lists_who_is_due_for_each_check(world):
    today = _today()
    never = make_member(world.union_a, "从未检", female=True)
    recent = make_member(world.union_a, "刚检过", female=True, group=world.group_a)
    old = make_member(world.union_a, "很久前", female=True)
    middle = make_member(world.union_a, "一年半", female=True)
    make_member(world.union_a, "男会员", female=False)
    make_member(world.union_b, "乙女工", female=True)
    women.women_check_record(actor=None, member=recent, kind="gynaecological", on=today - 30 * DAY)
    women.women_check_record(actor=None, member=recent, kind="general", on=today - 30 * DAY)
    women.women_check_record(actor=None, member=old, kind="gynaecological", on=today - 800 * DAY)
    women.women_check_record(actor=None, member=old, kind="general", on=today - 800 * DAY)
    women.women_check_record(actor=None, member=middle, kind="gynaecological", on=today - 550 * DAY)
    women.women_check_record(actor=None, member=middle, kind="general", on=today - 550 * DAY)
    gyn = [m.name for m in selectors.check_due(world.chair_a, world.union_a, "gynaecological", today)]
    general = [m.name for m in selectors.check_due(world.chair_a, world.union_a, "general", today)]
    assert gyn == ["从未检", "很久前", "一年半"]  # never checked first, then the longest ago
    assert general == ["从未检", "很久前"]
    assert never.pk  # listed without any record at all
    # the district admin holds no women.view: nothing, even at the county
    assert not selectors.check_due(world.district_admin, world.county, "general", today).exists()


def test_it_lists_women_by_stage_and_those_on_leave_or_nursing_now(client, world):
    today = _today()
    pregnant = make_member(world.union_a, "怀孕中", female=True)
    on_leave = make_member(world.union_a, "休产假", female=True)
    nursing = make_member(world.union_a, "哺乳期", female=True)
    make_member(world.union_a, "无记录", female=True)
    women.women_record_update(actor=None, member=pregnant, stage="pregnant", expected_due_date=today + 120 * DAY)
    women.women_record_update(actor=None, member=on_leave, stage="maternity", birth_date=today - 20 * DAY)
    women.women_record_update(actor=None, member=nursing, stage="nursing", birth_date=today - 200 * DAY)
    client.force_login(world.women_officer)
    url = reverse("members:women_list", args=[world.union_a.pk])

    def names(**params):
        return [row.member.name for row in client.get(url, params).context["rows"]]

    assert names(stage="pregnant") == ["怀孕中"]
    assert names(stage="nursing") == ["哺乳期"]
    assert set(names(tab="leave")) == {"哺乳期", "休产假"}
    assert len(names()) == 4
    response = client.get(url, {"stage": "pregnant"}, headers={"HX-Request": "true", "HX-Target": "women-results"})
    assert "<html" not in response.content.decode() and "怀孕中" in response.content.decode()


def _women_with_records(world, count, start):
    today = _today()
    for number in range(start, start + count):
        member = make_member(world.union_a, f"女工{number:03d}", female=True, group=world.group_a)
        women.women_record_update(actor=None, member=member, stage="pregnant",
                                  expected_due_date=today + (60 + number % 100) * DAY,
                                  last_gynaecological_check=today - 400 * DAY)


@pytest.mark.parametrize("params", [{}, {"tab": "gynaecological"}, {"tab": "general"}, {"tab": "leave"},
                                    {"stage": "pregnant"}])
def test_it_lists_with_the_same_number_of_queries_whatever_the_length(client, world, params):
    client.force_login(world.women_officer)
    url = reverse("members:women_list", args=[world.union_a.pk])
    _women_with_records(world, 2, 0)
    client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, params).status_code == 200
    _women_with_records(world, 28, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 10


def test_it_shows_a_record_page_with_a_fixed_number_of_queries(client, world, woman, django_assert_max_num_queries):
    women.women_record_update(actor=None, member=woman, stage="nursing", birth_date=_today() - 30 * DAY,
                              last_general_check=_today() - 3 * DAY)
    client.force_login(world.women_officer)
    client.get(reverse("members:women_record", args=[woman.pk]))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("members:women_record", args=[woman.pk]))
    assert "哺乳" in response.content.decode()


def test_it_pages_a_stage_list_without_losing_or_repeating_anyone(client, world):
    _women_with_records(world, 30, 0)
    client.force_login(world.chair_a)
    url = reverse("members:women_list", args=[world.union_a.pk])
    first = [row.member.name for row in client.get(url, {"stage": "pregnant"}).context["rows"]]
    second = [row.member.name for row in client.get(url, {"stage": "pregnant", "page": 2}).context["rows"]]
    assert len(first) == 25 and len(second) == 5
    assert first + second == [f"女工{number:03d}" for number in range(30)]
