"""Two years of activities and honours in the demo county (issue 4 §11): last year and this year up to the
day of the build, plus the next weeks' activities open for sign-up.

Every union with members holds the activities a union really holds (新春联欢, 三八 events for its women,
健步走, training, a skills competition, 疗休养 …), more of them the bigger it is; the federations hold a few
open to their whole subtree. Members sign up (some on a waiting list when places are limited), most of them
check in by the venue's QR code, a few are ticked by an officer, so 人次 and the kept counts agree with the
rows. Honours: each year's 优秀工会会员 and collective honours nominated by the unions and decided by the
federation above, 三八红旗手 and 五一劳动奖章 decided by the county; this year's year-end nominations are still
waiting. The demo accounts see their part: the first middle school (the chair's union) has its year of
activities, and 李静 (the member account) has activities to sign up for and one she already signed up for.

Written with bulk_create and the raw writer of demo/bulk.py (participations keep their own sign-up times),
from a seeded random stream: the same seed and day give the same data.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Audience,
    CompetitionEntry,
    Honour,
    HonourKind,
    HonourStatus,
    Participation,
)
from gonghui.members.models import EmploymentType, Member, Status
from gonghui.orgs.models import FEDERATION_LEVELS, Level, OrgNode

from .bulk import TableWriter, Values, reset_sequences

CHAIR_UNION = "HBYZ"       # the union of the demo chair, officer, women's officer and member accounts
MEMBER_GROUP = "HBYZ-YW"   # 李静's 工会小组


@dataclass(frozen=True)
class DemoMember:
    id: int
    union_id: int
    group_id: int | None
    path: str
    female: bool
    birth_date: datetime.date
    retired: bool
    front_line: bool
    user_id: int | None
    new_form: bool = False


def demo_population(root: OrgNode) -> dict[int, list[DemoMember]]:
    """Members (status member) of the demo county by union id, in a stable order. One query."""
    rows = (Member.objects.filter(path__under=root.path, status__in=[Status.ACTIVE, Status.RETAINED])
            .order_by("union_id", "card_no")
            .values_list("id", "union_id", "group_id", "path", "gender", "birth_date", "employment_type",
                         "retain_reason", "is_front_line", "user_id", "status", "new_form_group"))
    by_union: dict[int, list[DemoMember]] = defaultdict(list)
    for pk, union_id, group_id, path, gender, born, employment, retain, front, user_id, status, new_form in rows:
        retired = employment == EmploymentType.RETIRED or retain == "retired"
        if status == Status.RETAINED and not retired:
            continue  # unemployed or unit closed: kept by the union, left out of its activities and gifts
        by_union[union_id].append(DemoMember(pk, union_id, group_id, path, gender == "F", born, retired, front,
                                             user_id, bool(new_form)))
    return by_union


# (kind, title, month, day, audience, capacity share or None, budget per head)
UNION_CALENDAR = [
    (ActivityKind.FESTIVAL, "迎新春职工联欢会", 1, 18, Audience.ALL, None, 60),
    (ActivityKind.VOLUNTEER, "学雷锋志愿服务进社区", 3, 5, Audience.ALL, 0.15, 10),
    (ActivityKind.FESTIVAL, "“三八”国际妇女节女职工插花活动", 3, 7, Audience.WOMEN, 0.6, 80),
    (ActivityKind.SPORTS_CULTURE, "春季职工健步走", 4, 12, Audience.ALL, None, 30),
    (ActivityKind.TRAINING, "安全生产与应急救护知识培训", 5, 16, Audience.ALL, 0.4, 20),
    (ActivityKind.COMPETITION, "职工岗位技能比武", 5, 24, Audience.ALL, 0.12, 50),
    (ActivityKind.FESTIVAL, "端午节包粽子活动", 6, 6, Audience.ALL, 0.3, 40),
    (ActivityKind.TRAINING, "职工心理健康讲座", 6, 20, Audience.ALL, None, 15),
    (ActivityKind.SPORTS_CULTURE, "职工气排球比赛", 9, 13, Audience.ALL, 0.2, 40),
    (ActivityKind.FESTIVAL, "中秋游园会", 9, 25, Audience.ALL, None, 50),
    (ActivityKind.RECUPERATION, "职工疗休养（黄山）", 10, 20, Audience.ALL, 0.08, 1800),
    (ActivityKind.SPORTS_CULTURE, "职工读书分享会", 11, 8, Audience.ALL, 0.25, 20),
    (ActivityKind.SPORTS_CULTURE, "退休职工重阳登高", 10, 11, Audience.RETIREES, None, 60),
    (ActivityKind.MEETING, "会员代表大会", 12, 12, Audience.ALL, None, 10),
]
SCHOOL_EXTRA = [
    (ActivityKind.COMPETITION, "青年教师教学基本功比赛", 4, 26, Audience.ALL, None, 30),
    (ActivityKind.SPORTS_CULTURE, "语文组读书沙龙", 11, 14, Audience.GROUP, None, 20),
]
HOSPITAL_EXTRA = [(ActivityKind.COMPETITION, "护理技能竞赛", 5, 12, Audience.ALL, 0.1, 60)]
FEDERATION_CALENDAR = [
    (ActivityKind.SPORTS_CULTURE, "职工运动会", 4, 20, 0.03),
    (ActivityKind.COMPETITION, "职工劳动和技能竞赛", 8, 28, 0.01),
    (ActivityKind.TRAINING, "基层工会主席培训班", 7, 10, 0.005),
]
PLACES = ["单位会议室", "职工之家", "单位操场", "职工书屋", "区职工文化宫", "区体育馆", "湖滨公园"]
# The coming weeks (days from the day of the build) in the chair's union: open for sign-up.
UPCOMING = [
    (ActivityKind.SPORTS_CULTURE, "冬季职工长跑", 12, Audience.ALL, 60),
    (ActivityKind.TRAINING, "工会会员权益维护知识讲座", 19, Audience.ALL, None),
    (ActivityKind.FESTIVAL, "迎新年语文组茶话会", 26, Audience.GROUP, None),
    (ActivityKind.RECUPERATION, "寒假教职工疗休养（安吉）", 45, Audience.ALL, 20),
]
PRIZES = ["一等奖", "二等奖", "二等奖", "三等奖", "三等奖", "三等奖", "优秀奖", "优秀奖"]


def db_time(values: Values, moment: datetime.datetime):
    """An aware datetime as the raw writer takes it (naive UTC text on SQLite), cheaper than the ORM's
    adaptation for the many rows of the demo."""
    if values.sqlite:
        return str(moment.astimezone(datetime.UTC).replace(tzinfo=None))
    return moment


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _day(year: int, month: int, day: int, rng: random.Random) -> datetime.date:
    return datetime.date(year, month, day) + datetime.timedelta(days=rng.randint(-3, 3))


class _Writer:
    """Collects activities and their participations, then writes them in bulk."""

    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.now = _aware(today, 8)
        self.values = Values()
        self.activities: list[Activity] = []
        self.people: list[list[tuple[DemoMember, str, bool]]] = []   # per activity: (member, status, attended)

    def activity(self, *, node: OrgNode, kind: str, title: str, starts_at: datetime.datetime, audience: str,
                 pool: list[DemoMember], share: float, capacity_share: float | None, per_head: int,
                 creator: User | None, include_subtree: bool = False, group: OrgNode | None = None,
                 keep: list[DemoMember] = (), upcoming: bool = False) -> None:
        rng = self.rng
        capacity = max(8, round(len(pool) * capacity_share)) if capacity_share else None
        wanted = min(len(pool), max(3, round(len(pool) * share)))
        chosen = rng.sample(pool, wanted) if pool else []
        chosen = [member for member in keep if member in pool] + [m for m in chosen if m not in keep]
        if upcoming:  # a few sign-ups so far; the demo member is left free to sign up herself
            chosen = [member for member in chosen if member.user_id is None][:max(1, len(chosen) // 5)]
            chosen += [member for member in keep if member in pool and member not in chosen]
        rows = []
        for index, member in enumerate(chosen):
            waiting = capacity is not None and index >= capacity
            if waiting and (upcoming or rng.random() < 0.6):
                rows.append((member, "waiting", False))
            elif waiting:
                continue
            elif not upcoming and rng.random() < 0.04:
                rows.append((member, "cancelled", False))
            else:
                rows.append((member, "signed_up", not upcoming and rng.random() < 0.92))
        signed = sum(1 for _, status, _ in rows if status == "signed_up")
        budget = Decimal(per_head * max(signed, 10))
        finished = not upcoming
        self.activities.append(Activity(
            organiser=node, path=node.path, title=title, kind=kind, starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=rng.choice([2, 2, 3, 4]) if kind != "recuperation" else 72),
            place=rng.choice(PLACES), audience=audience, audience_group=group, include_subtree=include_subtree,
            capacity=capacity, signup_deadline=starts_at - datetime.timedelta(days=2), budget=budget,
            actual_cost=(budget * Decimal(str(round(rng.uniform(0.8, 1.0), 2)))).quantize(Decimal("0.01"))
            if finished else None,
            description=f"{node.name}组织的{title}。",
            status=ActivityStatus.FINISHED if finished else ActivityStatus.OPEN,
            signed_up_count=signed, waiting_count=sum(1 for _, status, _ in rows if status == "waiting"),
            attended_count=sum(1 for _, _, attended in rows if attended), created_by=creator,
        ))
        self.people.append(rows)

    def write(self, creator_ids: set[int]) -> list[Activity]:
        created = Activity.objects.bulk_create(self.activities, batch_size=500)
        writer = TableWriter(Participation, ["id", "activity", "member", "status", "signed_up_at", "added_by",
                                             "checked_in_at", "check_in_method"], batch_size=20_000)
        officer = next(iter(sorted(creator_ids)), None)
        rng = self.rng
        for activity, rows in zip(created, self.people, strict=True):
            opened = activity.starts_at - datetime.timedelta(days=rng.randint(10, 25))
            for member, status, attended in rows:
                signed_at = min(opened + datetime.timedelta(minutes=rng.randint(5, 60 * 24 * 8)), self.now)
                by_officer = rng.random() < 0.1
                checked_at = (activity.starts_at + datetime.timedelta(minutes=rng.randint(-20, 15))
                              if attended else None)
                method = ("officer" if rng.random() < 0.12 else "qr") if attended else ""
                writer.add((writer.allocate_id(), activity.pk, member.id, status, db_time(self.values, signed_at),
                            officer if by_officer else None,
                            db_time(self.values, checked_at) if checked_at else None, method))
        writer.flush()
        reset_sequences([Participation])
        return created


def build_activities(rng: random.Random, root: OrgNode, *, today: datetime.date,
                     population: dict[int, list[DemoMember]] | None = None) -> dict[str, int]:
    """Two years of activities, competitions and honours under `root` (call inside a transaction)."""
    population = population if population is not None else demo_population(root)
    nodes = {node.pk: node for node in OrgNode.objects.filter(path__under=root.path)}
    by_code = {node.code: node for node in nodes.values()}
    users = {user.username: user for user in User.objects.filter(username__in=["officer", "qu_admin", "chair"])}
    creator_union = users.get("officer")
    creator_fed = users.get("qu_admin")
    writer = _Writer(rng, today)
    years = [today.year - 1, today.year]
    chair_union = by_code.get(CHAIR_UNION)
    for union_id, members in sorted(population.items()):
        union = nodes[union_id]
        active = [member for member in members if not member.retired]
        retirees = [member for member in members if member.retired]
        if len(active) < 5:
            continue
        calendar = list(UNION_CALENDAR)
        if union.code == CHAIR_UNION:
            calendar += SCHOOL_EXTRA
        elif union.code == "QRMYY":
            calendar += HOSPITAL_EXTRA
        # small unions hold the main few; big ones most of the calendar
        held = len(calendar) if len(active) >= 150 or union.code == CHAIR_UNION else min(
            len(calendar), 4 + len(active) // 25)
        creator = creator_union if union.code == CHAIR_UNION else creator_fed
        for year in years:
            for kind, title, month, day, audience, capacity_share, per_head in rng.sample(calendar, held):
                date = _day(year, month, day, rng)
                if date >= today:
                    continue
                group = None
                if audience == Audience.WOMEN:
                    pool = [member for member in active if member.female]
                elif audience == Audience.RETIREES:
                    pool = retirees
                elif audience == Audience.GROUP:
                    group = by_code.get(MEMBER_GROUP)
                    pool = [member for member in active if group and member.group_id == group.pk]
                else:
                    pool = active
                if len(pool) < 3:
                    continue
                keep = [member for member in pool if member.user_id is not None] if rng.random() < 0.7 else []
                writer.activity(node=union, kind=kind, title=f"{year}年{title}", starts_at=_aware(date, 9, 30),
                                audience=audience, pool=pool, share=rng.uniform(0.35, 0.85),
                                capacity_share=capacity_share, per_head=per_head, creator=creator, group=group,
                                keep=keep)
    # the federations' own activities, open to their whole subtree
    federations = [node for node in nodes.values() if node.level in FEDERATION_LEVELS]
    for federation in sorted(federations, key=lambda node: node.path):
        pool = [member for union_id, members in population.items() if nodes[union_id].path.startswith(federation.path)
                for member in members if not member.retired]
        for year in years:
            for kind, title, month, day, share in FEDERATION_CALENDAR:
                date = _day(year, month, day, rng)
                if date >= today or (federation.level == Level.STREET_FEDERATION and kind == "training"):
                    continue
                writer.activity(node=federation, kind=kind, title=f"{year}年{federation.name[:-3]}{title}",
                                starts_at=_aware(date, 8, 30), audience=Audience.ALL, pool=pool,
                                share=share, capacity_share=None, per_head=80, creator=creator_fed,
                                include_subtree=True)
    # the coming weeks in the chair's union: open for sign-up
    if chair_union is not None and chair_union.pk in population:
        active = [member for member in population[chair_union.pk] if not member.retired]
        group = by_code.get(MEMBER_GROUP)
        demo_member = [member for member in active if member.user_id is not None]
        for index, (kind, title, days_ahead, audience, capacity) in enumerate(UPCOMING):
            pool = [member for member in active if member.group_id == group.pk] if audience == Audience.GROUP \
                else active
            start = _aware(today + datetime.timedelta(days=days_ahead), 14)
            writer.activity(node=chair_union, kind=kind, title=title, starts_at=start, audience=audience, pool=pool,
                            share=0.5, capacity_share=capacity / max(len(pool), 1) if capacity else None,
                            per_head=50 if kind != "recuperation" else 1500, creator=creator_union,
                            group=group if audience == Audience.GROUP else None,
                            keep=demo_member if index == 1 else [], upcoming=True)
    activities = writer.write({user.pk for user in users.values()})
    entries = _competition_entries(rng, activities, writer)
    honours = _honours(rng, population, nodes, by_code, today=today, years=years, decider=creator_fed)
    return {"activities": len(activities), "participations": sum(len(rows) for rows in writer.people),
            "competition_entries": entries, "honours": honours}


def _competition_entries(rng: random.Random, activities: list[Activity], writer: _Writer) -> int:
    """Ranks and prizes for the finished competitions, among those who took part."""
    entries = []
    for activity, rows in zip(activities, writer.people, strict=True):
        if activity.kind != ActivityKind.COMPETITION or activity.status != ActivityStatus.FINISHED:
            continue
        attended = [member for member, _, came in rows if came][:len(PRIZES)]
        scores = sorted((round(rng.uniform(72, 98), 1) for _ in attended), reverse=True)
        entries += [CompetitionEntry(activity=activity, member_id=member.id, event="个人赛",
                                     score=Decimal(str(score)), rank=rank, prize=PRIZES[rank - 1])
                    for rank, (member, score) in enumerate(zip(attended, scores, strict=True), start=1)]
    CompetitionEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def _honours(rng: random.Random, population: dict[int, list[DemoMember]], nodes: dict[int, OrgNode],
             by_code: dict[str, OrgNode], *, today: datetime.date, years: list[int], decider: User | None) -> int:
    """Each union nominates; the federation above decides (the county for the higher honours)."""
    root = next(node for node in nodes.values() if node.parent_id is None)
    honours: list[Honour] = []
    taken: set[tuple[str, int, int]] = set()

    def nominate(union: OrgNode, approver: OrgNode, kind: str, year: int, *, member: DemoMember | None = None,
                 collective: OrgNode | None = None, decided: datetime.date | None, outcome: str) -> None:
        if member is not None:
            if (kind, year, member.id) in taken:
                return
            taken.add((kind, year, member.id))
        label = HonourKind(kind).label
        title = f"{year}年度{label}" if kind in (HonourKind.EXCELLENT_MEMBER, HonourKind.ADVANCED_COLLECTIVE) \
            else f"{year}年{label}"
        honours.append(Honour(
            kind=kind, title=str(title), year=year, nominated_by=union, path=union.path, approver=approver,
            approver_path=approver.path, member_id=member.id if member else None, collective=collective,
            citation="爱岗敬业，积极参加工会活动，群众基础好。" if member else "组织健全，活动经常，会员满意度高。",
            status=outcome, decided_by=decider if decided else None,
            decided_at=_aware(decided, 16) if decided else None,
            decision_note="" if outcome != HonourStatus.REJECTED else "名额有限，建议明年再推荐",
            awarded_on=decided if outcome == HonourStatus.APPROVED else None,
        ))

    for union_id, members in sorted(population.items()):
        union = nodes[union_id]
        if union.level not in (Level.GRASSROOTS_UNION, Level.JOINT_UNION) or union.parent_id not in nodes:
            continue
        approver = nodes[union.parent_id]
        active = [member for member in members if not member.retired and member.user_id is None]
        if len(active) < 10:
            continue
        for year in years:
            count = 1 + len(active) // 80
            picks = rng.sample(active, min(len(active), count + 1))
            year_end = datetime.date(year, 12, 20)
            if year_end < today:   # last year's: decided at the year's end, one not approved
                for index, member in enumerate(picks):
                    outcome = HonourStatus.REJECTED if index == count else HonourStatus.APPROVED
                    nominate(union, approver, HonourKind.EXCELLENT_MEMBER, year, member=member, decided=year_end,
                             outcome=outcome)
                if rng.random() < 0.4:
                    nominate(union, approver, HonourKind.ADVANCED_COLLECTIVE, year, collective=union,
                             decided=year_end, outcome=HonourStatus.APPROVED)
            else:                  # this year's: nominated, waiting for the federation
                for member in picks[:count]:
                    nominate(union, approver, HonourKind.EXCELLENT_MEMBER, year, member=member, decided=None,
                             outcome=HonourStatus.NOMINATED)
            # 三八红旗手 (March) and 五一劳动奖章 (April), decided by the county
            women = [member for member in active if member.female]
            for kind, month, day, pool in ((HonourKind.MARCH_8_RED_BANNER, 3, 6, women),
                                           (HonourKind.MAY_DAY_MEDAL, 4, 28, active)):
                decided = datetime.date(year, month, day)
                if pool and len(active) >= 60 and rng.random() < 0.5:
                    member = rng.choice(pool)
                    if decided < today:
                        nominate(union, root, kind, year, member=member, decided=decided,
                                 outcome=HonourStatus.APPROVED)
    # the school's 语文组 as a collective: 工人先锋号 last year
    school, group = by_code.get(CHAIR_UNION), by_code.get(MEMBER_GROUP)
    if school is not None and group is not None:
        nominate(school, nodes.get(school.parent_id, root), HonourKind.WORKER_PIONEER, years[0], collective=group,
                 decided=datetime.date(years[0], 4, 28), outcome=HonourStatus.APPROVED)
    Honour.objects.bulk_create(honours, batch_size=500)
    return len(honours)
