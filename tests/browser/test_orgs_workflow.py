"""Main organisation workflow, clicked as a person would in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gonghui.orgs.models import Unit

from ..conftest import make_member
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_it_drills_down_the_tree_and_adds_a_unit_after_fixing_a_wrong_credit_code(page, live_server, world, shot):
    for index in range(30):  # 30 members: the union now needs a committee of 3 to 5 (工会法 §11)
        make_member(world.union_a, f"会员{index}", female=index % 2 == 0)
    sign_in(page, live_server, world.district_admin)
    expect(page.get_by_test_id("node-name")).to_have_text("区总工会")
    shot(page, "01-county")

    page.get_by_test_id("children-table").get_by_role("link", name="甲街道总工会").click()
    expect(page.get_by_test_id("node-name")).to_have_text("甲街道总工会")
    page.get_by_test_id("children-table").get_by_role("link", name="甲中学工会").click()
    expect(page.get_by_test_id("node-name")).to_have_text("甲中学工会")
    crumbs = page.get_by_test_id("breadcrumbs")
    expect(crumbs).to_contain_text("区总工会")
    expect(crumbs).to_contain_text("甲街道总工会")
    expect(page.get_by_test_id("findings")).to_contain_text("依据")
    shot(page, "02-grassroots-union")

    crumbs.get_by_role("link", name="甲街道总工会").click()
    expect(page.get_by_test_id("node-name")).to_have_text("甲街道总工会")
    page.get_by_role("link", name="单位").last.click()
    expect(page.get_by_test_id("unit-table")).to_contain_text("甲中学")
    page.get_by_role("link", name="新增单位").click()

    form = page.get_by_test_id("unit-form")
    form.get_by_label("名称", exact=False).first.fill("湖畔面馆")
    form.get_by_label("统一社会信用代码").fill("91310000132149237A")
    form.get_by_label("单位类型").select_option(label="企业")
    form.get_by_label("经济类型").select_option(label="私营")
    form.get_by_label("所属行业").select_option(label="住宿和餐饮业")
    form.get_by_label("职工人数", exact=False).first.fill("28")
    form.get_by_label("女职工人数").fill("15")
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("统一社会信用代码的校验位（第18位）不符")
    assert not Unit.objects.filter(name="湖畔面馆").exists()
    shot(page, "03-unit-wrong-credit-code")

    form.get_by_label("统一社会信用代码").fill("91310000132149237G")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("unit-name")).to_have_text("湖畔面馆")
    expect(page.locator("main")).to_contain_text("91310000132149237G")
    expect(page.locator("main")).to_contain_text("未建会")
    shot(page, "04-unit-saved")
    assert Unit.objects.get(name="湖畔面馆").area_node == world.street_a


def test_it_searches_children_in_place_with_htmx(page, live_server, world):
    sign_in(page, live_server, world.district_admin)
    page.get_by_placeholder("搜索名称或代码").fill("乙")
    expect(page.get_by_test_id("children-table")).not_to_contain_text("甲街道总工会")
    expect(page.get_by_test_id("children-table")).to_contain_text("乙街道总工会")
    assert re.search(r"q=%E4%B9%99|q=乙", page.url)


def test_it_is_usable_at_phone_width(browser, live_server, world, shot):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server, world.chair_a)
    expect(page.get_by_test_id("node-name")).to_have_text("甲中学工会")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    shot(page, "05-phone-union")
    context.close()


def test_it_shows_the_outsider_a_chinese_404(page, live_server, world, shot):
    sign_in(page, live_server, world.chair_b)
    expect(page.get_by_test_id("node-name")).to_have_text("乙医院工会")
    page.goto(f"{live_server.url}/orgs/{world.union_a.pk}/")
    expect(page.get_by_role("heading")).to_contain_text("页面不存在")
    shot(page, "06-outsider-404")


def test_it_grants_a_role_then_finds_it_in_the_audit_log(page, live_server, world, shot):
    sign_in(page, live_server, world.street_admin)
    expect(page.get_by_test_id("node-name")).to_have_text("甲街道总工会")
    page.get_by_role("link", name="账号与角色").click()
    expect(page.get_by_test_id("role-table")).to_contain_text("甲主席")
    form = page.get_by_test_id("grant-form")
    form.get_by_label("用户名").fill("zhaomin")
    form.get_by_label("姓名").fill("赵敏")
    form.get_by_label("初始密码").fill("Lakeside-2026z")
    form.get_by_label("角色").select_option(label="工会干事")
    form.get_by_label("授权的组织（代码）").fill("UA")
    form.get_by_role("button", name="授予").click()
    expect(page.locator(".alert-success")).to_contain_text("已授予赵敏在甲中学工会的“工会干事”角色")
    expect(page.get_by_test_id("role-table")).to_contain_text("zhaomin")
    shot(page, "07-roles-granted")

    page.get_by_role("link", name="操作日志").click()
    page.get_by_label("操作", exact=True).select_option(label="授予角色")
    expect(page.get_by_test_id("audit-table")).to_contain_text("甲街道管理员")
    expect(page.get_by_test_id("audit-table")).to_contain_text("工会干事")
    expect(page.get_by_test_id("audit-table")).not_to_contain_text("乙主席")
    shot(page, "08-audit-log")


def test_it_opens_the_coverage_dashboard_and_drills_down_by_clicking_a_bar(page, live_server, world, shot):
    from ..conftest import make_member

    for index in range(3):
        make_member(world.union_a, f"甲会员{index}", female=index == 0)
    make_member(world.joint_a, "联合会员", employment_type="migrant")
    sign_in(page, live_server, world.district_admin)
    page.get_by_test_id("children-table").get_by_role("link", name="甲街道总工会").click()
    page.get_by_test_id("stats-link").click()
    expect(page.get_by_test_id("stats-title")).to_contain_text("甲街道总工会")
    expect(page.locator('[data-figure="members"]')).to_have_text("4")
    expect(page.locator("#chart-status canvas")).to_have_count(1)
    expect(page.locator("#chart-children canvas")).to_have_count(1)
    shot(page, "coverage-dashboard")

    # the first bar of the first series is 甲中学工会's: click it on the canvas
    x, y = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chart-children'));
        const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0, 50]);
        const box = document.getElementById('chart-children').getBoundingClientRect();
        return [box.left + x, box.top + y];
    }""")
    page.mouse.click(x, y)
    expect(page.get_by_test_id("stats-title")).to_contain_text("甲中学工会")
    expect(page.locator('[data-figure="members"]')).to_have_text("3")
    page.get_by_test_id("stats-up").click()
    expect(page.get_by_test_id("stats-title")).to_contain_text("甲街道总工会")
