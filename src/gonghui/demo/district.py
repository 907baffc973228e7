"""A district at benchmark scale: `gonghui seed --scale district [--members N]`.

The 云溪区 district federation (code YXQ) with its streets and towns (YXQ01, YXQ02, ...), each with
community and park joint unions covering small units, an industry joint union for couriers, riders and
drivers (新就业形态), grassroots unions of schools, hospitals, government offices and enterprises with their
工会小组 and, in the largest, 分工会; and units that have no union yet. For the default 1,000,000 member
records that is 24 streets, about 20,000 units and 12,000 org nodes.

Proportions (plausible, not statistics of a real place): about half the units are small ones covered by a
joint union, 30% have their own union, 20% none; 85–98% of a covered unit's staff are members; women and
migrant workers by industry; of the member records about 94% active, 4% retained (mostly retired), and the
rest in transfer (with the pending Transfer), applicants, withdrawn, expelled, deceased, refused; 60% of the
women have a 女职工 record with check dates, a few in 五期.

Everything is generated in memory from one seed and written with raw batched inserts (demo/bulk.py) inside
one transaction, so an interrupted build leaves nothing behind. The member tallies are rebuilt at the end.
The same `--members` and `--seed` give the same district (dates that must be recent are counted from the
day of the build). A district that exists already is refused, never built twice.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from gonghui.members import tally
from gonghui.members.models import (
    MEMBER_STATUSES,
    EventKind,
    FivePeriod,
    Member,
    MembershipEvent,
    MemberTally,
    RetainReason,
    Status,
    Transfer,
    WomenRecord,
)
from gonghui.members.women.services import DETAIL_DEFAULTS
from gonghui.orgs.models import (
    SEGMENT_WIDTH,
    Coverage,
    Formation,
    Level,
    Officer,
    OfficerRole,
    OrgNode,
    Unit,
    path_segment,
)

from . import bulk
from .identifiers import credit_code
from .names import person_name
from .people import PROFILES, MemberFactory, Placement, sector

DEFAULT_MEMBERS = 1_000_000
ROOT_CODE = "YXQ"
ROOT_NAME = "云溪区总工会"
AREA = "320113"  # division code used in the units' credit codes (another county than the demo's)
MEMBERS_PER_UNIT = 50
UNITS_PER_STREET = 830
MAX_STREETS = 24

PLACES = ("梅园", "溪口", "松岭", "枫桥", "青莲", "白沙", "石门", "龙潭", "凤岗", "桂苑", "兰亭", "竹园", "云湖",
          "星港", "锦江", "柳塘", "荷塘", "金桥", "银杏", "翠屏", "杏林", "清泉", "东湖", "西岭")
COMMUNITIES = ("和平", "幸福", "阳光", "春晖", "新村", "康乐", "友谊", "文苑", "花园", "滨河", "朝阳", "育才",
               "长青", "丰收", "民主", "建设", "光明", "福泽", "嘉禾", "瑞景")
BRANDS = ("恒通", "德盛", "华信", "宏达", "金鑫", "鼎盛", "瑞丰", "永安", "天成", "博远", "嘉业", "汇通", "东方",
          "新华", "顺昌", "隆基", "盛世", "远航", "中泰", "广源", "合力", "兴业", "百川", "聚能", "长虹", "海润",
          "信达", "益民")

# (weight, kind, ownerships, industry, name suffixes, women share range, migrant share range, staff lognormal mu/sigma)
TEMPLATES = (
    (10, "public_institution", ("non_profit",), "P", ("小学", "中学", "实验学校"), (0.6, 0.8), (0, 0), (4.3, 0.4)),
    (3, "public_institution", ("non_profit",), "P", ("幼儿园",), (0.9, 1.0), (0, 0), (3.4, 0.3)),
    (4, "public_institution", ("non_profit",), "Q", ("医院", "社区卫生服务中心"), (0.6, 0.75), (0, 0), (4.6, 1.0)),
    (3, "government", ("non_profit",), "S", ("街道办事处", "市场监督管理所", "便民服务中心"), (0.4, 0.55), (0, 0),
     (3.9, 0.4)),
    (38, "enterprise", ("private", "private", "private", "shareholding", "foreign", "hmt", "state", "collective"),
     "C", ("精密机械有限公司", "电子科技有限公司", "纺织有限公司", "新材料有限公司", "食品有限公司",
           "汽车零部件有限公司"), (0.2, 0.65), (0.1, 0.5), (4.4, 1.1)),
    (6, "enterprise", ("private", "state"), "E", ("建设工程有限公司", "建筑安装有限公司"), (0.05, 0.15), (0.4, 0.8),
     (4.3, 0.9)),
    (6, "enterprise", ("private", "private", "hmt"), "G", ("物流有限公司", "运输有限公司", "供应链管理有限公司"),
     (0.1, 0.3), (0.2, 0.5), (4.0, 0.8)),
    (8, "enterprise", ("private", "shareholding"), "F", ("商贸有限公司", "超市有限公司", "百货有限公司"), (0.5, 0.75),
     (0.05, 0.3), (3.8, 0.8)),
    (7, "enterprise", ("private",), "H", ("餐饮管理有限公司", "酒店有限公司"), (0.5, 0.7), (0.2, 0.5), (3.7, 0.7)),
    (6, "enterprise", ("private", "private", "foreign"), "I", ("信息技术有限公司", "软件有限公司", "网络科技有限公司"),
     (0.25, 0.45), (0, 0.02), (3.9, 0.9)),
    (3, "enterprise", ("shareholding", "state"), "J", ("农村商业银行支行", "保险代理有限公司"), (0.5, 0.65), (0, 0),
     (3.6, 0.5)),
    (2, "enterprise", ("state",), "D", ("供电服务有限公司", "水务有限公司", "燃气有限公司"), (0.2, 0.3), (0, 0.05),
     (4.6, 0.6)),
    (2, "enterprise", ("private",), "K", ("物业服务有限公司",), (0.4, 0.6), (0.2, 0.5), (3.8, 0.6)),
    (2, "enterprise", ("private",), "L", ("人力资源有限公司", "企业管理咨询有限公司"), (0.4, 0.6), (0, 0.1),
     (3.3, 0.6)),
)
DELIVERY = (1, "enterprise", ("private",), "G", ("快递营业部", "同城配送站", "网约车服务有限公司", "货运有限公司"),
            (0.05, 0.15), (0.3, 0.6), (3.3, 0.5))

# Share of the member records in each status (the rest active).
STATUS_SHARES = (
    (Status.RETAINED, 0.04), (Status.IN_TRANSFER, 0.003), (Status.APPLICANT, 0.004), (Status.WITHDRAWN, 0.01),
    (Status.EXPELLED, 0.001), (Status.DECEASED, 0.003), (Status.REFUSED, 0.001),
)
# Why the retained keep their 会籍: mostly retirement.
RETAIN_REASONS = (RetainReason.RETIRED,) * 15 + (RetainReason.UNEMPLOYED,) * 4 + (RetainReason.UNIT_CLOSED,)
INACTIVE_SHARE = 0.012
WOMEN_RECORD_SHARE = 0.6
FIVE_PERIOD_SHARE = 0.06  # of the women aged 22–40 with a record


WRITTEN_MODELS = (OrgNode, Unit, Officer, Member, MembershipEvent, WomenRecord, Transfer, MemberTally)


class DistrictExists(Exception):
    pass


@dataclass
class DistrictResult:
    code: str
    database: str
    seconds: float
    nodes: int
    units: int
    members: int
    by_status: dict[str, int]
    events: int
    women_records: int
    transfers: int
    tallies: int
    streets: list[str] = field(default_factory=list)

    def summary(self) -> str:
        statuses = "，".join(f"{Status(status).label} {count:,}" for status, count in self.by_status.items() if count)
        return (f"区 {self.code}（{self.database}）已生成，用时 {self.seconds:.1f} 秒：{self.nodes:,} 个工会组织"
                f"（{len(self.streets)} 个街道/镇：{self.streets[0]}…{self.streets[-1]}），{self.units:,} 个单位，"
                f"{self.members:,} 条会员记录（{statuses}），{self.events:,} 条会籍记录，"
                f"{self.transfers:,} 条转接，{self.women_records:,} 条女职工记录，{self.tallies:,} 行会员统计。")


@dataclass
class NodeRef:
    id: int
    path: str
    code: str
    depth: int
    name: str
    level: str


@dataclass
class UnitPlan:
    name: str
    kind: str
    ownership: str
    industry: str
    profile: str
    staff: float
    women_share: float
    migrant_share: float
    area: NodeRef | None = None
    union: NodeRef | None = None
    id: int = 0
    records: int = 0


def district_exists(code: str = ROOT_CODE) -> bool:
    return OrgNode.objects.filter(code=code).exists()


def build_district(*, members: int = DEFAULT_MEMBERS, seed: int = 2026, today: datetime.date | None = None,
                   code: str = ROOT_CODE, progress: Callable[[str], None] | None = None) -> DistrictResult:
    """Build the district in one transaction; DistrictExists if its root code is taken."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    if district_exists(code):
        count = Member.objects.filter(path__under=OrgNode.objects.get(code=code).path).count()
        raise DistrictExists(
            f"区 {code} 已存在（{count:,} 条会员记录），不再重复生成。基准数据请生成到一个空数据库"
            f"（例如 GONGHUI_VAR_DIR 指向新目录，或新的 DATABASE_URL）。")
    bulk.prepare_connection()
    with transaction.atomic():
        builder = _Builder(random.Random(seed), today or timezone.localdate(), code, say, started)
        builder.plan(members)
        builder.write_tree()
        builder.write_members()
        say(f"  会员统计重建… ({time.perf_counter() - started:.0f} s)")
        tallies = tally.rebuild_all()
        # a women workers' committee where ten or more women are members (as the demo's unions)
        OrgNode.objects.filter(
            pk__in=MemberTally.objects.filter(women__gte=10, path__under=builder.root.path).values("union_id"),
            level__in=[Level.JOINT_UNION, Level.GRASSROOTS_UNION],
        ).update(women_committee_established=True)
        bulk.reset_sequences(WRITTEN_MODELS)
    bulk.analyze(WRITTEN_MODELS)
    root_path = builder.root.path
    by_status = dict.fromkeys(Status.values, 0)
    by_status.update(builder.factory.counts)
    return DistrictResult(
        code=code, database=connection.vendor, seconds=time.perf_counter() - started,
        nodes=OrgNode.objects.filter(path__under=root_path).count(),
        units=Unit.objects.filter(path__under=root_path).count(), members=builder.factory.members.written,
        by_status=by_status, events=builder.factory.events.written, women_records=builder.factory.women.written,
        transfers=builder.factory.transfers.written, tallies=tallies, streets=[s.code for s in builder.streets],
    )


def _lognormal(rng: random.Random, mu: float, sigma: float, low: float, high: float) -> float:
    return min(high, max(low, rng.lognormvariate(mu, sigma)))


class _Builder:
    def __init__(self, rng: random.Random, today: datetime.date, code: str, say: Callable[[str], None],
                 started: float):
        self.rng = rng
        self.today = today
        self.code = code
        self.say = say
        self.started = started
        self.values = bulk.Values()
        self.nodes = bulk.TableWriter(OrgNode, NODE_COLUMNS, batch_size=20_000)
        self.units_writer = bulk.TableWriter(Unit, UNIT_COLUMNS, batch_size=20_000)
        self.officers = bulk.TableWriter(Officer, OFFICER_COLUMNS, batch_size=20_000)
        self.credit_codes: set[str] = set(Unit.objects.values_list("credit_code", flat=True))
        self.streets: list[NodeRef] = []
        self.unions: list[NodeRef] = []
        self.units: list[UnitPlan] = []
        # per grassroots union: its unit; per joint union: its units
        self.covered: dict[int, list[UnitPlan]] = {}
        self.union_nodes: dict[int, NodeRef] = {}
        self.delivery_unions: set[int] = set()
        self.factory: MemberFactory

    def elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:.0f} s"

    # ---- the plan: streets, unions, units and their sizes ----------------------------------------------------

    def node(self, parent: NodeRef | None, level: str, name: str, code: str) -> NodeRef:
        rng, values = self.rng, self.values
        pk = self.nodes.allocate_id()
        path = (parent.path if parent else "") + path_segment(pk)
        is_union = level in (Level.JOINT_UNION, Level.GRASSROOTS_UNION)
        formation = {Level.JOINT_UNION: Formation.JOINT, Level.GRASSROOTS_UNION: Formation.INDEPENDENT}.get(level, "")
        founded = datetime.date(rng.randint(1985, 2020), rng.randint(1, 12), rng.randint(1, 28))
        years = 5 if level != Level.GRASSROOTS_UNION or rng.random() < 0.5 else 3
        # most terms current, about one in twelve overdue
        term_start = self.today - datetime.timedelta(days=rng.randint(30, years * 365 + 130))
        approved = is_union or level == Level.STREET_FEDERATION
        self.nodes.add((
            pk, values.now, values.now, name, code, level, parent.id if parent else None, path,
            parent.depth + 1 if parent else 0, formation, values.date(founded),
            values.date(founded + datetime.timedelta(days=20)) if approved else None,
            f"云工发〔{founded.year}〕{rng.randint(1, 80)}号" if approved else "",
            values.date(term_start) if level != Level.UNION_GROUP else None,
            years if level != Level.UNION_GROUP else None, False,
            f"云溪区{name[:2]}路{rng.randint(1, 400)}号" if level != Level.UNION_GROUP else "",
        ))
        ref = NodeRef(pk, path, code, parent.depth + 1 if parent else 0, name, level)
        if level != Level.UNION_GROUP:
            self.officer(ref, OfficerRole.CHAIR, term_start, years)
        return ref

    def officer(self, node: NodeRef, role: str, term_start: datetime.date, years: int) -> None:
        female = self.rng.random() < 0.45
        end = term_start + datetime.timedelta(days=round(years * 365.25))
        self.officers.add((self.officers.allocate_id(), self.values.now, self.values.now, node.id,
                           person_name(self.rng, female=female), "F" if female else "M", role, False,
                           self.values.date(term_start), self.values.date(end)))

    def unit_plan(self, template: tuple, *, place: str, small: bool = False, uncovered: bool = False) -> UnitPlan:
        rng = self.rng
        _weight, kind, ownerships, industry, suffixes, women, migrants, (mu, sigma) = template
        if small:
            staff = _lognormal(rng, 2.5, 0.6, 3, 24)
        elif uncovered:
            staff = _lognormal(rng, 3.0, 0.9, 3, 400)
        else:
            staff = _lognormal(rng, mu, sigma, 25, 12_000)
        suffix = rng.choice(suffixes)
        if kind in ("public_institution", "government"):
            name = f"云溪区{place}{rng.choice(COMMUNITIES)}{suffix}"
        else:
            name = f"{rng.choice(BRANDS)}{rng.choice(BRANDS)[0]}{suffix}"
        profile = "delivery" if template is DELIVERY else sector(kind, industry)
        return UnitPlan(name=name, kind=kind, ownership=rng.choice(ownerships), industry=industry, profile=profile,
                        staff=staff, women_share=rng.uniform(*women), migrant_share=rng.uniform(*migrants))

    def plan(self, members: int) -> None:
        rng = self.rng
        units_total = max(20, round(members / MEMBERS_PER_UNIT))
        street_count = max(2, min(MAX_STREETS, round(units_total / UNITS_PER_STREET)))
        weights = [template[0] for template in TEMPLATES]
        self.root = self.node(None, Level.COUNTY_FEDERATION, ROOT_NAME, self.code)
        for number in range(1, street_count + 1):
            place = PLACES[(number - 1) % len(PLACES)] + ("" if number <= len(PLACES) else str(number))
            kind_name = "镇" if number % 4 == 0 else "街道"
            street = self.node(self.root, Level.STREET_FEDERATION, f"{place}{kind_name}总工会",
                               f"{self.code}{number:02d}")
            self.streets.append(street)
            share = units_total / street_count
            # Joint unions of about 30 small units each; the first of each street is the couriers' and riders'.
            joint_units = round(share * 0.5)
            joint_count = max(2, round(joint_units / 30))
            for index in range(joint_count):
                if index == 0:
                    name, template = f"{place}快递物流行业联合工会", DELIVERY
                elif index == 1:
                    name, template = f"{place}产业园区联合工会", None
                else:
                    name, template = f"{place}{COMMUNITIES[index % len(COMMUNITIES)]}社区联合工会", None
                joint = self.node(street, Level.JOINT_UNION, name, f"{street.code}J{index + 1:03d}")
                self.unions.append(joint)
                if index == 0:
                    self.delivery_unions.add(joint.id)
                plans = []
                for _ in range(max(2, round(joint_units / joint_count))):
                    chosen = template or rng.choices(TEMPLATES, weights)[0]
                    plan = self.unit_plan(chosen, place=place, small=template is None)
                    if template is DELIVERY:
                        plan.staff = _lognormal(rng, 3.3, 0.5, 8, 80)
                    plan.area, plan.union = joint, joint
                    plans.append(plan)
                self.covered[joint.id] = plans
                self.units += plans
            for index in range(max(1, round(share * 0.3))):
                plan = self.unit_plan(rng.choices(TEMPLATES, weights)[0], place=place)
                union = self.node(street, Level.GRASSROOTS_UNION, f"{plan.name}工会", f"{street.code}G{index + 1:04d}")
                plan.area, plan.union = street, union
                self.unions.append(union)
                self.covered[union.id] = [plan]
                self.units.append(plan)
            for _ in range(max(1, round(share * 0.2))):
                plan = self.unit_plan(rng.choices(TEMPLATES, weights)[0], place=place, uncovered=True)
                plan.area = street
                self.units.append(plan)
        self.union_nodes = {union.id: union for union in self.unions}
        # Member records per covered unit: 85–98% of its staff. The units with their own union are scaled so
        # that the district holds `members`; the small units of the joint unions stay small (under 25 staff).
        covered = [plan for plan in self.units if plan.union is not None]
        rates = [rng.uniform(0.85, 0.98) for _ in covered]
        joint = sum(plan.staff * rate for plan, rate in zip(covered, rates, strict=True)
                    if plan.union.level == Level.JOINT_UNION)
        own = sum(plan.staff * rate for plan, rate in zip(covered, rates, strict=True)
                  if plan.union.level != Level.JOINT_UNION)
        scale = (members - joint) / own
        if scale < 0.25:  # a tiny district: scale everything alike
            scale_joint = scale = members / (joint + own)
        else:
            scale_joint = 1.0
        for plan in self.units:
            small = plan.union is not None and plan.union.level == Level.JOINT_UNION
            plan.staff = max(1, round(plan.staff * (scale_joint if small else scale)))
        for plan, rate in zip(covered, rates, strict=True):
            plan.records = min(plan.staff, max(1, round(plan.staff * rate)))
        # Exactly `members` records: the rounding difference goes to (or comes from) the largest units.
        difference = members - sum(plan.records for plan in covered)
        for plan in sorted(covered, key=lambda plan: -plan.staff):
            if difference == 0:
                break
            step = max(-plan.records + 1, min(difference, plan.staff - plan.records)) if difference > 0 else max(
                difference, -(plan.records - 1))
            plan.records += step
            difference -= step
        if difference > 0:  # every unit is full: grow the largest
            biggest = max(covered, key=lambda plan: plan.staff)
            biggest.staff += difference
            biggest.records += difference
        self.say(f"  计划：{len(self.streets)} 个街道/镇，{len(self.unions):,} 个工会，{len(self.units):,} 个单位 "
                 f"({self.elapsed()})")

    def write_tree(self) -> None:
        values = self.values
        for plan in self.units:
            plan.id = self.units_writer.allocate_id()
            union = plan.union
            code = credit_code(self.rng, kind=plan.kind, area=AREA)
            while code in self.credit_codes:
                code = credit_code(self.rng, kind=plan.kind, area=AREA)
            self.credit_codes.add(code)
            coverage = Coverage.NONE if union is None else (
                Coverage.JOINT if union.level == Level.JOINT_UNION else Coverage.INDEPENDENT)
            self.units_writer.add((
                plan.id, values.now, values.now, plan.name, code, plan.kind, plan.ownership, plan.industry,
                plan.staff, round(plan.staff * plan.women_share), round(plan.staff * plan.migrant_share),
                f"云溪区{plan.area.name[:2]}{self.rng.choice('东南西北中')}路{self.rng.randint(1, 600)}号",
                plan.area.id, union.id if union else None, (union or plan.area).path, coverage,
            ))

    # ---- members ---------------------------------------------------------------------------------------------

    def holders(self, union: NodeRef, records: int) -> list[tuple[Placement, int]]:
        """Where a union's members sit: 工会小组 for most in a large union, 分工会 in the largest."""
        place = Placement(union.id, union.path, union.code)
        if union.level == Level.JOINT_UNION or records < 120:
            return [(place, records)]
        slots: list[tuple[Placement, int]] = []
        remaining = records
        if records >= 1000:
            branches = min(8, records // 400)
            size = int(records * 0.7 / branches)
            for number in range(1, branches + 1):
                branch = self.node(union, Level.BRANCH_UNION, f"第{number}分工会", f"{union.code}-B{number}")
                groups = max(1, size // 60)
                in_groups = int(size * 0.85)
                for group_number in range(1, groups + 1):
                    group = self.node(branch, Level.UNION_GROUP, f"第{group_number}工会小组",
                                      f"{branch.code}-{group_number:02d}")
                    share = in_groups // groups + (1 if group_number <= in_groups % groups else 0)
                    slots.append((Placement(branch.id, branch.path, branch.code, None, group.id, group.path), share))
                slots.append((Placement(branch.id, branch.path, branch.code), size - in_groups))
                remaining -= size
        groups = min(20, max(1, remaining // 50))
        in_groups = int(remaining * 0.85)
        for group_number in range(1, groups + 1):
            group = self.node(union, Level.UNION_GROUP, f"第{group_number}工会小组", f"{union.code}-{group_number:02d}")
            share = in_groups // groups + (1 if group_number <= in_groups % groups else 0)
            slots.append((Placement(union.id, union.path, union.code, None, group.id, group.path), share))
        slots.append((place, remaining - in_groups))
        return [(slot, count) for slot, count in slots if count > 0]

    def write_members(self) -> None:
        rng = self.rng
        today = self.today.toordinal()
        self.factory = factory = MemberFactory(rng, today=self.today, event_kind=EventKind.IMPORTED,
                                               batch_size=20_000, new_unions=True)
        statuses = [status for status, _share in STATUS_SHARES]
        thresholds = []
        total = 0.0
        for _status, share in STATUS_SHARES:
            total += share
            thresholds.append(total)
        unions = self.unions
        street_of = {street.path: street for street in self.streets}
        street_path_length = 2 * SEGMENT_WIDTH  # the root's segment and the street's
        written = 0
        next_report = 100_000
        for union in unions:
            plans = self.covered[union.id]
            records = sum(plan.records for plan in plans)
            # each member's unit, in order
            unit_sequence = [plan for plan in plans for _ in range(plan.records)]
            slots = self.holders(union, records)
            street = street_of[union.path[:street_path_length]]
            index = 0
            for place, count in slots:
                for _ in range(count):
                    plan = unit_sequence[index]
                    index += 1
                    profile = PROFILES[plan.profile]
                    female = rng.random() < plan.women_share
                    migrant = rng.random() < plan.migrant_share
                    draw = rng.random()
                    status = Status.ACTIVE
                    for position, threshold in enumerate(thresholds):
                        if draw < threshold:
                            status = statuses[position]
                            break
                    age = 20 + (rng.random() + rng.random()) * 20
                    member_place = Placement(place.union_id, place.union_path, place.union_code, plan.id,
                                             place.group_id, place.group_path)
                    extra: dict = {}
                    if status == Status.RETAINED:
                        reason = RETAIN_REASONS[int(rng.random() * len(RETAIN_REASONS))]
                        extra = {"retain_reason": reason, "status_days_ago": 30 + int(rng.random() * 1500)}
                        if reason == RetainReason.RETIRED:
                            age = 60 + rng.random() * 8
                            extra["employment_type"] = "retired"
                        elif reason == RetainReason.UNIT_CLOSED:
                            # kept by the street federation; the card keeps the old union's number
                            member_place = Placement(street.id, street.path, place.union_code)
                    elif status == Status.IN_TRANSFER:
                        target = unions[int(rng.random() * len(unions))]
                        if target.id == place.union_id:
                            status = Status.ACTIVE
                        else:
                            extra = {"transfer_to": (target.id, target.path), "status_days_ago": int(rng.random() * 60),
                                     "reason": "工作调动"}
                    elif status in (Status.WITHDRAWN, Status.EXPELLED, Status.DECEASED, Status.REFUSED):
                        extra = {"status_days_ago": int(rng.random() * 1000), "reason": STATUS_REASONS[status]}
                    member_id = factory.add(member_place, profile, female=female, migrant=migrant, status=status,
                                            age=age, inactive=status == Status.ACTIVE and rng.random() < INACTIVE_SHARE,
                                            **extra)
                    if status == Status.IN_TRANSFER:
                        factory.transfer(member_id, from_union=(place.union_id, place.union_path),
                                         to_union=extra["transfer_to"], sent_on=today - extra["status_days_ago"],
                                         reason="工作调动")
                    if female and status in MEMBER_STATUSES and rng.random() < WOMEN_RECORD_SHARE:
                        self.women_record(member_id, member_place.path, age)
            written += records
            if written >= next_report:
                self.say(f"  会员 {written:,} 条 ({self.elapsed()})")
                next_report += 100_000
        # nodes added for groups and branches, then the rest of every table
        for writer in (self.nodes, self.units_writer, self.officers):
            writer.flush()
        factory.flush()

    def women_record(self, member_id: int, path: str, age: float) -> None:
        rng = self.rng
        today = self.factory.today_ordinal
        draw = rng.random()
        gynaecological = None if draw < 0.08 else today - int(rng.random() * (600 if draw < 0.35 else 340))
        general = None if draw < 0.04 else today - int(rng.random() * 900)
        details = None
        if 22 <= age <= 40 and rng.random() < FIVE_PERIOD_SHARE:
            details = self.five_period(today)
        self.factory.women_record(member_id, path, details=details, gynaecological=gynaecological, general=general)

    def five_period(self, today: int) -> dict:
        rng = self.rng
        day = datetime.date.fromordinal
        stage = rng.choice((FivePeriod.PREGNANT, FivePeriod.PREGNANT, FivePeriod.MATERNITY, FivePeriod.NURSING,
                            FivePeriod.NURSING))
        details = dict(DETAIL_DEFAULTS, stage=stage)
        if stage == FivePeriod.PREGNANT:
            details["expected_due_date"] = day(today + rng.randint(7, 270)).isoformat()
        elif stage == FivePeriod.MATERNITY:
            details["birth_date"] = day(today - rng.randint(1, 80)).isoformat()
            details["babies"] = 2 if rng.random() < 0.03 else 1
        else:
            details["birth_date"] = day(today - rng.randint(100, 360)).isoformat()
        return details


STATUS_REASONS = {
    Status.WITHDRAWN: "本人申请退会", Status.EXPELLED: "因犯罪被依法追究刑事责任，经工会委员会讨论决定除名",
    Status.DECEASED: "", Status.REFUSED: "申请人非本单位职工",
}

NODE_COLUMNS = ("id", "created_at", "updated_at", "name", "code", "level", "parent", "path", "depth", "formation",
                "founded_on", "approved_on", "approval_ref", "term_start", "term_years",
                "women_committee_established", "address")
UNIT_COLUMNS = ("id", "created_at", "updated_at", "name", "credit_code", "kind", "ownership", "industry",
                "staff_count", "women_count", "migrant_worker_count", "address", "area_node", "covering_union", "path",
                "coverage")
OFFICER_COLUMNS = ("id", "created_at", "updated_at", "node", "name", "gender", "role", "is_full_time", "term_start",
                   "term_end")
