"""The plan's year clicked through in Chromium (issue 5, Tests): a school union's chair drafts the year's plan
from the school template with the suggested items, attaches an activity to an item as its evidence and sees
the progress move, submits the plan; the street federation returns it with a comment; the chair reads the
comment and submits again; the street accepts it; the chair drafts the year's summary and downloads it as
a Word document."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from gonghui.activities.models import Activity, ActivityStatus
from gonghui.plans.models import Plan, ReviewEvent, ReviewStatus, Summary

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    sign_in(page, live_server, user)
    return page


def _overall(page) -> str:
    return page.get_by_test_id("plan-progress").inner_text()


def test_it_drafts_carries_out_submits_returns_resubmits_and_summarises_a_plan(browser, live_server, world, shot):
    year = timezone.localdate().year
    # the health check the women's committee held in May, recorded as an activity of the union
    check_day = datetime.date(year, 5, 20)
    activity = Activity.objects.create(
        organiser=world.union_a, path=world.union_a.path, title="女职工两癌筛查", kind="other",
        starts_at=timezone.make_aware(datetime.datetime.combine(check_day, datetime.time(9))),
        status=ActivityStatus.FINISHED, attended_count=40)

    # the chair drafts the plan from the school template (suggested for a union covering a school)
    page = _as(browser, live_server, world.chair_a)
    page.get_by_role("link", name="工作计划").first.click()
    page.get_by_test_id("plan-new").click()
    page.locator("#id_year").fill(str(year))
    page.locator("#id_year").press("Tab")  # the suggested items are listed again for the year typed
    expect(page.locator("#plan-create-choices")).to_contain_text(f"召开{year}年教职工代表大会")
    page.get_by_test_id("plan-start-template").check()
    expect(page.get_by_test_id("plan-template")).to_have_value("school")
    expect(page.get_by_test_id("plan-template").locator("option:checked")).to_contain_text("学校")
    shot(page, "plans-01-create")
    page.get_by_test_id("plan-create-save").click()
    expect(page.get_by_test_id("plan-title")).to_contain_text(f"{year}年")
    plan = Plan.objects.get(node=world.union_a, year=year)
    assert plan.template == "school" and plan.items.filter(title="召开教职工代表大会").exists()
    # the suggestion of the rules: a school of 125 staff holds its 教代会 (checked by default)
    assert plan.items.exclude(suggestion_key="").exists()
    expect(page.get_by_test_id("plan-section")).to_have_count(9)
    expect(page.get_by_test_id("plan-indicators")).to_contain_text("入会率")
    before = _overall(page)
    shot(page, "plans-02-plan")

    # the women's health check item is overdue (May has passed) until the activity is attached to it
    item = plan.items.get(title="组织女职工健康体检")
    row = page.locator(f"[data-testid=item-progress][data-item='{item.pk}']")
    expect(row).to_contain_text("逾期")
    row.get_by_role("link", name="台账").click()
    page.get_by_role("link", name="关联记录").click()
    page.locator("#id_source").select_option("activities.activity")
    candidates = page.get_by_test_id("candidates")
    expect(candidates).to_contain_text("女职工两癌筛查")
    candidates.locator("tr", has_text="女职工两癌筛查").get_by_role("button", name="关联").click()
    expect(page.get_by_test_id("occurrences")).to_contain_text("女职工两癌筛查")
    shot(page, "plans-03-evidence")
    assert item.links.get().object_id == activity.pk
    page.locator(f"a.btn[href='{reverse('plans:plan_detail', args=[plan.pk])}']").click()  # back to the plan
    row = page.locator(f"[data-testid=item-progress][data-item='{item.pk}']")
    expect(row).to_contain_text("已完成")
    assert _overall(page) != before

    # submit to the street federation
    panel = page.get_by_test_id("review-panel")
    panel.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("review-status")).to_have_text("已报送")
    shot(page, "plans-04-submitted")

    # the street federation finds it in its queue and returns it with a comment
    street = _as(browser, live_server, world.street_admin)
    street.goto(f"{live_server.url}/orgs/{world.street_a.pk}/")
    street.get_by_test_id("submissions-link").click()
    queue = street.get_by_test_id("review-queue")
    expect(queue).to_contain_text(plan.title)
    queue.get_by_role("link", name=plan.title).click()
    street.locator(f"#review-comment-{plan.pk}").fill("请补充青年教师培训的具体措施和时间安排。")
    street.get_by_role("button", name="退回修改").click()
    expect(street.get_by_test_id("review-status")).to_have_text("已退回修改")
    shot(street, "plans-05-returned")

    # the chair reads the comment, and can change the plan again before submitting it again
    page.reload()
    expect(page.get_by_test_id("review-panel")).to_contain_text("请补充青年教师培训的具体措施和时间安排。")
    expect(page.get_by_test_id("item-add").first).to_be_visible()
    page.get_by_test_id("review-panel").get_by_role("button", name="重新报送").click()
    expect(page.get_by_test_id("review-status")).to_have_text("已报送")
    shot(page, "plans-06-resubmitted")

    # the street accepts it
    street.reload()
    street.get_by_role("button", name="通过").click()
    expect(street.get_by_test_id("review-status")).to_have_text("已通过")
    plan.refresh_from_db()
    assert plan.status == ReviewStatus.ACCEPTED
    assert list(ReviewEvent.objects.filter(plan=plan).values_list("action", flat=True)) == [
        "submitted", "returned", "submitted", "accepted"]

    # the chair drafts the year's summary from the records and downloads it
    page.goto(f"{live_server.url}/orgs/{world.union_a.pk}/")
    page.get_by_test_id("summaries-link").click()
    page.get_by_test_id("summary-new").click()
    page.locator("#id_year").select_option(str(year))
    page.get_by_test_id("summary-create").click()
    document = page.get_by_test_id("summary-document")
    expect(document).to_contain_text("基本情况")
    expect(document).to_contain_text("组织女职工健康体检")  # the item carried out, with its record
    # the officer rewrites the culture section in place (its key holds a dot: work.culture)
    culture = document.locator("[data-testid=summary-section]", has_text="文体活动").last
    culture.get_by_test_id("section-edit").click()
    form = page.get_by_test_id("section-form")
    form.locator("textarea").fill("全年组织教职工文体活动，参与面广，反响良好。")
    form.get_by_test_id("section-save").click()
    expect(document).to_contain_text("全年组织教职工文体活动，参与面广，反响良好。")
    shot(page, "plans-07-summary")
    with page.expect_download() as info:
        page.get_by_test_id("summary-export").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(Path(download.path()).read_bytes())).paragraphs)
    assert "甲中学工会" in text and "基本情况" in text and "存在的问题" in text
    assert "全年组织教职工文体活动，参与面广，反响良好。" in text
    assert Summary.objects.get(node=world.union_a, year=year).status == ReviewStatus.DRAFT
