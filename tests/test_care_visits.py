"""走访慰问 (issue 4 §7, §9): a visit and its gift under the spending caps, the visits due (reported events,
retirements by the statutory schedule), and the 走访慰问台账."""

from __future__ import annotations

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.care.models import Assistance, AssistanceStatus, CareBudget, CareNotice, Visit
from gonghui.care.visits import retirement, selectors
from gonghui.care.visits import services as visits
from gonghui.core.models import AuditEntry
from gonghui.members.models import EmploymentType, Member

from .conftest import make_member

D = datetime.date


def _today() -> datetime.date:
    return timezone.localdate()


def _budget(node, amount="10000", year=None, kind=""):
    return CareBudget.objects.create(node=node, path=node.path, year=year or _today().year, kind=kind,
                                     amount=Decimal(amount))


def _visit(world, member, **fields):
    values = {"actor": world.chair_a, "node": world.union_a, "member": member, "reason": "illness",
              "visited_on": _today(), "visitors": "林晓梅、王老师", "place": "市一院"}
    values.update(fields)
    return visits.visit_create(**values)


def _born(member, gender: str, birth: datetime.date) -> Member:
    Member.objects.filter(pk=member.pk).update(gender=gender, birth_date=birth)
    member.refresh_from_db()
    return member


# ---- the retirement schedule ---------------------------------------------------------------------------

@pytest.mark.parametrize(("gender", "base", "birth", "age_months"), [
    ("M", 60, D(1964, 12, 31), 720),   # before the decision: 60
    ("M", 60, D(1965, 1, 1), 721),     # first month raised: 60 and 1 month
    ("M", 60, D(1965, 4, 30), 721),    # four months of birth per month
    ("M", 60, D(1965, 5, 1), 722),
    ("M", 60, D(1976, 8, 31), 755),
    ("M", 60, D(1976, 9, 1), 756),     # 63, the ceiling
    ("M", 60, D(1990, 1, 1), 756),
    ("F", 55, D(1969, 12, 31), 660),
    ("F", 55, D(1970, 1, 1), 661),
    ("F", 55, D(1981, 8, 1), 695),
    ("F", 55, D(1981, 9, 1), 696),     # 58
    ("F", 50, D(1974, 12, 31), 600),
    ("F", 50, D(1975, 1, 1), 601),
    ("F", 50, D(1975, 2, 28), 601),    # two months of birth per month
    ("F", 50, D(1975, 3, 1), 602),
    ("F", 50, D(1984, 10, 1), 659),
    ("F", 50, D(1984, 11, 1), 660),    # 55
    ("F", 50, D(1995, 5, 5), 660),
])
def test_it_follows_the_2024_decision_on_the_retirement_age(gender, base, birth, age_months):
    assert retirement.retirement_age_months(gender, birth, base=base) == age_months


def test_it_dates_retirement_by_the_age_in_months_and_finds_the_birth_month_back():
    assert retirement.retirement_date("M", D(1965, 1, 15), base=60) == D(2025, 2, 15)
    assert retirement.retirement_date("M", D(1965, 5, 31), base=60) == D(2025, 7, 31)
    assert retirement.retirement_date("F", D(1975, 3, 31), base=50) == D(2025, 5, 31)
    # every retirement month maps back to the one birth month that retires in it, or to none
    assert retirement.birth_month_retiring_in("M", 2025, 2, base=60) == (1965, 1)
    assert retirement.birth_month_retiring_in("M", 2025, 7, base=60) == (1965, 5)
    assert retirement.birth_month_retiring_in("M", 2025, 6, base=60) is None  # skipped by the raise
    assert retirement.birth_month_retiring_in("M", 2024, 12, base=60) == (1964, 12)
    for year in (2025, 2030, 2040):
        for month in range(1, 13):
            birth = retirement.birth_month_retiring_in("F", year, month, base=55)
            if birth:
                on = retirement.retirement_date("F", D(birth[0], birth[1], 1), base=55)
                assert (on.year, on.month) == (year, month)


def test_it_takes_the_womens_base_age_from_the_settings(settings):
    settings.GONGHUI_CARE = {**settings.GONGHUI_CARE, "RETIREMENT_AGE_WOMEN": 50}
    assert retirement.retirement_age_months("F", D(1975, 3, 1)) == 602
    settings.GONGHUI_CARE = {**settings.GONGHUI_CARE, "RETIREMENT_AGE_WOMEN": 55}
    assert retirement.retirement_age_months("F", D(1975, 3, 1)) == 55 * 12 + 16  # 62 months: 15 steps + 1


# ---- a visit and its gift ------------------------------------------------------------------------------

def test_it_records_a_visit_with_a_gift_within_the_cap_as_paid_assistance(world):
    _budget(world.union_a)
    member = make_member(world.union_a, "病号甲", group=world.group_a)
    visit = _visit(world, member, gift="水果、慰问金", gift_value="800", form="cash", case="阑尾炎")
    assistance = visit.assistance
    assert assistance.kind == "illness" and assistance.amount == Decimal("800")
    assert assistance.status == AssistanceStatus.PAID and assistance.on == visit.visited_on
    assert assistance.funding == "union_funds" and assistance.form == "cash" and assistance.case == "阑尾炎"
    assert visit.path == world.union_a.path and visit.union == world.union_a
    assert AuditEntry.objects.filter(action="create", object_id=str(visit.pk)).exists()


def test_it_records_a_visit_without_a_gift_and_pays_nothing(world):
    member = make_member(world.union_a, "新郎乙")
    visit = _visit(world, member, reason="marriage")
    assert visit.assistance is None and visit.gift_value == 0
    assert Assistance.objects.count() == 0


def test_it_refuses_a_gift_above_the_cap_and_stores_no_visit(world):
    _budget(world.union_a)
    member = make_member(world.union_a, "病号丙")
    with pytest.raises(ValidationError) as error:
        _visit(world, member, gift="慰问金", gift_value="2500", form="cash", case="骨折")
    text = " ".join(error.value.messages)
    assert "住院慰问" in text and "安徽省总工会" in text
    assert Visit.objects.count() == 0 and Assistance.objects.count() == 0


def test_it_refuses_union_funds_for_a_retiree_but_not_another_source(world):
    _budget(world.union_a)
    member = make_member(world.union_a, "退休丁", employment_type=EmploymentType.RETIRED)
    with pytest.raises(ValidationError) as error:
        _visit(world, member, reason="festival", gift="米面油", gift_value="300")
    assert "retired" in " ".join(error.value.messages) or "退休" in " ".join(error.value.messages)
    assert Visit.objects.count() == 0
    visit = _visit(world, member, reason="festival", gift="米面油", gift_value="300", funding="donations")
    assert visit.assistance.funding == "donations"


def test_it_refuses_a_gift_without_a_budget_and_a_festival_gift_in_cash(world):
    member = make_member(world.union_a, "戊")
    with pytest.raises(ValidationError) as error:
        _visit(world, member, reason="festival", gift="月饼", gift_value="200")
    assert "budget" in " ".join(error.value.messages) or "预算" in " ".join(error.value.messages)
    _budget(world.union_a)
    with pytest.raises(ValidationError) as error:
        _visit(world, member, reason="festival", gift="购物卡", gift_value="200", form="shopping_card")
    assert "form" in error.value.message_dict
    assert Visit.objects.count() == 0


def test_it_refuses_a_member_outside_the_node_and_a_future_date(world):
    outsider = make_member(world.union_b, "乙院员工")
    with pytest.raises(ValidationError) as error:
        _visit(world, outsider)
    assert "member" in error.value.message_dict
    member = make_member(world.union_a, "己")
    with pytest.raises(ValidationError) as error:
        _visit(world, member, visited_on=_today() + datetime.timedelta(days=3))
    assert "visited_on" in error.value.message_dict


def test_it_pays_a_double_submission_once(world):
    _budget(world.union_a)
    member = make_member(world.union_a, "庚")
    key = uuid.uuid4()
    first = _visit(world, member, reason="birth", gift="慰问金", gift_value="500", form="cash", submission=key)
    second = _visit(world, member, reason="birth", gift="慰问金", gift_value="500", form="cash", submission=key)
    assert first.pk == second.pk
    assert Visit.objects.count() == 1 and Assistance.objects.count() == 1


def test_it_records_a_visit_through_the_page_and_shows_a_refusal_on_the_form(client, world):
    _budget(world.union_a)
    member = make_member(world.union_a, "辛")
    client.force_login(world.chair_a)
    url = reverse("care:visit_create", args=[world.union_a.pk])
    body = {"member": member.card_no, "reason": "illness", "visited_on": _today().isoformat(), "visitors": "甲主席",
            "gift": "慰问金", "gift_value": "3000", "form": "cash", "funding": "union_funds", "case": "肺炎",
            "submission": str(uuid.uuid4())}
    response = client.post(url, body)
    assert response.status_code == 200
    assert "2,000.00" in response.content.decode() and Visit.objects.count() == 0
    body["gift_value"] = "600"
    response = client.post(url, body)
    assert response.status_code == 302 and Visit.objects.get().assistance.amount == Decimal("600")


# ---- visits due ----------------------------------------------------------------------------------------

def test_it_keeps_a_hospital_notice_on_the_due_list_until_a_visit(client, world):
    member = make_member(world.union_a, "住院壬")
    notice = visits.notice_create(actor=world.chair_a, node=world.union_a, member=member, reason="illness",
                                  since=_today() - datetime.timedelta(days=3), note="市二院")
    client.force_login(world.chair_a)
    due = reverse("care:visit_due", args=[world.union_a.pk])
    assert "住院壬" in client.get(due).content.decode()
    assert list(selectors.open_notices(world.chair_a, world.street_a)) == [notice]
    visit = _visit(world, member, reason="illness")
    notice.refresh_from_db()
    assert notice.resolved_on == visit.visited_on and visit.notice == notice
    assert "住院壬" not in client.get(due).content.decode()


def test_it_lists_members_retiring_in_the_month_until_visited(client, world):
    man = _born(make_member(world.union_a, "退休男", birth_year=1965), "M", D(1965, 1, 20))
    _born(make_member(world.union_a, "晚一月", birth_year=1965), "M", D(1965, 5, 2))
    client.force_login(world.chair_a)
    due = reverse("care:visit_due", args=[world.union_a.pk])
    page = client.get(due, {"month": "2025-02"}).content.decode()
    assert "退休男" in page and "晚一月" not in page and "2025-02-20" in page
    assert [row.member for row in selectors.retiring_in_month(world.chair_a, world.union_a, 2025, 2)] == [man]
    _visit(world, man, reason="retirement", visited_on=D(2025, 2, 20))
    assert selectors.retiring_in_month(world.chair_a, world.union_a, 2025, 2) == []
    assert client.get(due, {"month": "2025-13"}).status_code == 200


def test_it_does_not_show_the_due_list_to_an_outsider(client, world):
    client.force_login(world.chair_b)
    assert client.get(reverse("care:visit_due", args=[world.union_a.pk])).status_code == 404
    assert client.post(reverse("care:notice_create", args=[world.union_a.pk]),
                       {"member": "x", "reason": "illness", "since": "2025-01-01"}).status_code == 404
    assert CareNotice.objects.count() == 0


# ---- the visit list and the ledger ---------------------------------------------------------------------

def test_it_lists_visits_with_a_fixed_number_of_queries(client, world):
    client.force_login(world.chair_a)
    url = reverse("care:visit_list", args=[world.union_a.pk])
    _visit(world, make_member(world.union_a, "甲一"))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(5):
        _visit(world, make_member(world.union_a, f"甲{index + 2}"), reason="marriage")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few)
    assert "甲5" in page
    filtered = client.get(url, {"reason": "illness"}).content.decode()
    assert "甲一" in filtered and "甲5" not in filtered


def test_it_totals_the_ledger_as_the_sum_of_its_visits_and_logs_the_export(client, world):
    _budget(world.union_a)
    _budget(world.joint_a)
    a1 = make_member(world.union_a, "账一")
    j1 = make_member(world.joint_a, "账二")
    _visit(world, a1, gift="慰问金", gift_value="300", form="cash", case="感冒")
    _visit(world, a1, reason="birthday", gift="蛋糕", gift_value="150.50")
    visits.visit_create(actor=world.street_admin, node=world.street_a, member=j1, reason="marriage",
                        visited_on=_today(), visitors="街道", gift="慰问金", gift_value="1000", form="cash")
    _visit(world, a1, reason="hardship", visited_on=D(_today().year - 1, 6, 1))  # another year
    client.force_login(world.street_admin)
    url = reverse("care:visit_ledger", args=[world.street_a.pk])
    response = client.get(url)
    ledger = response.context["ledger"]
    assert len(ledger.rows) == 3
    assert ledger.totals["value"] == Decimal("1450.50")
    assert sum(row["value"] for row in ledger.rows) == ledger.totals["value"]
    assert "2" in ledger.notes[0] and "3" in ledger.notes[0]  # 2 persons, 3 visits
    drill = {row.node.name: (row.persons, row.times, row.amount) for row in response.context["drill"]}
    assert drill == {"甲中学工会": (1, 2, Decimal("450.50")), "甲社区联合工会": (1, 1, Decimal("1000"))}
    before = AuditEntry.objects.filter(action="export").count()
    export = client.get(url, {"format": "xlsx"})
    assert export.status_code == 200
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    total_row = next(row for row in values if row[0] in ("合计", "Total"))
    assert total_row[-1] == pytest.approx(1450.50)
    data_rows = values[3:3 + len(ledger.rows)]
    assert sum(row[-1] for row in data_rows) == pytest.approx(1450.50)


def test_it_answers_a_bad_period_with_a_message_not_an_error(client, world):
    client.force_login(world.chair_a)
    response = client.get(reverse("care:visit_ledger", args=[world.union_a.pk]), {"from": "2025-13-01"})
    assert response.status_code == 200 and response.context["period_error"]
