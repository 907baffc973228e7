"""Honours and the activity ledger, clicked in Chromium: a union nominates, the street approves, the honour
roll and the ledger show it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.activities import services as activity_services
from gonghui.activities.models import Honour, HonourStatus

from ..conftest import make_member
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_nominates_approves_and_shows_the_roll_and_the_ledger(page, live_server, world, shot, browser):
    teacher = make_member(world.union_a, "李文", group=world.group_a)
    year = timezone.localdate().year
    sports = activity_services.activity_create(
        actor=None, organiser=world.union_a, title="教工运动会", kind="sports_culture", place="操场",
        starts_at=timezone.make_aware(datetime.datetime(year, 1, 2, 9)), budget=Decimal("3000"),
        actual_cost=Decimal("2750.5"))
    activity_services.signup(actor=None, activity=sports, member=teacher, by_officer=True)
    activity_services.check_in(actor=None, activity=sports, member=teacher, method="officer")

    sign_in(page, live_server, world.chair_a)
    page.goto(f"{live_server.url}/activities/honours/node/{world.union_a.pk}/")
    page.get_by_test_id("nominate-link").click()
    form = page.get_by_test_id("nomination-form")
    form.get_by_label("会员证号").fill(teacher.card_no)
    form.get_by_label("事迹").fill("教学成绩突出，热心工会工作。")
    shot(page, "honours-01-nominate")
    form.get_by_role("button", name="报送推荐").click()
    expect(page.get_by_test_id("honour-facts")).to_contain_text("李文")
    expect(page.get_by_test_id("withdraw-form")).to_be_visible()
    honour = Honour.objects.get()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    street = context.new_page()
    sign_in(street, live_server, world.street_admin)
    street.goto(f"{live_server.url}/activities/honours/node/{world.street_a.pk}/")
    expect(street.get_by_test_id("to-decide")).to_contain_text("李文")
    shot(street, "honours-02-to-decide")
    street.get_by_test_id("to-decide").get_by_role("link", name="审批").click()
    street.get_by_test_id("decision-form").get_by_role("button", name="提交审批意见").click()
    honour.refresh_from_db()
    assert honour.status == HonourStatus.APPROVED

    street.goto(f"{live_server.url}/activities/honours/node/{world.union_a.pk}/roll/")
    expect(street.get_by_test_id(f"roll-{year}")).to_contain_text("李文")
    shot(street, "honours-03-roll")
    street.goto(f"{live_server.url}/activities/ledger/{world.street_a.pk}/")
    expect(street.get_by_test_id("ledger-table")).to_contain_text("教工运动会")
    expect(street.get_by_test_id("ledger-drill")).to_contain_text("甲中学工会")
    shot(street, "honours-04-ledger")
    with street.expect_download() as download:
        street.get_by_test_id("ledger-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    context.close()
