"""Activities (issue 4 §1–3): the services (capacity, waiting list, audience, counts), the QR check-in and the
pages of officers and members."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import TimestampSigner
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.activities import checkin, selectors, services
from gonghui.activities.models import Activity, CheckInMethod, CompetitionEntry, Participation
from gonghui.core.models import Attachment, AuditEntry
from gonghui.members.models import EmploymentType, Member, RetainReason, Status

from .conftest import make_member, make_user

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _activity(organiser, actor=None, **fields) -> Activity:
    values = {"title": "羽毛球比赛", "kind": "sports_culture", "starts_at": timezone.now() + datetime.timedelta(days=7),
              "place": "体育馆"}
    values.update(fields)
    return services.activity_create(actor=actor, organiser=organiser, **values)


def _refresh(activity: Activity) -> Activity:
    return Activity.objects.get(pk=activity.pk)


@pytest.fixture
def people(world):
    """Members of union A: a woman in group A (linked to the member persona's account), a man, a retiree."""
    woman = make_member(world.union_a, "李梅", female=True, group=world.group_a)
    Member.objects.filter(pk=woman.pk).update(user=world.member)
    woman.refresh_from_db()
    man = make_member(world.union_a, "王刚")
    retiree = make_member(world.union_a, "赵退休", birth_year=1958, employment_type=EmploymentType.RETIRED)
    return {"woman": woman, "man": man, "retiree": retiree}


# ---- services ---------------------------------------------------------------------------------------------

def test_it_puts_sign_ups_beyond_capacity_on_the_waiting_list_and_promotes_the_first(world, people):
    activity = _activity(world.union_a, world.chair_a, capacity=1)
    first = services.signup(actor=None, activity=activity, member=people["woman"])
    second = services.signup(actor=None, activity=activity, member=people["man"])
    third = services.signup(actor=world.chair_a, activity=activity, member=people["retiree"], by_officer=True)
    assert (first.status, second.status, third.status) == ("signed_up", "waiting", "waiting")
    activity = _refresh(activity)
    assert (activity.signed_up_count, activity.waiting_count) == (1, 2)

    promoted = services.cancel_participation(actor=None, participation=first)
    assert [p.member_id for p in promoted] == [people["man"].pk]  # first come, first served
    activity = _refresh(activity)
    assert (activity.signed_up_count, activity.waiting_count) == (1, 1)
    assert Participation.objects.get(pk=third.pk).status == "waiting"
    assert Participation.objects.get(pk=first.pk).status == "cancelled"


def test_it_promotes_the_waiting_list_when_places_are_added(world, people):
    activity = _activity(world.union_a, capacity=1)
    services.signup(actor=None, activity=activity, member=people["woman"])
    services.signup(actor=None, activity=activity, member=people["man"])
    services.activity_update(actor=world.chair_a, activity=activity, capacity=2)
    activity = _refresh(activity)
    assert (activity.signed_up_count, activity.waiting_count) == (2, 0)


def test_it_refuses_a_second_sign_up_and_lets_a_cancelled_member_join_again(world, people):
    activity = _activity(world.union_a)
    participation = services.signup(actor=None, activity=activity, member=people["man"])
    with pytest.raises(ValidationError, match="已在"):
        services.signup(actor=None, activity=activity, member=people["man"])
    services.cancel_participation(actor=None, participation=participation)
    again = services.signup(actor=None, activity=activity, member=people["man"])
    assert again.pk == participation.pk and again.status == "signed_up"
    assert _refresh(activity).signed_up_count == 1


@pytest.mark.parametrize(("audience", "allowed"), [
    ("all", {"woman", "man", "retiree"}),
    ("women", {"woman"}),
    ("retirees", {"retiree"}),
    ("group", {"woman"}),
])
def test_it_opens_an_activity_only_to_its_audience(world, people, audience, allowed):
    extra = {"audience_group": world.group_a} if audience == "group" else {}
    activity = _activity(world.union_a, audience=audience, **extra)
    for key, member in people.items():
        assert selectors.open_to_member(member).filter(pk=activity.pk).exists() == (key in allowed), key
        if key in allowed:
            services.signup(actor=None, activity=activity, member=member)
        else:
            with pytest.raises(ValidationError):
                services.signup(actor=None, activity=activity, member=member)
    assert _refresh(activity).signed_up_count == len(allowed)


def test_it_counts_a_retained_retiree_among_the_retirees(world, people):
    retained = make_member(world.union_a, "钱保留", birth_year=1960)
    Member.objects.filter(pk=retained.pk).update(status=Status.RETAINED, retain_reason=RetainReason.RETIRED)
    retained.refresh_from_db()
    activity = _activity(world.union_a, audience="retirees")
    assert selectors.open_to_member(retained).filter(pk=activity.pk).exists()


def test_it_opens_a_federation_activity_to_its_subtree_only_when_asked(world, people):
    closed = _activity(world.street_a, title="街道内部会议")
    shared = _activity(world.street_a, title="街道运动会", include_subtree=True)
    other_street = _activity(world.street_b, title="乙街道运动会", include_subtree=True)
    open_ids = set(selectors.open_to_member(people["man"]).values_list("pk", flat=True))
    assert shared.pk in open_ids
    assert closed.pk not in open_ids and other_street.pk not in open_ids
    with pytest.raises(ValidationError):
        services.signup(actor=None, activity=other_street, member=people["man"])


def test_it_lists_only_open_activities_before_their_deadline(world, people):
    now = timezone.now()
    past_deadline = _activity(world.union_a, signup_deadline=now - datetime.timedelta(hours=1))
    planned = _activity(world.union_a, status="planned")
    started = _activity(world.union_a, starts_at=now - datetime.timedelta(hours=1))
    fine = _activity(world.union_a)
    open_ids = set(selectors.open_to_member(people["man"]).values_list("pk", flat=True))
    assert open_ids == {fine.pk}
    for activity in (past_deadline, planned, started):
        with pytest.raises(ValidationError):
            services.signup(actor=None, activity=activity, member=people["man"])
    # an officer may still add someone after the deadline
    services.signup(actor=world.chair_a, activity=past_deadline, member=people["man"], by_officer=True)


def test_it_lets_only_current_members_take_part(world, people):
    activity = _activity(world.union_a)
    Member.objects.filter(pk=people["man"].pk).update(status=Status.WITHDRAWN)
    people["man"].refresh_from_db()
    with pytest.raises(ValidationError, match="不是会员"):
        services.signup(actor=world.chair_a, activity=activity, member=people["man"], by_officer=True)
    with pytest.raises(ValidationError, match="不是会员"):
        services.check_in(actor=world.chair_a, activity=activity, member=people["man"], method="officer")
    assert not Participation.objects.exists()


def test_it_checks_in_counts_attendance_and_marks_union_life(world, people):
    activity = _activity(world.union_a, capacity=2)
    services.signup(actor=None, activity=activity, member=people["woman"])
    participation, new = services.check_in(actor=None, activity=activity, member=people["woman"],
                                           method=CheckInMethod.QR)
    assert new and participation.checked_in_at is not None and participation.check_in_method == "qr"
    _again, new_again = services.check_in(actor=None, activity=activity, member=people["woman"],
                                          method=CheckInMethod.QR)
    assert not new_again
    # a walk-in on an activity with a free place is signed up and checked in
    walk_in, _ = services.check_in(actor=None, activity=activity, member=people["man"], method=CheckInMethod.QR)
    assert walk_in.status == "signed_up" and walk_in.checked_in_at
    activity = _refresh(activity)
    assert (activity.signed_up_count, activity.attended_count) == (2, 2)
    assert Member.objects.get(pk=people["woman"].pk).last_active_on == timezone.localdate()
    # now full: a walk-in by QR is refused, an officer may still let them in
    with pytest.raises(ValidationError, match="已满"):
        services.check_in(actor=None, activity=activity, member=people["retiree"], method=CheckInMethod.QR)
    services.check_in(actor=world.chair_a, activity=activity, member=people["retiree"],
                      method=CheckInMethod.OFFICER)
    assert _refresh(activity).attended_count == 3
    assert selectors.attendance_count(people["woman"], timezone.localdate().year) == 1
    # undo, and a checked-in member cannot cancel
    services.undo_check_in(actor=world.chair_a, participation=walk_in)
    assert _refresh(activity).attended_count == 2
    with pytest.raises(ValidationError):
        services.cancel_participation(actor=None, participation=participation)


def test_it_keeps_the_counts_equal_to_the_participations(world, people):
    activity = _activity(world.union_a, capacity=2)
    for member in people.values():
        services.signup(actor=None, activity=activity, member=member)
    services.check_in(actor=None, activity=activity, member=people["woman"], method="qr")
    services.cancel_participation(actor=None, participation=Participation.objects.get(member=people["man"]))
    activity = _refresh(activity)
    rows = Participation.objects.filter(activity=activity)
    assert activity.signed_up_count == rows.filter(status="signed_up").count() == 2
    assert activity.waiting_count == rows.filter(status="waiting").count() == 0
    assert activity.attended_count == rows.filter(checked_in_at__isnull=False).count() == 1


def test_it_refuses_impossible_activities_with_field_messages(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        _activity(world.union_a, ends_at=now, starts_at=now + datetime.timedelta(hours=2),
                  signup_deadline=now + datetime.timedelta(days=1), audience="group", capacity=0,
                  budget=Decimal("-1"))
    assert set(error.value.error_dict) == {"ends_at", "signup_deadline", "audience_group", "capacity", "budget"}
    with pytest.raises(ValidationError, match=r"不是.*工会小组"):
        _activity(world.union_a, audience="group", audience_group=world.union_a)
    assert not Activity.objects.exists()


def test_it_moves_an_activity_through_its_statuses_with_audit(world, people):
    activity = _activity(world.union_a, world.chair_a)
    services.activity_set_status(actor=world.chair_a, activity=activity, status="finished",
                                 actual_cost=Decimal("1200.50"))
    activity = _refresh(activity)
    assert activity.status == "finished" and activity.actual_cost == Decimal("1200.50")
    with pytest.raises(ValidationError):
        services.activity_set_status(actor=world.chair_a, activity=activity, status="open")
    assert AuditEntry.objects.filter(object_id=str(activity.pk), action="update").exists()


def test_it_checks_attachments_by_size_and_contents(world, settings):
    activity = _activity(world.union_a)
    photo = services.attachment_add(actor=world.chair_a, activity=activity,
                                    upload=SimpleUploadedFile("合影.png", PNG, "image/png"), caption="合影")
    assert photo.kind == "photo" and photo.path == activity.path
    with pytest.raises(ValidationError, match="不是照片"):
        services.attachment_add(actor=world.chair_a, activity=activity,
                                upload=SimpleUploadedFile("病毒.exe", b"MZ...", "application/octet-stream"))
    with pytest.raises(ValidationError, match="内容与文件名不符"):
        services.attachment_add(actor=world.chair_a, activity=activity,
                                upload=SimpleUploadedFile("假照片.jpg", b"<html>", "image/jpeg"))
    settings.GONGHUI_RULES = {**settings.GONGHUI_RULES, "ATTACHMENT_MAX_MB": 1}
    with pytest.raises(ValidationError, match="最大"):
        services.attachment_add(actor=world.chair_a, activity=activity,
                                upload=SimpleUploadedFile("大.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1)))
    assert Attachment.objects.count() == 1


def test_it_ranks_competition_entries_within_each_event(world, people):
    competition = _activity(world.union_a, kind="competition", title="技能比武")
    services.entry_save(actor=None, activity=competition, event="电工组", member=people["man"], score=Decimal("95"))
    services.entry_save(actor=None, activity=competition, event="电工组", member=people["woman"], score=Decimal("98"))
    services.entry_save(actor=None, activity=competition, event="电工组", team="维修班", score=Decimal("95"))
    services.entry_save(actor=None, activity=competition, event="跳绳", member=people["man"], score=Decimal("80"))
    services.entry_save(actor=None, activity=competition, event="跳绳", team="后勤队")
    assert services.rank_by_score(actor=None, activity=competition) == 4
    ranks = {(e.event, e.team or e.member.name): e.rank for e in CompetitionEntry.objects.select_related("member")}
    assert ranks == {("电工组", "李梅"): 1, ("电工组", "王刚"): 2, ("电工组", "维修班"): 2, ("跳绳", "王刚"): 1,
                     ("跳绳", "后勤队"): None}
    with pytest.raises(ValidationError):
        services.entry_save(actor=None, activity=competition, event="电工组", member=people["man"])
    with pytest.raises(ValidationError):
        services.entry_save(actor=None, activity=competition, event="电工组")
    other = _activity(world.union_a)
    with pytest.raises(ValidationError):
        services.entry_save(actor=None, activity=other, team="甲队")


# ---- the QR check-in -----------------------------------------------------------------------------------------

def test_it_checks_a_member_in_with_a_valid_qr_link_when_they_confirm(client, world, people):
    activity = _activity(world.union_a)
    client.force_login(world.member)
    url = reverse("activities:activity_checkin", args=[activity.pk])
    token = checkin.make_token(activity)
    # opening the link shows the activity and a button; it writes nothing
    response = client.get(url, {"t": token})
    assert response.status_code == 200 and response.context["confirm"] and not response.context["ok"]
    body = response.content.decode()
    assert "确认签到" in body and "李梅" in body and f'value="{token}"' in body
    assert not Participation.objects.exists()
    response = client.post(url, {"t": token})
    assert response.status_code == 200 and response.context["ok"] and response.context["new"]
    assert "签到成功" in response.content.decode()
    participation = Participation.objects.get(activity=activity, member=people["woman"])
    assert participation.checked_in_at is not None and participation.check_in_method == "qr"
    assert _refresh(activity).attended_count == 1
    # the link opened again says so, without a button
    response = client.get(url, {"t": token})
    assert response.context["ok"] and not response.context["confirm"] and not response.context["new"]
    assert _refresh(activity).attended_count == 1


def test_a_qr_check_in_needs_the_csrf_token_and_a_valid_code_on_the_post(world, people):
    from django.test import Client

    activity = _activity(world.union_a)
    url = reverse("activities:activity_checkin", args=[activity.pk])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.member)
    # a form planted in another site posts without the CSRF token: refused
    assert browser.post(url, {"t": checkin.make_token(activity)}).status_code == 403
    # the page's own form with a forged code: refused in words
    browser.get(url, {"t": checkin.make_token(activity)})
    response = browser.post(url, {"t": "forged", "csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    assert response.status_code == 200 and "签到码无效" in response.context["error"]
    assert not Participation.objects.exists()


def test_a_member_the_activity_is_not_for_is_told_why_only_with_the_venues_code(client, world, people):
    activity = _activity(world.union_a, audience="retirees")
    client.force_login(world.member)
    url = reverse("activities:activity_checkin", args=[activity.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"t": "forged"}).status_code == 404
    for response in (client.get(url, {"t": checkin.make_token(activity)}),
                     client.post(url, {"t": checkin.make_token(activity)})):
        assert response.status_code == 200 and not response.context["ok"] and not response.context["confirm"]
        assert "李梅" in response.context["error"] and "退休" in response.context["error"]
        assert f'href="{reverse("activities:activity_detail", args=[activity.pk])}"' not in response.content.decode()
    assert not Participation.objects.exists()


def test_it_refuses_an_expired_qr_token(client, world, people, monkeypatch):
    activity = _activity(world.union_a)
    token = checkin.make_token(activity)
    with pytest.raises(checkin.TokenRefused, match="过期"):
        checkin.check_token(activity, token, max_age=-1)
    monkeypatch.setattr(checkin, "max_age_seconds", lambda: -1)
    client.force_login(world.member)
    response = client.get(reverse("activities:activity_checkin", args=[activity.pk]), {"t": token})
    assert "过期" in response.context["error"]
    assert not Participation.objects.exists()


@pytest.mark.parametrize("forge", ["tampered", "other_activity", "other_salt", "empty"])
def test_it_refuses_a_forged_qr_token(client, world, people, forge):
    activity = _activity(world.union_a)
    other = _activity(world.union_a, title="另一个活动")
    token = {
        "tampered": checkin.make_token(activity)[:-2] + "xx",
        "other_activity": checkin.make_token(other),
        "other_salt": TimestampSigner(salt="something.else").sign(str(activity.pk)),
        "empty": "",
    }[forge]
    client.force_login(world.member)
    response = client.get(reverse("activities:activity_checkin", args=[activity.pk]), {"t": token})
    assert response.status_code == 200
    assert response.context["error"] and not response.context["ok"]
    assert not Participation.objects.exists()


def test_it_shows_the_officer_a_qr_code_of_the_check_in_link(client, world):
    activity = _activity(world.union_a)
    client.force_login(world.chair_a)
    response = client.get(reverse("activities:activity_qr", args=[activity.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "/checkin/?t=" in body
    checkin.check_token(activity, response.context["url"].split("?t=")[1])


# ---- pages ------------------------------------------------------------------------------------------------------

def test_it_lets_an_officer_create_an_activity_and_a_member_sign_up(client, world, people):
    client.force_login(world.chair_a)
    starts = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("activities:activity_create", args=[world.union_a.pk]), {
        "title": "三八节插花", "kind": "festival", "starts_at": starts, "place": "活动室", "audience": "women",
        "capacity": "1", "budget": "500"})
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    activity = Activity.objects.get(title="三八节插花")
    assert activity.organiser == world.union_a and activity.budget == Decimal("500")

    client.force_login(world.member)
    mine = client.get(reverse("activities:my_activities"))
    assert "三八节插花" in mine.content.decode()
    response = client.post(reverse("activities:activity_signup", args=[activity.pk]))
    assert response.status_code == 302
    assert Participation.objects.get(activity=activity).member == people["woman"]
    detail = client.get(reverse("activities:activity_detail", args=[activity.pk]))
    assert detail.context["mine"].status == "signed_up"
    client.post(reverse("activities:activity_signup", args=[activity.pk]), {"action": "cancel"})
    assert _refresh(activity).signed_up_count == 0


def test_it_lets_the_officer_tick_the_list_with_htmx(client, world, people):
    activity = _activity(world.union_a)
    participation = services.signup(actor=None, activity=activity, member=people["man"])
    client.force_login(world.chair_a)
    response = client.post(reverse("activities:participant_update", args=[activity.pk]),
                           {"participation": participation.pk, "action": "checkin"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="roster-counts"' in response.content.decode()
    participation.refresh_from_db()
    assert participation.check_in_method == "officer"
    response = client.post(reverse("activities:participant_add", args=[activity.pk]), {"member": people["woman"].pk})
    assert response.status_code == 302
    assert _refresh(activity).signed_up_count == 2


def test_it_refuses_the_member_persona_the_officer_pages(client, world, people):
    activity = _activity(world.union_a)
    client.force_login(world.member)
    assert client.get(reverse("activities:activity_detail", args=[activity.pk])).status_code == 200
    for name in ("activity_roster", "activity_qr", "activity_edit", "participant_add"):
        assert client.get(reverse(f"activities:{name}", args=[activity.pk])).status_code == 403, name
    closed = _activity(world.union_a, audience="retirees")
    assert client.get(reverse("activities:activity_detail", args=[closed.pk])).status_code == 404


def test_it_serves_photos_only_to_those_who_see_the_activity(client, world, people):
    activity = _activity(world.union_a)
    photo = services.attachment_add(actor=world.chair_a, activity=activity,
                                    upload=SimpleUploadedFile("合影.png", PNG, "image/png"))
    client.force_login(world.member)
    response = client.get(reverse("activities:attachment_file", args=[photo.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    client.force_login(world.chair_b)
    assert client.get(reverse("activities:attachment_file", args=[photo.pk])).status_code == 404


def test_it_shows_a_members_participation_count_this_year(client, world, people):
    activity = _activity(world.union_a, starts_at=timezone.now() + datetime.timedelta(minutes=5))
    services.check_in(actor=None, activity=activity, member=people["woman"], method="qr")
    client.force_login(world.chair_a)
    response = client.get(reverse("activities:member_activities", args=[people["woman"].pk]))
    assert response.context["attended"] == 1
    client.force_login(world.member)
    assert client.get(reverse("activities:my_activities")).context["attended_this_year"] == 1


def test_it_lists_activities_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for n in range(3):
        _activity(world.union_a, title=f"活动{n}")
    client.force_login(world.district_admin)
    url = reverse("activities:activity_list", args=[world.county.pk])
    client.get(url)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for n in range(3, 12):
        _activity(world.joint_a if n % 2 else world.union_a, title=f"活动{n}")
    assert count() == few
    with django_assert_num_queries(few):
        client.get(url)


def test_it_shows_the_activities_nav_item_to_officers_and_members(client, world, people):
    client.force_login(world.chair_a)
    nav = client.get(reverse("home"), follow=True).context["shell_nav"]
    assert any(item["key"] == "activities" for item in nav)
    client.force_login(world.member)
    nav = client.get(reverse("activities:my_activities")).context["shell_nav"]
    assert [item["url"] for item in nav if item["key"] == "activities"] == [reverse("activities:my_activities")]


def test_it_finance_officer_sees_but_does_not_change(client, world):
    finance = make_user("finance_a", Role.FINANCE_OFFICER, world.union_a)
    activity = _activity(world.union_a)
    client.force_login(finance)
    assert client.get(reverse("activities:activity_detail", args=[activity.pk])).status_code == 200
    assert client.post(reverse("activities:activity_status", args=[activity.pk]),
                       {"status": "cancelled"}).status_code == 403
    assert _refresh(activity).status == "open"
