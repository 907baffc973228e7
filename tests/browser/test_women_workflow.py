"""女职工 records, clicked as the women's officer would in Chromium."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.members.models import WomenRecord
from gonghui.members.women import rules
from gonghui.members.women import services as women

from ..conftest import make_member
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_records_a_pregnancy_and_a_check_and_shows_the_leave_dates(page, live_server, world, shot):
    today = timezone.localdate()
    fang = make_member(world.union_a, "李芳", female=True, birth_year=1993)
    make_member(world.union_a, "赵敏", female=True, group=world.group_a)
    nursing = make_member(world.union_a, "周琳", female=True)
    women.women_record_update(actor=None, member=nursing, stage="nursing",
                              birth_date=today - datetime.timedelta(days=150),
                              last_gynaecological_check=today - datetime.timedelta(days=30))
    make_member(world.union_a, "王刚", female=False)

    sign_in(page, live_server, world.women_officer)
    page.goto(f"{live_server.url}/members/women/{world.union_a.pk}/")
    table = page.get_by_test_id("women-table")
    expect(table).to_contain_text("李芳")
    expect(table).to_contain_text("周琳")
    expect(table).not_to_contain_text("王刚")
    expect(page.get_by_test_id("women-sources")).to_contain_text("女职工劳动保护特别规定")
    shot(page, "women-01-list")

    page.get_by_test_id("tab-gynaecological").click()
    expect(table).to_contain_text("赵敏")
    expect(page.get_by_test_id("women-table")).not_to_contain_text("周琳")  # checked a month ago
    page.locator("tr", has_text="李芳").get_by_test_id("check-done").click()
    expect(page.locator(".alert-success")).to_contain_text("李芳")
    expect(page.get_by_test_id("women-table")).not_to_contain_text("李芳")
    assert WomenRecord.objects.get(member=fang).last_gynaecological_check == today
    shot(page, "women-02-gynaecological-due")

    page.get_by_test_id("tab-leave").click()
    expect(page.get_by_test_id("women-table")).to_contain_text("周琳")
    expect(page.get_by_test_id("women-table")).not_to_contain_text("赵敏")

    page.get_by_test_id("women-table").get_by_role("link", name="周琳").click()
    expect(page.get_by_test_id("nursing")).to_contain_text(rules.nursing_period_end(
        today - datetime.timedelta(days=150)).isoformat())
    expect(page.get_by_test_id("nursing")).to_contain_text("每天哺乳时间1小时")
    shot(page, "women-03-nursing-record")

    page.goto(f"{live_server.url}/members/women/member/{fang.pk}/")
    page.get_by_test_id("edit-record").click()
    page.get_by_label("当前所处时期（五期）").select_option(label="孕期")
    page.get_by_label("预产期").fill((today - datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("预产期")
    shot(page, "women-04-due-date-in-the-past")

    due = today + datetime.timedelta(days=100)
    page.get_by_label("预产期").fill(due.isoformat())
    page.get_by_role("button", name="保存").click()
    leave = rules.maternity_leave(expected_due_date=due)
    expect(page.get_by_test_id("leave")).to_contain_text(leave.start.isoformat())
    expect(page.get_by_test_id("leave")).to_contain_text(leave.end.isoformat())
    expect(page.get_by_test_id("leave")).to_contain_text("98")
    expect(page.get_by_test_id("no-overtime")).to_contain_text(rules.no_overtime_from(due).isoformat())
    expect(page.get_by_test_id("checks").locator("[data-check=gynaecological]")).to_contain_text(today.isoformat())
    shot(page, "women-05-record")

    page.get_by_test_id("record-general").click()
    expect(page.locator(".alert-success")).to_contain_text("健康体检")
    assert WomenRecord.objects.get(member=fang).last_general_check == today

    page.goto(f"{live_server.url}/members/women/{world.union_a.pk}/")
    page.get_by_test_id("stage-filter").select_option(label="孕期")
    expect(page.get_by_test_id("women-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("women-table")).to_contain_text("李芳")
    shot(page, "women-06-stage-filter")
