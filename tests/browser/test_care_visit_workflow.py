"""走访慰问, clicked as a union chair would in Chromium: a member reported in hospital is on the due list, the
chair records the hospital visit with a gift, the member leaves the due list, and the visit is in the ledger."""

from __future__ import annotations

import base64
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.care.models import Assistance, CareBudget, CareNotice, Visit
from gonghui.care.visits import services as visits

from ..conftest import make_member
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# a 1×1 PNG, so that the browser draws the thumbnail
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
                       "AAAABJRU5ErkJggg==")


def test_it_records_a_hospital_visit_with_a_gift_and_clears_the_due_list(page, live_server, world, shot):
    today = timezone.localdate()
    CareBudget.objects.create(node=world.union_a, path=world.union_a.path, year=today.year, amount=Decimal("20000"))
    patient = make_member(world.union_a, "陈建国", group=world.group_a)
    make_member(world.union_a, "刘洋")
    visits.notice_create(actor=world.chair_a, node=world.union_a, member=patient, reason="illness",
                         since=today - datetime.timedelta(days=2), note="肺炎")

    sign_in(page, live_server, world.chair_a)
    page.goto(f"{live_server.url}/care/nodes/{world.union_a.pk}/visits/due/")
    notices = page.get_by_test_id("notice-table")
    expect(notices).to_contain_text("陈建国")
    expect(notices).to_contain_text("生病住院")
    expect(notices).not_to_contain_text("刘洋")
    shot(page, "care-visit-01-due")

    notices.locator("tr", has_text="陈建国").get_by_test_id("notice-visit").click()
    expect(page.get_by_test_id("visit-member")).to_contain_text("陈建国")
    expect(page.locator("#id_case")).to_have_value("肺炎")
    page.locator("#id_visitors").fill("林晓梅、王老师")
    page.locator("#id_place").fill("市一院")
    page.locator("#id_gift").fill("慰问金、水果")
    page.locator("#id_gift_value").fill("2500")
    page.locator("#id_form").select_option("cash")
    page.get_by_test_id("visit-save").click()
    # above the 2,000 yuan cap: refused on the form, with the rule and its source, and nothing stored
    expect(page.locator("#id_gift_value_error")).to_contain_text("2,000.00")
    expect(page.locator("body")).to_contain_text("安徽省总工会")
    assert Visit.objects.count() == 0
    shot(page, "care-visit-02-refused-above-cap")

    page.locator("#id_gift_value").fill("800")
    page.get_by_test_id("visit-save").click()
    expect(page.locator(".alert-success")).to_contain_text("陈建国")
    expect(page.get_by_test_id("notice-table")).not_to_contain_text("陈建国")
    shot(page, "care-visit-03-due-cleared")

    visit = Visit.objects.get()
    assert visit.assistance.amount == Decimal("800") and visit.assistance.kind == "illness"
    assert CareNotice.objects.get().resolved_on == today
    assert Assistance.objects.count() == 1

    page.goto(f"{live_server.url}/care/nodes/{world.union_a.pk}/visits/")
    expect(page.get_by_test_id("visit-table")).to_contain_text("陈建国")
    # the visit's own page keeps its photo as evidence
    page.get_by_test_id("visit-table").get_by_role("link").first.click()
    expect(page.get_by_test_id("visit-facts")).to_contain_text("市一院")
    page.locator("#id_file").set_input_files(files=[{"name": "慰问合影.png", "mimeType": "image/png",
                                                      "buffer": PNG}])
    page.locator("#evidence").get_by_role("button", name="上传").click()
    expect(page.get_by_test_id("evidence-photos").locator("img")).to_have_count(1)
    shot(page, "care-visit-03b-photo")
    page.goto(f"{live_server.url}/care/nodes/{world.union_a.pk}/visits/ledger/")
    expect(page.get_by_test_id("ledger")).to_contain_text("800.00")
    expect(page.get_by_test_id("ledger")).to_contain_text("市一院")
    shot(page, "care-visit-04-ledger")
    with page.expect_download() as download:
        page.get_by_test_id("ledger-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_it_runs_a_songqingliang_campaign_from_selection_to_gift(page, live_server, world, shot):
    today = timezone.localdate()
    CareBudget.objects.create(node=world.union_a, path=world.union_a.path, year=today.year, amount=Decimal("20000"))
    make_member(world.union_a, "高温一线", is_front_line=True)
    make_member(world.union_a, "办公室")

    sign_in(page, live_server, world.chair_a)
    page.goto(f"{live_server.url}/care/nodes/{world.union_a.pk}/campaigns/new/")
    page.locator("#id_kind").select_option("warmth")
    page.locator("#id_year").fill("2095")
    page.get_by_test_id("campaign-save").click()
    expect(page.locator("#id_starts_on_error")).to_contain_text("2095")  # no holiday data: enter the dates
    page.locator("#id_kind").select_option("coolness")
    page.locator("#id_year").fill(str(today.year))
    page.locator("#id_starts_on").fill(today.replace(day=1).isoformat())
    page.locator("#id_ends_on").fill(today.isoformat())
    page.locator("#id_front_line").check()
    page.locator("#id_amount_per_person").fill("300")
    page.get_by_test_id("campaign-save").click()
    page.get_by_test_id("campaign-select").click()
    table = page.get_by_test_id("recipient-table")
    expect(table).to_contain_text("高温一线")
    expect(table).not_to_contain_text("办公室")
    table.locator("tr", has_text="高温一线").locator("select[name=form]").select_option("goods")
    table.locator("tr", has_text="高温一线").get_by_test_id("recipient-give").click()
    expect(page.locator(".alert-success")).to_contain_text("高温一线")
    expect(page.get_by_test_id("campaign-progress")).to_contain_text("1")
    expect(page.get_by_test_id("campaign-total")).to_contain_text("300.00")
    shot(page, "care-campaign-01-given")
    assert Assistance.objects.get().kind == "coolness"
