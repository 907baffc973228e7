"""The demo members and the district generator (gonghui seed)."""

import datetime
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.core.validators import citizen_id_birth_date, citizen_id_gender, clean_citizen_id
from gonghui.demo import district
from gonghui.demo.identifiers import citizen_id_from
from gonghui.demo.seed import ROOT_CODE, build_demo
from gonghui.members import selectors, tally
from gonghui.members.identity import clean_mobile, name_search_keys
from gonghui.members.models import (
    EmploymentType,
    EventKind,
    FivePeriod,
    Member,
    MembershipEvent,
    MemberTally,
    NewFormGroup,
    RetainReason,
    Status,
    Transfer,
    TransferStatus,
    WomenRecord,
)
from gonghui.members.women.services import record_details
from gonghui.orgs.models import Level, OrgNode, Unit

CARD_RE = re.compile(r"^([A-Z0-9][A-Z0-9_-]*)-(\d{6})$")
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def demo(db):
    build_demo(today=TODAY)
    return OrgNode.objects.get(code=ROOT_CODE)


def _tally_rows() -> list[tuple]:
    return sorted(MemberTally.objects.values_list("union_id", "node_id", "path", *tally.FIGURES))


def _counts() -> dict[str, int]:
    return {"members": Member.objects.count(), "events": MembershipEvent.objects.count(),
            "transfers": Transfer.objects.count(), "women": WomenRecord.objects.count(),
            "nodes": OrgNode.objects.count(), "units": Unit.objects.count(), "tallies": MemberTally.objects.count()}


def test_it_builds_the_demo_members_once_and_keeps_them_on_a_second_run(db, capsys):
    call_command("seed", "--scale", "demo")
    first = capsys.readouterr().out
    counts = _counts()
    cards = sorted(Member.objects.values_list("card_no", "name", "status"))
    assert counts["members"] > 4000
    assert "会员已生成" in first and "member" in first

    call_command("seed", "--scale", "demo")
    second = capsys.readouterr().out
    assert "会员已存在" in second
    assert _counts() == counts
    assert sorted(Member.objects.values_list("card_no", "name", "status")) == cards


def test_it_gives_every_member_a_valid_citizen_id_matching_gender_and_birth_date(demo):
    members = list(Member.objects.all())
    numbers = [member.citizen_id_clear for member in members]
    assert len(set(numbers)) == len(numbers)
    for member, number in zip(members, numbers, strict=True):
        assert clean_citizen_id(number) == number
        assert citizen_id_gender(number) == member.gender
        assert citizen_id_birth_date(number) == member.birth_date
        assert clean_mobile(member.mobile_clear) == member.mobile_clear
        assert (member.name_pinyin, member.name_initials) == name_search_keys(member.name)
        assert member.path == (member.group.path if member.group_id else member.union.path)


def test_it_numbers_member_cards_by_the_rule_without_duplicates(demo):
    cards = list(Member.objects.values_list("card_no", flat=True))
    assert len(cards) == len(set(cards))
    codes = set(OrgNode.objects.values_list("code", flat=True))
    per_union: dict[str, list[int]] = {}
    for card in cards:
        match = CARD_RE.match(card)
        assert match and match.group(1) in codes, card
        per_union.setdefault(match.group(1), []).append(int(match.group(2)))
    # each union counts from 000001 without gaps
    for numbers in per_union.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_it_covers_every_membership_status_and_history_step(demo):
    statuses = Counter(Member.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert statuses[Status.ACTIVE] > 0.95 * sum(statuses.values())
    assert statuses[Status.APPLICANT] == 2
    assert statuses[Status.IN_TRANSFER] == Transfer.objects.filter(status=TransferStatus.PENDING).count() >= 2
    assert set(Transfer.objects.values_list("status", flat=True)) == set(TransferStatus.values)
    reasons = Counter(Member.objects.filter(status=Status.RETAINED).values_list("retain_reason", flat=True))
    assert reasons[RetainReason.RETIRED] > 50 and reasons[RetainReason.UNEMPLOYED] >= 1
    assert reasons[RetainReason.UNIT_CLOSED] >= 1
    kept = Member.objects.filter(retain_reason=RetainReason.UNIT_CLOSED)
    assert {member.union.level for member in kept} == {Level.STREET_FEDERATION}
    assert set(MembershipEvent.objects.values_list("kind", flat=True)) == set(EventKind.values) - {EventKind.IMPORTED}
    # each member's history starts with joining (or applying) and ends in their current status
    for member in Member.objects.exclude(status=Status.ACTIVE).prefetch_related("events"):
        events = list(member.events.all())
        assert events[0].kind in (EventKind.JOINED, EventKind.APPLIED)
        assert events[-1].status_after == member.status, member
    # a transfer under way is seen by the receiving union
    chair = User.objects.get(username="chair")
    school = OrgNode.objects.get(code="HBYZ")
    assert selectors.pending_transfers(chair, school)["incoming"]
    assert selectors.pending_transfers(chair, school)["outgoing"]
    admin = User.objects.get(username="qu_admin")
    assert selectors.inactive_members(admin, demo, today=TODAY).count() > 20


def test_it_keeps_the_units_ratios_of_members_women_and_migrant_workers(demo):
    checked = 0
    for unit in Unit.objects.filter(covering_union__isnull=False, staff_count__gte=40):
        on_staff = Member.objects.filter(unit=unit).exclude(status__in=[Status.APPLICANT, Status.REFUSED]).exclude(
            employment_type=EmploymentType.RETIRED)
        count = on_staff.count()
        assert 0.8 * unit.staff_count <= count <= unit.staff_count, unit
        women = on_staff.filter(gender="F").count()
        assert abs(women / count - unit.women_count / unit.staff_count) < 0.05, unit
        migrants = on_staff.filter(employment_type=EmploymentType.MIGRANT).count()
        assert abs(migrants / count - unit.migrant_worker_count / unit.staff_count) < 0.05, unit
        checked += 1
    assert checked > 20
    new_form = Counter(Member.objects.exclude(new_form_group="").values_list("new_form_group", flat=True))
    assert {NewFormGroup.COURIER, NewFormGroup.FOOD_DELIVERY, NewFormGroup.RIDE_HAILING} <= set(new_form)
    ethnicities = Counter(Member.objects.values_list("ethnicity", flat=True))
    assert 0.9 < ethnicities["汉族"] / sum(ethnicities.values()) < 0.99 and len(ethnicities) > 5
    assert Member.objects.filter(group__isnull=False).count() >= 60


def test_it_links_the_demo_member_account_to_a_member_record(demo):
    member = Member.objects.get(user__username="member")
    assert member.name == "李静" and member.group.code == "HBYZ-YW" and member.status == Status.ACTIVE


def test_it_records_women_workers_in_each_of_the_five_periods_and_checks_due(demo):
    stages = Counter(record_details(record)["stage"] for record in WomenRecord.objects.exclude(details=""))
    assert stages[FivePeriod.PREGNANT] >= 3 and stages[FivePeriod.MATERNITY] >= 3 and stages[FivePeriod.NURSING] >= 2
    assert not WomenRecord.objects.exclude(member__gender="F").exists()
    women = User.objects.get(username="women")
    from gonghui.members.women import selectors as women_selectors

    school = OrgNode.objects.get(code="HBYZ")
    assert women_selectors.check_due(women, school, "gynaecological", TODAY).exists()
    assert women_selectors.member_ids_on_leave_or_nursing(women, school, TODAY)


def test_it_leaves_the_member_tallies_as_a_full_rebuild_finds_them(demo):
    before = _tally_rows()
    assert before
    tally.rebuild_all()
    assert _tally_rows() == before
    totals = tally.totals(MemberTally.objects.all())
    assert totals["members"] == Member.objects.filter(status__in=[Status.ACTIVE, Status.IN_TRANSFER,
                                                                  Status.RETAINED]).count()


def test_it_computes_citizen_id_check_digits_as_stdnum_does():
    for sequence in range(0, 1000, 7):
        number = citizen_id_from("320115", f"19{60 + sequence % 40}0{1 + sequence % 9}1{sequence % 10}", sequence)
        assert ric.calc_check_digit(number[:17] + "0") == number[17]


# ---- the district --------------------------------------------------------------------------------------------

DISTRICT_MEMBERS = 3000


def _printed(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match, (pattern, text)
    return int(match.group(1).replace(",", ""))


@pytest.fixture
def small_district(db, capsys):
    call_command("seed", "--scale", "district", "--members", str(DISTRICT_MEMBERS))
    return capsys.readouterr().out


def test_it_builds_a_small_district_with_the_counts_it_prints(small_district):
    out = small_district
    root = OrgNode.objects.get(code=district.ROOT_CODE)
    members = Member.objects.filter(path__under=root.path)
    assert _printed(r"([\d,]+) 条会员记录", out) == members.count() == Member.objects.count() == DISTRICT_MEMBERS
    assert _printed(r"([\d,]+) 个工会组织", out) == OrgNode.objects.filter(path__under=root.path).count()
    assert _printed(r"([\d,]+) 个单位", out) == Unit.objects.filter(path__under=root.path).count()
    assert _printed(r"([\d,]+) 条会籍记录", out) == MembershipEvent.objects.count()
    assert _printed(r"([\d,]+) 条转接", out) == Transfer.objects.filter(status=TransferStatus.PENDING).count()
    assert _printed(r"([\d,]+) 条女职工记录", out) == WomenRecord.objects.count()
    statuses = Counter(Member.objects.values_list("status", flat=True))
    for status, count in statuses.items():
        assert _printed(rf"{Status(status).label} ([\d,]+)", out) == count
    assert set(statuses) == set(Status.values)
    assert statuses[Status.ACTIVE] > 0.9 * DISTRICT_MEMBERS
    assert statuses[Status.IN_TRANSFER] == Member.objects.exclude(transfer_to_path="").count()
    streets = OrgNode.objects.filter(parent=root)
    assert streets.count() >= 2 and all(street.level == Level.STREET_FEDERATION for street in streets)
    levels = Counter(OrgNode.objects.values_list("level", flat=True))
    assert levels[Level.JOINT_UNION] >= 4 and levels[Level.GRASSROOTS_UNION] >= 10 and levels[Level.UNION_GROUP]
    assert Unit.objects.filter(covering_union__isnull=True).exists()


def test_it_gives_district_members_valid_identifiers_cards_and_places(small_district):
    cards = set()
    for member in Member.objects.select_related("union", "group", "unit"):
        number = member.citizen_id_clear
        assert clean_citizen_id(number) == number
        assert citizen_id_gender(number) == member.gender and citizen_id_birth_date(number) == member.birth_date
        assert (member.name_pinyin, member.name_initials) == name_search_keys(member.name)
        assert member.path == (member.group.path if member.group_id else member.union.path)
        assert CARD_RE.match(member.card_no)
        cards.add(member.card_no)
        if member.unit_id and member.retain_reason != RetainReason.UNIT_CLOSED:
            assert member.unit.covering_union_id in (member.union_id, member.union.parent_id)
    assert len(cards) == DISTRICT_MEMBERS
    assert Member.objects.filter(employment_type=EmploymentType.MIGRANT).count() > 0.05 * DISTRICT_MEMBERS
    assert Member.objects.exclude(new_form_group="").exists()
    for unit in Unit.objects.select_related("covering_union"):
        expected = "none" if unit.covering_union is None else (
            "joint" if unit.covering_union.level == Level.JOINT_UNION else "independent")
        assert unit.coverage == expected
        assert unit.path == (unit.covering_union or unit.area_node).path
    details = [record_details(record) for record in WomenRecord.objects.exclude(details="")]
    assert details and {detail["stage"] for detail in details} <= set(FivePeriod.values)
    assert not WomenRecord.objects.exclude(member__gender="F").exists()


def test_it_leaves_the_district_tallies_as_a_full_rebuild_finds_them(small_district):
    before = _tally_rows()
    tally.rebuild_all()
    assert _tally_rows() == before
    root = OrgNode.objects.get(code=district.ROOT_CODE)
    totals = tally.totals(MemberTally.objects.filter(path__under=root.path))
    assert totals["members"] == Member.objects.filter(
        status__in=[Status.ACTIVE, Status.IN_TRANSFER, Status.RETAINED]).count()
    assert totals["women"] > 0 and totals["migrant"] > 0 and totals["new_form"] > 0


def test_it_refuses_to_build_the_district_twice(small_district):
    with pytest.raises(CommandError, match="YXQ 已存在"):
        call_command("seed", "--scale", "district", "--members", str(DISTRICT_MEMBERS))
    assert Member.objects.count() == DISTRICT_MEMBERS


def test_it_builds_the_district_next_to_the_demo_and_the_same_seed_gives_the_same_people(db):
    build_demo(today=TODAY)
    demo_members = Member.objects.count()
    district.build_district(members=2000, seed=7, today=TODAY)
    first = sorted(Member.objects.filter(path__under=OrgNode.objects.get(code="YXQ").path)
                   .values_list("card_no", "name", "birth_date", "status"))
    assert Member.objects.count() == demo_members + 2000
    Member.objects.filter(card_no__startswith="YXQ").delete()
    Unit.objects.filter(path__under=OrgNode.objects.get(code="YXQ").path).delete()
    for node in OrgNode.objects.filter(path__under=OrgNode.objects.get(code="YXQ").path).order_by("-depth"):
        node.delete()
    district.build_district(members=2000, seed=7, today=TODAY)
    again = sorted(Member.objects.filter(path__under=OrgNode.objects.get(code="YXQ").path)
                   .values_list("card_no", "name", "birth_date", "status"))
    assert again == first
