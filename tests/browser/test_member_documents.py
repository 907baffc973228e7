"""Roster export and member cards, clicked as a union chair would in Chromium; the card's QR address opened
by a stranger's phone (a browser with no session)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from gonghui.members.documents.tokens import card_token

from ..conftest import make_member
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_it_exports_the_chosen_columns_and_prints_a_card_that_verifies(page, browser, live_server, world, shot,
                                                                        tmp_path):
    zhang = make_member(world.union_a, "张三", mobile="13812345678")
    make_member(world.union_a, "李四", employment_type="migrant")
    sign_in(page, live_server, world.chair_a)

    page.goto(f"{live_server.url}/members/export/{world.union_a.pk}/?employment_type=migrant")
    form = page.get_by_test_id("export-form")
    expect(form.get_by_test_id("export-summary")).to_contain_text("本次导出 1 人")
    expect(form.get_by_test_id("export-summary")).to_contain_text("农民工")
    for label in ["性别", "民族", "出生日期", "学历", "政治面貌", "新就业形态", "一线职工", "岗位", "单位", "工会小组"]:
        form.get_by_label(label, exact=True).uncheck()
    form.get_by_label("身份证号、手机号导出明文", exact=False).uncheck()
    shot(page, "documents-01-export-form")
    with page.expect_download() as download:
        form.get_by_test_id("export-submit").click()
    path = tmp_path / "roster.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(path).active
    assert [cell.value for cell in sheet[3]] == ["会员证号", "姓名", "身份证号", "手机号", "用工形式", "所属工会",
                                                 "入会时间", "会籍状态"]
    row = [cell.value for cell in sheet[4]]
    assert row[1] == "李四" and "********" in row[2] and row[3] is None and row[4] == "农民工"
    assert sheet.max_row == 4

    page.goto(f"{live_server.url}/members/cards/{zhang.pk}/")
    page.wait_for_timeout(1500)  # the PDF viewer draws the page
    shot(page, "documents-02-card-pdf")

    stranger = browser.new_context(locale="zh-CN").new_page()
    stranger.goto(f"{live_server.url}/members/verify/{card_token(zhang)}/")
    expect(stranger.get_by_test_id("card-verdict")).to_have_text("有效会员证")
    expect(stranger.get_by_test_id("card-name")).to_have_text("张*")
    expect(stranger.get_by_test_id("card-no")).to_have_text(zhang.card_no)
    shot(stranger, "documents-03-card-valid")
    stranger.goto(f"{live_server.url}/members/verify/{card_token(zhang)[:-2]}xx/")
    expect(stranger.get_by_test_id("card-verdict")).to_have_text("无效的会员证")
    shot(stranger, "documents-04-card-forged")
    stranger.context.close()
