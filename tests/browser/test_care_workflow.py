"""困难职工档案 and 帮扶救助 clicked through in Chromium by the people who do each step: a union officer files a
hardship case, the union chair approves it (and cannot give the upper approval), the street federation admin
approves it, the officer requests assistance, the chair approves it, the finance officer pays it, and the
帮扶台账 is downloaded as .xlsx."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from gonghui.accounts.models import Role
from gonghui.care.hardship import services as hardship
from gonghui.care.models import Assistance, HardshipFile

from ..conftest import make_member, make_user
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, user)
    return page


def test_it_files_approves_and_pays_assistance_and_downloads_the_ledger(browser, live_server, world, shot):
    today = timezone.localdate()
    hardship.standard_create(actor=None, node=world.county, monthly_amount=Decimal("800"),
                             effective_from=today.replace(month=1, day=1), source="区民〔2025〕3号")
    hardship.budget_create(actor=None, node=world.union_a, year=today.year, kind="", amount=Decimal("30000"))
    member = make_member(world.union_a, "李秀兰", female=True, group=world.group_a)
    officer = make_user("officer_a", Role.UNION_OFFICER, world.union_a, "甲干事")
    finance = make_user("finance_a", Role.FINANCE_OFFICER, world.union_a, "甲财务")
    base = live_server.url

    # the officer files the case
    page = _as(browser, live_server, officer)
    page.get_by_role("link", name="帮扶关爱").click()
    expect(page.get_by_test_id("hardship-counts")).to_be_visible()
    page.get_by_test_id("file-hardship").click()
    page.locator("#id_member").select_option(str(member.pk))
    page.locator("#id_cause").select_option("illness")
    page.locator("#id_household").fill("本人, 46, 乳腺癌术后, 保洁员\n配偶, 48, 健康, 无业\n子女, 16, 健康, 学生")
    page.locator("#id_annual_income").fill("60000")
    page.locator("#id_hardship_spending").fill("0")
    page.get_by_test_id("save").click()
    # 60000 ÷ 12 ÷ 3 = 1,666.67 > 1,600: refused with the figures and the standard named
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_contain_text("1,666.67")
    expect(page.locator("body")).to_contain_text("区民〔2025〕3号")
    assert not HardshipFile.objects.exists()
    shot(page, "care-01-hardship-refused")
    page.locator("#id_hardship_spending").fill("36000")
    page.locator("#id_cause_text").fill("本人术后化疗，配偶失业")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("file-status")).to_have_text("建档中")
    expect(page.get_by_test_id("file-category")).to_have_text("深度困难")
    expect(page.get_by_test_id("hardship-details")).to_contain_text("****")
    expect(page.get_by_test_id("hardship-details")).not_to_contain_text("乳腺癌")
    shot(page, "care-02-hardship-filed")
    file = HardshipFile.objects.get()

    # the union chair approves for the union, and is not offered the upper approval
    chair = _as(browser, live_server, world.chair_a)
    chair.goto(f"{base}/care/hardship/{file.pk}/")
    chair.get_by_test_id("union-approve").click()
    expect(chair.get_by_test_id("file-status")).to_contain_text("待上级工会审批")
    expect(chair.get_by_test_id("upper-approve")).to_have_count(0)
    chair.get_by_test_id("reveal").click()
    expect(chair.get_by_test_id("hardship-details")).to_contain_text("乳腺癌术后")
    shot(chair, "care-03-union-approved-revealed")

    # the street federation admin approves for the union above
    street = _as(browser, live_server, world.street_admin)
    street.goto(f"{base}/care/hardship/{file.pk}/")
    street.get_by_test_id("upper-approve").click()
    expect(street.get_by_test_id("file-status")).to_have_text("在档")
    expect(street.get_by_test_id("file-history")).to_contain_text("上级工会审批通过")
    shot(street, "care-04-approved-above")

    # the officer requests living assistance: the file is linked by itself
    page.goto(f"{base}/care/{world.union_a.pk}/assistance/new/")
    page.locator("#id_member").select_option(str(member.pk))
    page.locator("#id_kind").select_option("living")
    page.locator("#id_amount").fill("2500")
    page.locator("#id_reason").fill("化疗费用")
    page.get_by_test_id("save").click()
    expect(page.locator("#id_amount_error")).to_contain_text("2,000.00")
    shot(page, "care-05-assistance-above-cap")
    page.locator("#id_amount").fill("1800")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("assistance-status")).to_have_text("已申请")
    record = Assistance.objects.get()
    assert record.hardship_file == file

    # the chair approves, the finance officer pays
    chair.goto(f"{base}/care/assistance/{record.pk}/")
    chair.get_by_test_id("approve").click()
    expect(chair.get_by_test_id("assistance-status")).to_have_text("批准")
    money = _as(browser, live_server, finance)
    money.goto(f"{base}/care/assistance/{record.pk}/")
    money.locator("input[name=payment_ref]").fill("YH-20250101-7")
    money.get_by_test_id("pay").click()
    expect(money.get_by_test_id("assistance-status")).to_contain_text("已发放")
    expect(money.get_by_test_id("pay")).to_have_count(0)
    shot(money, "care-06-paid")

    # the chair keeps the signed list with the payment, as its evidence
    chair.goto(f"{base}/care/assistance/{record.pk}/")
    chair.locator("#id_file").set_input_files(files=[{"name": "签收单.pdf", "mimeType": "application/pdf",
                                                       "buffer": b"%PDF-1.4 signed list"}])
    chair.locator("#id_caption").fill("受助人签收单")
    chair.locator("#evidence").get_by_role("button", name="上传").click()
    expect(chair.get_by_test_id("evidence-documents")).to_contain_text("签收单.pdf")
    shot(chair, "care-06b-evidence")

    # the street admin opens the 帮扶台账 and downloads it
    street.goto(f"{base}/care/{world.street_a.pk}/")
    street.get_by_test_id("ledger-link").click()
    expect(street.locator(".ledger-table")).to_contain_text("李**")
    expect(street.get_by_test_id("drill-down")).to_contain_text("甲中学工会")
    shot(street, "care-07-ledger")
    with street.expect_download() as download_info:
        street.get_by_test_id("ledger-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "帮扶台账" in download.suggested_filename
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "帮扶台账"
    assert rows[3][2] == "李**" and rows[3][5] == 1800 and rows[3][9] == "深度困难"
    assert rows[4][0] == "合计" and rows[4][5] == 1800
    for view in (page, chair, street, money):
        view.context.close()
