"""The year section of the node dashboard on the demo data: the federation admin opens the street
federation's statistics, sees last year's and this year's charts drawn, and switches the year."""

import datetime

import pytest
from playwright.sync_api import expect

from gonghui.accounts.models import User
from gonghui.demo.seed import build_demo
from gonghui.orgs.models import OrgNode

from .conftest import sign_in


@pytest.mark.django_db(transaction=True)
def test_the_street_admin_reads_the_year_charts_of_the_demo(live_server, page, shot):
    build_demo()
    today = datetime.date.today()
    street = OrgNode.objects.get(code="HBJD")
    sign_in(page, live_server, User.objects.get(username="street_admin"))
    page.goto(f"{live_server.url}/orgs/{street.pk}/stats/")
    section = page.get_by_test_id("stats-year")
    expect(section).to_contain_text(f"{today.year}年活动与帮扶关爱")
    for chart in ("activities", "assistance", "visits", "hardship"):
        # ECharts draws into a canvas inside the chart's element
        expect(page.locator(f"#chart-year-{chart} canvas")).to_have_count(1)
    expect(page.get_by_test_id("stats-year-activities")).to_contain_text("文体活动")
    expect(page.get_by_test_id("stats-year-hardship")).to_contain_text("相对困难")
    section.scroll_into_view_if_needed()
    shot(page, "year_stats_this_year")

    page.get_by_label("年度").select_option(str(today.year - 1))
    page.get_by_role("button", name="显示").click()
    expect(section).to_contain_text(f"{today.year - 1}年活动与帮扶关爱")
    assert f"year={today.year - 1}" in page.url
    expect(page.get_by_test_id("stats-year-honours")).to_contain_text("优秀工会会员")
    expect(page.locator("#chart-year-assistance canvas")).to_have_count(1)
    shot(page, "year_stats_last_year")
