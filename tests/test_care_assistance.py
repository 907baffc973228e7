"""Assistance (issue 4 §6) and the 帮扶台账 (§9): one record per form, one payment per record, the recipient's
confirmation, refusals on the form, and ledger totals that equal the records."""

from __future__ import annotations

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.accounts.models import Role
from gonghui.care import models as care
from gonghui.care.assistance import services
from gonghui.care.assistance.ledger import assistance_ledger, drill_down
from gonghui.care.hardship import services as hardship_services
from gonghui.core.models import AuditEntry
from gonghui.members.models import Member

from .conftest import make_member, make_user
from .test_care_hardship import active_file_for, set_standard

TODAY = datetime.date.today()


@pytest.fixture
def budgets(world):
    for union in (world.union_a, world.union_b):
        hardship_services.budget_create(actor=None, node=union, year=TODAY.year, kind="", amount=Decimal("50000"))


@pytest.fixture
def finance(world):
    return make_user("finance_a", Role.FINANCE_OFFICER, world.union_a, "甲财务")


def request(world, member, kind="marriage", amount="800", union=None, **kwargs):
    record, _ = services.assistance_request(actor=world.chair_a if union is None else None,
                                            union=union or world.union_a, member=member, kind=kind,
                                            amount=Decimal(amount), on=kwargs.pop("on", TODAY),
                                            submission=uuid.uuid4(), **kwargs)
    return record


def form_data(member, **overrides):
    return {"submission": str(uuid.uuid4()), "member": member.pk, "kind": "marriage", "amount": "800",
            "form": "cash", "funding": "union_funds", "on": TODAY.isoformat(), **overrides}


def test_it_makes_one_record_from_a_form_sent_twice(client, world, budgets):
    member = make_member(world.union_a)
    client.force_login(world.chair_a)
    url = reverse("care:assistance_create", args=[world.union_a.pk])
    data = form_data(member)
    first = client.post(url, data)
    second = client.post(url, data)
    record = care.Assistance.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("care:assistance_detail", args=[record.pk])
    assert str(record.submission) == data["submission"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(record.pk),
                                     content_type__model="assistance").count() == 1


def test_it_returns_the_existing_record_for_a_known_key_in_the_service(world, budgets):
    member = make_member(world.union_a)
    key = uuid.uuid4()
    first, created = services.assistance_request(actor=world.chair_a, union=world.union_a, member=member,
                                                 kind="marriage", amount=Decimal("800"), submission=key)
    again, created_again = services.assistance_request(actor=world.chair_a, union=world.union_a, member=member,
                                                       kind="marriage", amount=Decimal("900"), submission=key)
    assert created and not created_again and again.pk == first.pk and again.amount == Decimal("800")


def test_it_shows_a_cap_refusal_on_the_form_with_its_source(client, world, budgets):
    member = make_member(world.union_a)
    client.force_login(world.chair_a)
    response = client.post(reverse("care:assistance_create", args=[world.union_a.pk]),
                           form_data(member, kind="festival", form="cash", amount="100"))
    page = response.content.decode()
    assert response.status_code == 200 and "节日慰问品" in page and "安徽省总工会基层工会经费使用标准" in page
    assert not care.Assistance.objects.exists()


def test_it_refuses_a_hardship_kind_without_a_file_and_links_the_file_when_there_is_one(client, world, budgets):
    member = make_member(world.union_a)
    client.force_login(world.chair_a)
    url = reverse("care:assistance_create", args=[world.union_a.pk])
    response = client.post(url, form_data(member, kind="living", amount="1000"))
    assert response.status_code == 200 and "困难职工档案" in response.content.decode()
    set_standard(world.county)
    file = active_file_for(world, member)
    assert client.post(url, form_data(member, kind="living", amount="1000")).status_code == 302
    assert care.Assistance.objects.get().hardship_file == file


def test_it_pays_an_approved_record_once(world, budgets, finance):
    record = request(world, make_member(world.union_a))
    with pytest.raises(ValidationError, match="只有已批准的帮扶可以支付"):
        services.assistance_pay(actor=finance, record=record)
    with pytest.raises(PermissionDenied):  # finance pays but does not approve
        services.assistance_approve(actor=finance, record=record)
    services.assistance_approve(actor=world.chair_a, record=record)
    record = services.assistance_pay(actor=finance, record=record, payment_ref="BANK-1")
    assert record.status == care.AssistanceStatus.PAID and record.paid_by == finance
    with pytest.raises(ValidationError, match="不得重复支付"):
        services.assistance_pay(actor=finance, record=record)
    assert AuditEntry.objects.filter(object_id=str(record.pk), content_type__model="assistance",
                                     changes__status__1="paid").count() == 1


def test_it_refuses_to_pay_twice_through_the_page(client, world, budgets, finance):
    record = request(world, make_member(world.union_a))
    services.assistance_approve(actor=world.chair_a, record=record)
    client.force_login(finance)
    url = reverse("care:assistance_action", args=[record.pk])
    client.post(url, {"action": "pay", "payment_ref": "1"})
    response = client.post(url, {"action": "pay", "payment_ref": "2"}, follow=True)
    record.refresh_from_db()
    assert record.payment_ref == "1" and "不得重复支付" in response.content.decode()


def test_it_records_the_recipients_confirmation(client, world, budgets):
    member = make_member(world.union_a)
    Member.objects.filter(pk=member.pk).update(user=world.member)
    record = request(world, member)
    services.assistance_approve(actor=world.chair_a, record=record)
    client.force_login(world.member)
    url = reverse("care:assistance_confirm", args=[record.pk])
    client.post(url)
    record.refresh_from_db()
    assert record.status == care.AssistanceStatus.APPROVED  # not paid yet: nothing to confirm
    services.assistance_pay(actor=world.chair_a, record=record)
    mine = client.get(reverse("care:my_assistance"))
    assert f'data-testid="confirm-{record.pk}"' in mine.content.decode()
    assert any(item["url"] == reverse("care:my_assistance") for item in mine.context["shell_nav"])
    assert client.post(url).status_code == 302
    record.refresh_from_db()
    assert record.status == care.AssistanceStatus.CONFIRMED and record.confirmed_at
    other = make_member(world.union_a, "李四")
    theirs = request(world, other, amount="100")
    assert client.post(reverse("care:assistance_confirm", args=[theirs.pk])).status_code in (403, 404)


def test_it_lets_an_officer_record_a_signed_confirmation(world, budgets):
    record = request(world, make_member(world.union_a))
    services.assistance_approve(actor=world.chair_a, record=record)
    services.assistance_pay(actor=world.chair_a, record=record)
    with pytest.raises(ValidationError):
        services.assistance_confirm(actor=world.chair_a, record=record, how="")
    record = services.assistance_confirm(actor=world.chair_a, record=record, how="签收表第3行")
    assert record.status == care.AssistanceStatus.CONFIRMED and record.confirmed_how == "签收表第3行"


def test_it_rejects_with_a_note(world, budgets):
    record = request(world, make_member(world.union_a))
    with pytest.raises(ValidationError):
        services.assistance_reject(actor=world.chair_a, record=record, note="")
    record = services.assistance_reject(actor=world.chair_a, record=record, note="材料不全")
    assert record.status == care.AssistanceStatus.REJECTED
    with pytest.raises(ValidationError):
        services.assistance_approve(actor=world.chair_a, record=record)


@pytest.fixture
def ledger_world(world, budgets):
    a1, a2 = make_member(world.union_a, "张一"), make_member(world.union_a, "张二")
    b1 = make_member(world.union_b, "王一")
    rows = [request(world, a1, "marriage", "800"), request(world, a1, "birthday", "300", form="goods"),
            request(world, a2, "bereavement", "1000"), request(world, b1, "marriage", "600", union=world.union_b)]
    for record in rows:
        services.assistance_approve(actor=None, record=record)
    services.assistance_pay(actor=None, record=rows[0])
    request(world, a2, "marriage", "500")  # requested only: not in the ledger
    return world


def test_it_totals_the_ledger_as_the_sum_of_its_records(ledger_world):
    world = ledger_world
    start, end = TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31)
    ledger = assistance_ledger(world.district_admin, world.county, start, end)
    assert len(ledger.rows) == 4
    assert ledger.totals["amount"] == Decimal("2700") == sum(row["amount"] for row in ledger.rows)
    assert [int(n) for n in __import__("re").findall(r"\b\d+\b", ledger.notes[0].split("2,700.00")[0])] == [3, 4]
    assert "2,700.00" in ledger.notes[0]
    assert {row["member"] for row in ledger.rows} == {"张*", "王*"}
    street = {row.node.pk: row for row in drill_down(world.district_admin, world.county, start, end)}
    assert street[world.street_a.pk].times == 3 and street[world.street_a.pk].amount == Decimal("2100")
    assert street[world.street_a.pk].persons == 2
    assert street[world.street_b.pk].amount == Decimal("600")
    own = assistance_ledger(world.street_admin, world.county, start, end)
    assert len(own.rows) == 3  # the street admin sees only street A even from the county's page


def test_it_exports_the_ledger_as_xlsx_and_logs_it(client, ledger_world):
    world = ledger_world
    client.force_login(world.street_admin)
    url = reverse("care:assistance_ledger", args=[world.street_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and len(page.context["ledger"].rows) == 3
    response = client.get(url, {"year": TODAY.year, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    amounts = [row[5] for row in values[3:6]]
    assert sorted(amounts) == [300, 800, 1000]
    assert values[6][5] == 2100
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, org_path=world.street_a.path).count() == 1
    assert client.get(url, {"year": "abc"}).context["error"]


def test_it_lists_assistance_in_a_fixed_number_of_queries(client, ledger_world, django_assert_max_num_queries):
    world = ledger_world
    client.force_login(world.district_admin)
    url = reverse("care:assistance_list", args=[world.county.pk])
    with django_assert_max_num_queries(12) as first:
        client.get(url)
    for index in range(4):
        request(world, make_member(world.union_a, f"多{index}"), "marriage", "100")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_it_shows_the_care_home_with_counts_and_a_nav_item(client, ledger_world):
    world = ledger_world
    client.force_login(world.chair_a)
    response = client.get(reverse("care:care_home", args=[world.union_a.pk]))
    assert response.status_code == 200
    assert response.context["assistance_counts"]["requested"] == 1
    assert response.context["assistance_counts"]["approved"] == 2
    assert response.context["assistance_counts"]["paid"] == 1
    assert any(item["key"] == "care" for item in response.context["shell_nav"])
    client.force_login(world.women_officer)  # no care.view
    assert client.get(reverse("care:care_home", args=[world.union_a.pk])).status_code == 403
