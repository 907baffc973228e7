"""Activities in Chromium: an officer creates one and shows the check-in QR code; a member on a phone signs up
and checks in by opening the code's link."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from gonghui.activities.models import Activity, Participation
from gonghui.members.models import Member

from ..conftest import make_member
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo_bytes() -> bytes:
    image = Image.new("RGB", (320, 200), (200, 60, 60))
    for x in range(0, 320, 40):
        for y in range(200):
            image.putpixel((x, y), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_lets_an_officer_create_an_activity_and_a_member_sign_up_and_check_in_by_qr(
        browser, page, live_server, world, shot):
    member = make_member(world.union_a, "李梅", female=True, group=world.group_a)
    Member.objects.filter(pk=member.pk).update(user=world.member)
    make_member(world.union_a, "王刚")
    zhao = make_member(world.union_a, "赵敏", female=True)

    # the chair creates the activity
    sign_in(page, live_server, world.chair_a)
    page.goto(f"{live_server.url}/activities/node/{world.union_a.pk}/")
    page.get_by_test_id("new-activity").click()
    starts = timezone.localtime() + datetime.timedelta(days=2)
    page.fill("#id_title", "三八节插花活动")
    page.select_option("#id_kind", "festival")
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "教工活动室")
    page.select_option("#id_audience", "women")
    page.fill("#id_capacity", "20")
    page.fill("#id_budget", "800")
    page.fill("#id_description", "请自带剪刀。")
    shot(page, "activities-01-form")
    page.get_by_test_id("activity-form").get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("activity-title")).to_contain_text("三八节插花活动")
    activity = Activity.objects.get(title="三八节插花活动")

    page.set_input_files("#id_file", files=[{"name": "场地.png", "mimeType": "image/png", "buffer": _photo_bytes()}])
    page.fill("#id_caption", "活动场地")
    page.get_by_test_id("upload-form").get_by_role("button", name="上传").click()
    expect(page.get_by_test_id("evidence-photos").locator("img")).to_have_count(1)
    shot(page, "activities-02-detail")

    page.get_by_test_id("qr-link").click()
    expect(page.get_by_test_id("qr-code").locator("svg")).to_be_visible()
    checkin_url = page.get_by_test_id("checkin-url").get_attribute("href")
    assert "/checkin/?t=" in checkin_url
    shot(page, "activities-03-qr")

    # the member, on a phone
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                locale="zh-CN")
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    try:
        sign_in(mobile, live_server, world.member)
        mobile.get_by_role("button", name="菜单").click()
        mobile.locator("#main-nav").get_by_role("link", name="活动").click()
        expect(mobile.get_by_test_id("open-activities")).to_contain_text("三八节插花活动")
        shot(mobile, "activities-04-phone-open-activities")
        mobile.get_by_test_id("open-activities").get_by_role("link", name="三八节插花活动").click()
        mobile.get_by_test_id("sign-up").click()
        expect(mobile.locator(".alert-success")).to_contain_text("您已报名")
        expect(mobile.get_by_test_id("my-signup")).to_contain_text("您已报名")
        shot(mobile, "activities-05-phone-signed-up")
        assert Participation.objects.get(activity=activity, member=member).status == "signed_up"

        mobile.goto(checkin_url)
        expect(mobile.get_by_test_id("checkin-confirm")).to_contain_text("确认在本次活动签到")
        shot(mobile, "activities-06a-phone-confirm-check-in")
        assert Participation.objects.get(activity=activity, member=member).checked_in_at is None
        mobile.get_by_test_id("checkin-button").click()
        expect(mobile.get_by_test_id("checkin-ok")).to_contain_text("签到成功")
        expect(mobile.get_by_test_id("checkin-count")).to_contain_text("1")
        shot(mobile, "activities-06-phone-checked-in")

        # a forged link is refused in plain words
        mobile.goto(checkin_url[:-3] + "abc")
        expect(mobile.get_by_test_id("checkin-refused")).to_contain_text("签到码无效")
        shot(mobile, "activities-07-phone-forged")
    finally:
        phone.close()

    participation = Participation.objects.get(activity=activity, member=member)
    assert participation.checked_in_at is not None and participation.check_in_method == "qr"
    assert Member.objects.get(pk=member.pk).last_active_on == timezone.localdate()

    # the chair sees the list: signed up and checked in
    page.goto(f"{live_server.url}/activities/{activity.pk}/list/")
    expect(page.get_by_test_id("roster-counts")).to_contain_text("已签到 1 人次")
    expect(page.get_by_test_id("roster-table")).to_contain_text("李梅")

    # the chair adds a member who did not sign up and ticks her as come (htmx)
    page.get_by_test_id("add-participant").click()
    expect(page.get_by_test_id("candidates")).not_to_contain_text("王刚")  # the activity is for women
    page.get_by_test_id(f"add-{zhao.pk}").click()
    expect(page.locator(".alert-success")).to_contain_text("赵敏")
    page.goto(f"{live_server.url}/activities/{activity.pk}/list/")
    page.get_by_test_id(f"tick-{zhao.pk}").click()
    expect(page.get_by_test_id("roster-counts")).to_contain_text("已签到 2 人次")
    expect(page.get_by_test_id(f"tick-{zhao.pk}")).to_have_attribute("aria-pressed", "true")
    assert Participation.objects.get(activity=activity, member=zhao).check_in_method == "officer"
    shot(page, "activities-08-roster")
