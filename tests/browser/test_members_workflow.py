"""Member registry in Chromium: find a member by pinyin initials, transfer them, receive them at the new union."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gonghui.members.models import Member, Status

from ..conftest import make_member
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_a_member_by_initials_transfers_them_and_the_new_union_receives_them(
        browser, page, live_server, world, shot):
    for name in ["张三", "李四", "王五", "赵丽华"]:
        make_member(world.union_a, name, group=world.group_a, unit=world.unit_a, mobile="13800138000")
    sign_in(page, live_server, world.chair_a)
    page.get_by_role("link", name="会员").first.click()
    expect(page.get_by_test_id("member-count")).to_contain_text("4")
    page.get_by_test_id("member-search").fill("zlh")
    expect(page.get_by_test_id("member-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("member-table")).to_contain_text("赵丽华")
    shot(page, "members-01-search-by-initials")

    page.get_by_test_id("member-table").get_by_role("link", name="赵丽华").click()
    expect(page.get_by_test_id("member-name")).to_contain_text("赵丽华")
    page.get_by_test_id("membership-actions").get_by_role("link", name="转到其他工会").click()
    page.get_by_label("接收工会（代码）").fill("UB")
    page.get_by_label("原因").fill("调入乙医院工作")
    shot(page, "members-02-transfer-form")
    page.get_by_test_id("confirm-step").click()
    expect(page.get_by_test_id("in-transfer")).to_contain_text("乙医院工会")
    expect(page.get_by_test_id("member-status")).to_have_text("转会中")
    expect(page.get_by_test_id("member-history")).to_contain_text("转出")
    shot(page, "members-03-in-transfer")

    # the receiving union's chair, in their own browser session
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    receiver = other.new_page()
    sign_in(receiver, live_server, world.chair_b)
    receiver.get_by_role("link", name="会员").first.click()
    receiver.get_by_test_id("transfers-link").click()
    expect(receiver.get_by_test_id("incoming-transfers")).to_contain_text("赵丽华")
    shot(receiver, "members-04-transfers-to-receive")
    receiver.get_by_test_id("incoming-transfers").get_by_role("link", name="赵丽华").click()
    receiver.get_by_test_id("membership-actions").get_by_role("link", name="接收到本工会").click()
    receiver.get_by_label("单位").select_option(label="乙医院")
    receiver.get_by_test_id("confirm-step").click()
    expect(receiver.get_by_test_id("member-status")).to_have_text("会员")
    expect(receiver.get_by_test_id("member-history")).to_contain_text("转入")
    shot(receiver, "members-05-received")
    other.close()

    member = Member.objects.get(name="赵丽华")
    assert (member.union, member.status, member.unit) == (world.union_b, Status.ACTIVE, world.unit_b)


def test_it_fits_the_member_list_on_a_phone(browser, live_server, world, shot):
    make_member(world.union_a, "张三")
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    phone = context.new_page()
    sign_in(phone, live_server, world.chair_a)
    phone.goto(f"{live_server.url}/members/{world.union_a.pk}/")
    expect(phone.get_by_test_id("member-table")).to_contain_text("张三")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    shot(phone, "members-06-phone")
    context.close()
