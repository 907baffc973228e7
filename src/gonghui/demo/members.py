"""Members of the demo county: the staff of every covered unit, most of them members, plus the history a
union really has (transfers under way, retirees, a closed unit, withdrawals, applicants, 女职工 records).

The bulk of the members is written in one pass through demo/people.py (about 5,000 rows, well under a
second). The special cases then go through the member and women services, exactly as an officer's clicks
would, so their history rows and audit entries are the real ones. Dates that must be recent (a transfer
waiting, a due date, six months without dues) are counted back from the day the demo is built.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.members import services as member_services
from gonghui.members import tally
from gonghui.members.models import (
    MEMBER_STATUSES,
    EmploymentType,
    FivePeriod,
    Member,
    RetainReason,
    Status,
)
from gonghui.members.women import services as women_services
from gonghui.orgs import services as org_services
from gonghui.orgs.models import OrgNode, Unit

from .identifiers import mobile
from .names import member_name
from .people import PROFILES, MemberFactory, Placement, sector

# 工会小组 sizes inside the first middle school, and the hospital's 内科 branch with its 心内科 group.
SCHOOL_GROUPS = {"HBYZ-YW": 22, "HBYZ-SX": 20, "HBYZ-XZ": 26}
HOSPITAL_BRANCH = ("QRMYY-NK", 214, "QRMYY-NK-XN", 38)
NEW_FORM_UNIONS = {"XCKD"}
# The unit of a community joint union that closed: its members' 会籍 is kept by the street federation.
CLOSED_UNIT_UNION = "LASQ"
MEMBER_ACCOUNT = ("member", "李静", "HBYZ", "HBYZ-YW")
INACTIVE_SHARE = 0.015
RETIREE_SHARE = 0.02


def demo_members_exist(root: OrgNode) -> bool:
    return Member.objects.filter(path__under=root.path).exists()


def build_members(rng: random.Random, root: OrgNode, *, today: datetime.date | None = None) -> int:
    """Members for every covered unit of the demo county (call inside a transaction); returns the number
    written in bulk."""
    today = today or timezone.localdate()
    factory = MemberFactory(rng, today=today, batch_size=5000)
    nodes = {node.code: node for node in OrgNode.objects.filter(path__under=root.path)}
    member_user = User.objects.filter(username=MEMBER_ACCOUNT[0]).first()
    if member_user is not None and Member.objects.filter(user=member_user).exists():
        member_user = None
    units = (Unit.objects.filter(path__under=root.path, covering_union__isnull=False)
             .select_related("covering_union").order_by("covering_union__code", "id"))
    by_union: dict[str, list[Unit]] = {}
    for unit in units:
        by_union.setdefault(unit.covering_union.code, []).append(unit)
    for union_code, union_units in sorted(by_union.items()):
        union = nodes[union_code]
        for unit in union_units:
            # the demo member account is the first member of its union
            linked = member_user if union_code == MEMBER_ACCOUNT[2] else None
            _unit_members(rng, factory, nodes, union, unit, member_user=linked)
            if linked is not None:
                member_user = None
    factory.flush()
    _life_events(rng, factory, nodes, today)
    tally.rebuild_all()
    return factory.members.written


def _unit_members(rng: random.Random, factory: MemberFactory, nodes: dict[str, OrgNode], union: OrgNode,
                  unit: Unit, *, member_user: User | None) -> None:
    staff = unit.staff_count
    if not staff:
        return
    count = max(1, round(staff * rng.uniform(0.85, 0.98)))
    women = round(count * unit.women_count / staff)
    migrants = min(count, round(count * unit.migrant_worker_count / staff))
    genders = [True] * women + [False] * (count - women)
    rng.shuffle(genders)
    migrant_flags = [True] * migrants + [False] * (count - migrants)
    rng.shuffle(migrant_flags)
    profile = PROFILES["delivery" if union.code in NEW_FORM_UNIONS else sector(unit.kind, unit.industry)]
    places = _placements(nodes, union, unit, count)
    big_unit = staff >= 100 or unit.kind in ("public_institution", "government")
    for index in range(count):
        place = places[index]
        female = genders[index]
        extra = {}
        if index == 0 and member_user is not None:
            female, extra = True, {"name": MEMBER_ACCOUNT[1], "user_id": member_user.pk, "age": 34.5,
                                   "post": ("教师", True)}
            place = Placement(union.pk, union.path, union.code, unit.pk, nodes[MEMBER_ACCOUNT[3]].pk,
                              nodes[MEMBER_ACCOUNT[3]].path)
        member_id = factory.add(place, profile, female=female, migrant=migrant_flags[index],
                                inactive=rng.random() < INACTIVE_SHARE, **extra)
        if female and (big_unit or rng.random() < 0.3) and rng.random() < 0.8:
            _checks(rng, factory, member_id, place.path, today_ordinal=factory.today_ordinal)
    # Retirees keep their 会籍 at the union (retained since they retired at 60, with that history row).
    if unit.kind != "enterprise" or staff >= 100:
        for _ in range(round(count * RETIREE_SHARE)):
            female = rng.random() < unit.women_count / staff
            age = rng.uniform(60.1, 66.0)
            factory.add(Placement(union.pk, union.path, union.code, unit.pk), profile, female=female, age=age,
                        status=Status.RETAINED, retain_reason=RetainReason.RETIRED,
                        employment_type=EmploymentType.RETIRED, status_days_ago=int((age - 60) * 365))


def _placements(nodes: dict[str, OrgNode], union: OrgNode, unit: Unit, count: int) -> list[Placement]:
    """The first members of the school go to its 工会小组, of the hospital to the 内科 branch and its group."""
    plain = Placement(union.pk, union.path, union.code, unit.pk)
    places: list[Placement] = []
    if union.code == "HBYZ":
        for code, size in SCHOOL_GROUPS.items():
            group = nodes[code]
            places += [Placement(union.pk, union.path, union.code, unit.pk, group.pk, group.path)] * size
    elif union.code == "QRMYY":
        branch_code, branch_size, group_code, group_size = HOSPITAL_BRANCH
        branch, group = nodes[branch_code], nodes[group_code]
        places += [Placement(branch.pk, branch.path, branch.code, unit.pk, group.pk, group.path)] * group_size
        places += [Placement(branch.pk, branch.path, branch.code, unit.pk)] * (branch_size - group_size)
    places = places[:count]
    return places + [plain] * (count - len(places))


def _checks(rng: random.Random, factory: MemberFactory, member_id: int, path: str, *, today_ordinal: int) -> None:
    """Health check dates: most women checked within the year, some overdue, a few never."""
    draw = rng.random()
    gynaecological = None if draw < 0.06 else today_ordinal - int(rng.random() * (560 if draw < 0.3 else 330))
    general = None if draw < 0.03 else today_ordinal - int(rng.random() * 900)
    factory.women_record(member_id, path, gynaecological=gynaecological, general=general)


# ---- the special cases, through the services ----------------------------------------------------------------

def _active(union_code: str, *, female: bool | None = None, ages: tuple[int, int] | None = None,
            today: datetime.date, offset: int = 0) -> Member:
    members = Member.objects.filter(union__code=union_code, status=Status.ACTIVE, user__isnull=True)
    if female is not None:
        members = members.filter(gender="F" if female else "M")
    if ages is not None:
        members = members.filter(birth_date__lte=today - datetime.timedelta(days=int(ages[0] * 365.25)),
                                 birth_date__gt=today - datetime.timedelta(days=int(ages[1] * 365.25)))
    return members.order_by("card_no")[offset]


def _life_events(rng: random.Random, factory: MemberFactory, nodes: dict[str, OrgNode],
                 today: datetime.date) -> None:
    days = datetime.timedelta
    officer = User.objects.filter(username="officer").first()
    women_officer = User.objects.filter(username="women").first()
    admin = User.objects.filter(username="qu_admin").first()

    def actor(member: Member):
        return officer if member.union.code == "HBYZ" else admin

    # Transfers waiting to be received: into the demo chair's union, out of it, and between other unions.
    for from_code, to_code, reason, sent in [
        ("HBSX", "HBYZ", "工作调动：调入滨湖区第一中学", 12), ("HBYZ", "XCZX", "工作调动：调入新城中学", 5),
        ("DSDZ", "HTJM", "本人离职，入职恒通精密机械有限公司", 20), ("QRMYY", "QZYY", "人才交流，调入滨湖区中医院", 9),
    ]:
        member = _active(from_code, today=today)
        member_services.member_transfer_out(actor=actor(member), member=member, to_union=nodes[to_code],
                                            reason=reason, on=today - days(days=sent))
    # A transfer received months ago (the member is now in a 工会小组 of the school), one refused, one called back.
    member = _active("TYZX", today=today)
    member_services.member_transfer_out(actor=admin, member=member, to_union=nodes["HBYZ"], reason="工作调动",
                                        on=today - days(days=130))
    member_services.member_transfer_receive(actor=officer, member=member, group=nodes["HBYZ-SX"],
                                            unit=Unit.objects.get(covering_union=nodes["HBYZ"]),
                                            on=today - days(days=118))
    member = _active("HTJM", today=today)
    member_services.member_transfer_out(actor=admin, member=member, to_union=nodes["GAWL"],
                                        reason="调入港安物流", on=today - days(days=40))
    member_services.member_transfer_refuse(actor=admin, member=member,
                                           reason="该职工尚未与本单位签订劳动合同，请核实后重新办理")
    member = _active("XCJS", today=today)
    member_services.member_transfer_out(actor=admin, member=member, to_union=nodes["QZFJG"],
                                        reason="借调", on=today - days(days=25))
    member_services.member_transfer_cancel(actor=admin, member=member)

    # Lost their job: 会籍 kept at the old union; one of them found work again and was restored.
    for union_code, offset in [("TYFZ", 0), ("TYFZ", 1), ("HTJM", 1)]:
        member = _active(union_code, today=today, offset=offset)
        member_services.member_retain(actor=admin, member=member, reason=RetainReason.UNEMPLOYED,
                                      on=today - days(days=rng.randint(60, 300)))
    member_services.member_restore(actor=admin, member=Member.objects.filter(
        union__code="HTJM", status=Status.RETAINED, retain_reason=RetainReason.UNEMPLOYED).first(),
        on=today - days(days=20))

    # A small unit of a community joint union closed: its members' 会籍 is kept by the street federation.
    closed = Unit.objects.filter(covering_union=nodes[CLOSED_UNIT_UNION]).order_by("id").first()
    closed_on = today - days(days=75)
    for member in Member.objects.filter(unit=closed, status=Status.ACTIVE).order_by("card_no"):
        member_services.member_retain(actor=admin, member=member, reason=RetainReason.UNIT_CLOSED, on=closed_on)
    org_services.unit_update(actor=admin, unit=closed, staff_count=0, women_count=0, migrant_worker_count=0)

    # Withdrawn (one after six months without dues or union life), expelled, deceased.
    member_services.member_withdraw(actor=admin, member=_active("HBSM", today=today), reason="本人申请退会",
                                    on=today - days(days=150))
    member_services.member_withdraw(actor=admin, member=_active("DSDZ", today=today, offset=3),
                                    reason="本人申请退会", on=today - days(days=300))
    inactive = Member.objects.filter(union__code="HBSM", status=Status.ACTIVE,
                                     last_active_on__lt=today - days(days=183)).order_by("card_no")
    member_services.member_withdraw(actor=admin, member=inactive[0] if inactive else _active("HBSM", today=today),
                                    reason="连续六个月未交纳会费、未参加工会组织生活，经教育拒不改正",
                                    on=today - days(days=30))
    member_services.member_expel(actor=admin, member=_active("XCJS", today=today, offset=2),
                                 reason="因犯罪被依法追究刑事责任，经工会委员会讨论决定除名", on=today - days(days=210))
    member_services.member_record_death(actor=admin, member=_active("TYFZ", today=today, offset=5),
                                        on=today - days(days=95))
    retiree = Member.objects.filter(status=Status.RETAINED, retain_reason=RetainReason.RETIRED).order_by(
        "card_no").first()
    if retiree is not None:
        member_services.member_record_death(actor=admin, member=retiree, on=today - days(days=48))

    # One flagged member kept after the officer's review (dues paid late).
    flagged = Member.objects.filter(union__code="DSDZ", status=Status.ACTIVE,
                                    last_active_on__lt=today - days(days=183)).order_by("card_no").first()
    if flagged is not None:
        member_services.member_keep_after_inactivity(actor=admin, member=flagged, reason="已补交会费，继续保留会籍")

    # Applications: two waiting, one approved, one refused.
    applications = [("HBYZ", True, officer), ("DSDZ", False, admin), ("GAWL", False, admin), ("HBSM", True, admin)]
    applied = []
    for union_code, female, by in applications:
        number, _born, _cipher, _hash = factory.identity(female=female, age_years=rng.uniform(22, 30), migrant=False)
        union = nodes[union_code]
        unit = Unit.objects.filter(covering_union=union).first()
        applied.append(member_services.member_create(
            actor=by, union=union, name=member_name(rng, female=female), citizen_id=number, mobile=mobile(rng),
            status=Status.APPLICANT, unit=unit, ethnicity="汉族", education="bachelor", political_status="masses",
            post="职员",
        ))
    member_services.member_approve(actor=admin, member=applied[2], on=today - days(days=3))
    member_services.member_refuse_application(actor=admin, member=applied[3],
                                              reason="申请人非本单位职工，请到所在单位工会申请入会")

    _five_periods(rng, today, women_officer=women_officer, admin=admin)


def _five_periods(rng: random.Random, today: datetime.date, *, women_officer, admin) -> None:
    """女职工 in 五期: pregnant, on maternity leave (one difficult birth, one with twins, one miscarriage),
    nursing, in menopause. Most in the first middle school, where the demo women's officer works."""
    days = datetime.timedelta
    cases = [
        ("HBYZ", 0, {"stage": FivePeriod.PREGNANT, "expected_due_date": today + days(days=38)}),
        ("HBYZ", 1, {"stage": FivePeriod.PREGNANT, "expected_due_date": today + days(days=150)}),
        ("HBYZ", 2, {"stage": FivePeriod.MATERNITY, "expected_due_date": today - days(days=26),
                     "birth_date": today - days(days=30)}),
        ("HBYZ", 3, {"stage": FivePeriod.NURSING, "birth_date": today - days(days=200)}),
        ("QRMYY-NK", 0, {"stage": FivePeriod.PREGNANT, "expected_due_date": today + days(days=90)}),
        ("QRMYY-NK", 1, {"stage": FivePeriod.MATERNITY, "birth_date": today - days(days=20),
                         "difficult_birth": True}),
        ("QRMYY", 2, {"stage": FivePeriod.NURSING, "birth_date": today - days(days=300)}),
        ("QRMYY", 3, {"stage": FivePeriod.MATERNITY, "miscarriage_date": today - days(days=10),
                      "miscarriage_months": 3}),
        ("DSDZ", 0, {"stage": FivePeriod.PREGNANT, "expected_due_date": today + days(days=200)}),
        ("DSDZ", 1, {"stage": FivePeriod.MATERNITY, "birth_date": today - days(days=45), "babies": 2}),
        ("DSDZ", 2, {"stage": FivePeriod.NURSING, "birth_date": today - days(days=120)}),
    ]
    for union_code, offset, details in cases:
        member = _active(union_code, female=True, ages=(24, 38), today=today, offset=offset)
        actor = women_officer if union_code == "HBYZ" else admin
        women_services.women_record_update(actor=actor, member=member, today=today, **details)
    member = _active("HBYZ", female=True, ages=(49, 56), today=today)
    women_services.women_record_update(actor=women_officer, member=member, stage=FivePeriod.MENOPAUSE,
                                       today=today)


def member_figures(root: OrgNode) -> dict[str, int]:
    members = Member.objects.filter(path__under=root.path)
    figures = {"records": members.count(), "members": members.filter(status__in=MEMBER_STATUSES).count(),
               "women": members.filter(Q(status__in=MEMBER_STATUSES), gender="F").count()}
    figures.update({status: members.filter(status=status).count() for status in Status.values})
    return figures
