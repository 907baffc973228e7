"""Roster import, clicked as a union chair would in Chromium: upload a roster with errors, read the preview,
download the error workbook, import the valid rows, see the counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from gonghui.members.models import Member

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = Path(__file__).resolve().parents[1] / "fixtures" / "rosters" / "01_标题行_序号_小计_页脚.xlsx"


def test_it_previews_a_roster_with_errors_then_imports_the_valid_rows(page, live_server, world, shot, tmp_path):
    sign_in(page, live_server, world.chair_a)
    page.goto(f"{live_server.url}/members/imports/{world.union_a.pk}/new/")
    expect(page.get_by_role("heading", name="向 甲中学工会 导入会员花名册")).to_be_visible()
    shot(page, "import-01-upload")

    page.get_by_label("花名册文件").set_input_files(str(ROSTER))
    page.get_by_role("button", name="上传并检查").click()

    summary = page.get_by_test_id("import-summary")
    expect(summary.get_by_test_id("count-rows")).to_have_text("22")
    expect(summary.get_by_test_id("count-created")).to_have_text("18")
    expect(summary.get_by_test_id("count-rejected")).to_have_text("4")
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("3.20506E+17")
    expect(problems).to_contain_text("校验位")
    expect(problems).to_contain_text("姓名为空")
    row_nine = problems.locator("tr", has_text="3.20506E+17")
    expect(row_nine.locator("td").first).to_have_text("9")
    assert Member.objects.count() == 0
    shot(page, "import-02-preview")

    with page.expect_download() as download_info:
        page.get_by_test_id("error-workbook").click()
    saved = tmp_path / "errors.xlsx"
    download_info.value.save_as(saved)
    sheet = load_workbook(saved).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "错误原因"
    assert [row[0] for row in rows[1:]] == [9, 16, 20, 23]
    assert all(row[-1] for row in rows[1:])

    page.get_by_role("button", name="导入有效行").click()
    done = page.get_by_test_id("import-done")
    expect(done).to_contain_text("新增 18 名会员")
    expect(done).to_contain_text("4 行未导入")
    expect(page.get_by_test_id("count-created")).to_have_text("18")
    assert Member.objects.filter(union=world.union_a).count() == 18
    shot(page, "import-03-done")
