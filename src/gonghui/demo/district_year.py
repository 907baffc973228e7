"""A year of union work at district scale, for the benchmarks of plans and summaries (issue 5, Speed):
`gonghui seed --scale district-year [--year Y]` on a database that holds the district (`--scale district`).

What a year of 1,000,000 members' unions leaves in the records, in plausible proportions: every union
holds 4–24 activities (more for larger unions) with 30–60% of its members checked in at each, up to 60 —
about 50,000 activities and 2,000,000 participations; 0.3% of the members have an active hardship file
due for review in the year, each helped one to three times; 2% are visited (illness, marriage, birth,
bereavement, retirement, festival) with a gift recorded as an assistance record, as the care services do.

Written with the raw batched writer of demo/bulk.py in one transaction, from a seeded random stream.
Refused when the year's activities exist already in the district.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.activities.models import Activity, ActivityKind, ActivityStatus, Participation
from gonghui.care.models import (
    Assistance,
    AssistanceKind,
    AssistanceStatus,
    Funding,
    GiftForm,
    HardshipCategory,
    HardshipCause,
    HardshipFile,
    HardshipStatus,
    Visit,
)
from gonghui.core import crypto
from gonghui.members.models import Member, Status
from gonghui.orgs.models import Level, OrgNode

from . import bulk
from .activities import db_time
from .district import ROOT_CODE

KINDS = [ActivityKind.SPORTS_CULTURE, ActivityKind.TRAINING, ActivityKind.FESTIVAL, ActivityKind.VOLUNTEER,
         ActivityKind.MEETING, ActivityKind.COMPETITION, ActivityKind.RECUPERATION]
TITLES = {
    ActivityKind.SPORTS_CULTURE: ["职工趣味运动会", "职工篮球赛", "健步走活动", "书画摄影展", "职工合唱比赛"],
    ActivityKind.TRAINING: ["工会干部业务培训", "安全生产知识讲座", "职工技能培训", "法律知识讲座"],
    ActivityKind.FESTIVAL: ["三八妇女节活动", "五一劳动节表彰会", "中秋联欢会", "迎新春茶话会"],
    ActivityKind.VOLUNTEER: ["职工志愿服务进社区", "无偿献血活动", "环保志愿行"],
    ActivityKind.MEETING: ["会员代表大会", "职代会", "工会委员会会议"],
    ActivityKind.COMPETITION: ["岗位技能比武", "劳动竞赛", "职工创新成果评比"],
    ActivityKind.RECUPERATION: ["劳模疗休养", "一线职工疗休养"],
}
VISITS = [("illness", AssistanceKind.ILLNESS, 500, 2000), ("marriage", AssistanceKind.MARRIAGE, 200, 800),
          ("birth", AssistanceKind.BIRTH, 200, 800), ("bereavement", AssistanceKind.BEREAVEMENT, 300, 1000),
          ("retirement", AssistanceKind.RETIREMENT, 200, 600), ("festival", AssistanceKind.FESTIVAL, 100, 300)]


class YearExists(Exception):
    pass


@dataclass
class YearResult:
    year: int
    seconds: float
    activities: int
    participations: int
    hardship_files: int
    assistance: int
    visits: int


def build_district_year(*, year: int | None = None, code: str = ROOT_CODE, seed: int = 2026,
                        progress: Callable[[str], None] | None = None) -> YearResult:
    started = time.perf_counter()
    say = progress or (lambda message: None)
    year = year or timezone.localdate().year - 1
    root = OrgNode.objects.filter(code=code).first()
    if root is None:
        raise YearExists(f"区 {code} 不存在：先运行 gonghui seed --scale district。")
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if Activity.objects.filter(path__under=root.path, starts_at__date__gte=first,
                               starts_at__date__lte=last).exists():
        raise YearExists(f"区 {code} 已有 {year} 年的活动记录，不再重复生成。")
    rng = random.Random(seed + year)
    bulk.prepare_connection()
    values = bulk.Values()
    say(f"  读取会员… ({time.perf_counter() - started:.0f} s)")
    unions = dict(OrgNode.objects.filter(path__under=root.path, level__in=[Level.GRASSROOTS_UNION, Level.JOINT_UNION])
                  .values_list("id", "path"))
    members: dict[int, list[int]] = defaultdict(list)
    for member_id, union_id in (Member.objects.filter(path__under=root.path, status=Status.ACTIVE)
                                .values_list("id", "union_id").iterator(chunk_size=50_000)):
        members[union_id].append(member_id)
    days = (last - first).days
    with transaction.atomic():
        activities = bulk.TableWriter(Activity, [
            "id", "created_at", "updated_at", "organiser", "path", "title", "kind", "starts_at", "ends_at", "place",
            "audience", "audience_group", "include_subtree", "capacity", "signup_deadline", "budget", "actual_cost",
            "description", "status", "signed_up_count", "waiting_count", "attended_count", "created_by"])
        participations = bulk.TableWriter(Participation, [
            "id", "activity", "member", "status", "signed_up_at", "added_by", "checked_in_at", "check_in_method"])
        files = bulk.TableWriter(HardshipFile, [
            "id", "created_at", "updated_at", "member", "union", "path", "category", "cause", "household_size",
            "details", "status", "filed_on", "union_approved_by", "union_approved_at", "approved_by", "approved_at",
            "last_reviewed_on", "next_review_on", "above_line_since", "relieved_on", "closed_reason"], batch_size=2000)
        assistance = bulk.TableWriter(Assistance, [
            "id", "created_at", "updated_at", "union", "path", "kind", "member", "hardship_file", "campaign", "amount",
            "form", "goods", "funding", "case", "reason", "on", "status", "submission", "requested_by", "approved_by",
            "approved_at", "paid_by", "paid_at", "payment_ref", "confirmed_at", "confirmed_how", "decision_note"])
        visits = bulk.TableWriter(Visit, [
            "id", "created_at", "updated_at", "union", "path", "member", "reason", "visited_on", "visitors", "place",
            "gift", "gift_value", "assistance", "notes", "notice", "recorded_by"])
        details = crypto.encrypt_json({"income": 30000, "spending": 8000, "note": "基准数据"})
        say(f"  活动、困难职工、走访… ({time.perf_counter() - started:.0f} s)")
        for union_id, path in unions.items():
            people = members.get(union_id)
            if not people:
                continue
            size = len(people)
            for _ in range(min(24, 4 + size // 40)):
                kind = rng.choice(KINDS)
                day = first + datetime.timedelta(days=rng.randint(0, days))
                starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.choice((9, 14, 15)))))
                came = rng.sample(people, min(size, 60, max(1, int(size * rng.uniform(0.3, 0.6)))))
                activity_id = activities.allocate_id()
                at = db_time(values, starts)
                activities.add((activity_id, values.now, values.now, union_id, path, rng.choice(TITLES[kind]), kind,
                                at, db_time(values, starts + datetime.timedelta(hours=2)), "工会活动室", "all", None,
                                False, None, None, "0", None, "", ActivityStatus.FINISHED, len(came), 0, len(came),
                                None))
                for member_id in came:
                    participations.add((participations.allocate_id(), activity_id, member_id, "signed_up", at, None,
                                        at, "officer"))
            for member_id in rng.sample(people, int(size * 0.003 + rng.random())):
                file_id = files.allocate_id()
                filed = values.date(datetime.date(year - 1, rng.randint(1, 12), rng.randint(1, 28)))
                review = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                files.add((file_id, values.now, values.now, member_id, union_id, path,
                           rng.choice([HardshipCategory.DEEP, HardshipCategory.RELATIVE]), HardshipCause.ILLNESS,
                           rng.randint(2, 5), details, HardshipStatus.ACTIVE, filed, None, values.now, None,
                           values.now, filed, values.date(review), None, None, ""))
                for kind in rng.sample([AssistanceKind.LIVING, AssistanceKind.MEDICAL, AssistanceKind.WARMTH],
                                       rng.randint(1, 3)):
                    on = first + datetime.timedelta(days=rng.randint(0, days))
                    assistance.add((assistance.allocate_id(), values.now, values.now, union_id, path, kind, member_id,
                                    file_id, None, str(Decimal(rng.randrange(500, 2001, 100))), GiftForm.CASH, "",
                                    Funding.UNION_FUNDS, "", "", values.date(on), AssistanceStatus.CONFIRMED, None,
                                    None, None, values.now, None, values.now, "", values.now, "签字确认", ""))
            for member_id in rng.sample(people, int(size * 0.02 + rng.random())):
                reason, kind, low, high = rng.choice(VISITS)
                on = first + datetime.timedelta(days=rng.randint(0, days))
                amount = str(Decimal(rng.randrange(low, high + 1, 50)))
                assistance_id = assistance.allocate_id()
                goods = reason == "festival"
                assistance.add((assistance_id, values.now, values.now, union_id, path, kind, member_id, None, None,
                                amount, GiftForm.GOODS if goods else GiftForm.CASH, "慰问品" if goods else "",
                                Funding.UNION_FUNDS, "", "", values.date(on), AssistanceStatus.CONFIRMED, None, None,
                                None, values.now, None, values.now, "", values.now, "签字确认", ""))
                visits.add((visits.allocate_id(), values.now, values.now, union_id, path, member_id, reason,
                            values.date(on), "工会主席", "", "慰问品" if goods else "慰问金", amount, assistance_id, "",
                            None, None))
        for writer in (activities, participations, files, assistance, visits):
            writer.flush()
        bulk.reset_sequences([Activity, Participation, HardshipFile, Assistance, Visit])
    bulk.analyze([Activity, Participation, HardshipFile, Assistance, Visit])
    return YearResult(year=year, seconds=time.perf_counter() - started, activities=activities.written,
                      participations=participations.written, hardship_files=files.written,
                      assistance=assistance.written, visits=visits.written)
