"""The demo county: a county federation, 3 street federations, community joint unions and an industry
joint union for riders and couriers, about 65 units (schools, hospitals, kindergartens, enterprises of
several ownerships and sizes, some without a union), officers with terms (some overdue), one demo account
per role, and about 5,000 members with their history (demo/members.py).

Deterministic: the same seed gives the same names, codes and figures (dates that must be recent, such as a
transfer waiting or a due date, are counted from the day of the build). The tree is built through the
services, so the audit log starts with the records' creation, as it would in real use.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation

from gonghui.accounts import services as account_services
from gonghui.accounts.models import Role, User
from gonghui.activities.models import Activity
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Formation, Level, OfficerRole, OrgNode, Unit
from gonghui.orgs.rules import committee_size_range

from . import activities as demo_activities
from . import care as demo_care
from . import members as demo_members
from . import plans as demo_plans
from . import rights as demo_rights
from .identifiers import credit_code
from .names import person_name

ROOT_CODE = "BHQ"
DEMO_PASSWORD = "Gonghui@2026"
AREA = "320115"  # the county's administrative division code, used in credit codes

STREETS = [
    ("HBJD", "湖滨街道总工会", "street_federation", [("WHSQ", "望湖社区联合工会"), ("LASQ", "柳岸社区联合工会")]),
    ("XCJD", "新城街道总工会", "street_federation", [("JXSQ", "锦绣社区联合工会"), ("CYYQ", "新城创业园区联合工会")]),
    ("TYZ", "桃源镇总工会", "street_federation", [("TYC", "桃源村联合工会"), ("QSSQ", "青石社区联合工会")]),
]

# (street code or None for the county, union code, unit name, kind, ownership, industry, staff, women share)
INDEPENDENT_UNITS = [
    (None, "QZFJG", "滨湖区人民政府办公室", "government", "non_profit", "S", 86, 0.45),
    (None, "QJYJ", "滨湖区教育局", "government", "non_profit", "S", 64, 0.55),
    ("HBJD", "HBYZ", "滨湖区第一中学", "public_institution", "non_profit", "P", 186, 0.62),
    ("HBJD", "HBSX", "滨湖区实验小学", "public_institution", "non_profit", "P", 124, 0.78),
    ("HBJD", "QRMYY", "滨湖区人民医院", "public_institution", "non_profit", "Q", 862, 0.71),
    ("HBJD", "HBYEY", "湖滨幼儿园", "public_institution", "non_profit", "P", 42, 0.95),
    ("HBJD", "BHRD", "滨湖热电有限公司", "enterprise", "state", "D", 318, 0.21),
    ("HBJD", "HBSM", "湖滨商贸集团股份有限公司", "enterprise", "shareholding", "F", 214, 0.58),
    ("XCJD", "XCZX", "滨湖区新城中学", "public_institution", "non_profit", "P", 148, 0.6),
    ("XCJD", "XCXX", "新城小学", "public_institution", "non_profit", "P", 96, 0.8),
    ("XCJD", "QZYY", "滨湖区中医院", "public_institution", "non_profit", "Q", 431, 0.68),
    ("XCJD", "XCEY", "新城第二幼儿园", "public_institution", "non_profit", "P", 31, 0.97),
    ("XCJD", "HTJM", "恒通精密机械有限公司", "enterprise", "private", "C", 562, 0.24),
    ("XCJD", "DSDZ", "德盛电子（滨湖）有限公司", "enterprise", "foreign", "C", 1248, 0.52),
    ("XCJD", "XCJS", "滨湖新城建设工程有限公司", "enterprise", "state", "E", 205, 0.12),
    ("XCJD", "ZXKJ", "智行软件科技有限公司", "enterprise", "private", "I", 76, 0.35),
    ("XCJD", "GAWL", "港安物流（滨湖）有限公司", "enterprise", "hmt", "G", 138, 0.18),
    ("TYZ", "TYZX", "桃源镇中心小学", "public_institution", "non_profit", "P", 58, 0.74),
    ("TYZ", "TYWSY", "桃源镇卫生院", "public_institution", "non_profit", "Q", 67, 0.66),
    ("TYZ", "TYYEY", "桃源镇中心幼儿园", "public_institution", "non_profit", "P", 27, 1.0),
    ("TYZ", "LYNY", "绿源农业科技有限公司", "enterprise", "private", "A", 88, 0.41),
    ("TYZ", "TYFZ", "桃源纺织有限公司", "enterprise", "collective", "C", 276, 0.69),
]

SMALL_TRADES = [
    ("餐饮管理有限公司", "enterprise", "private", "H"),
    ("物业服务有限公司", "enterprise", "private", "K"),
    ("便利店", "enterprise", "private", "F"),
    ("汽车维修有限公司", "enterprise", "private", "O"),
    ("律师事务所", "social_organisation", "non_profit", "L"),
    ("快递服务站", "enterprise", "private", "G"),
    ("家政服务有限公司", "enterprise", "private", "O"),
    ("社会工作服务中心", "social_organisation", "non_profit", "S"),
    ("广告设计工作室", "enterprise", "private", "L"),
    ("口腔诊所", "enterprise", "private", "Q"),
]

# Units in the area with no union yet: (street code, name, kind, ownership, industry, staff, women share)
UNCOVERED_UNITS = [
    ("HBJD", "湖滨美食城餐饮有限公司", "enterprise", "private", "H", 46, 0.6),
    ("HBJD", "鑫达装饰工程有限公司", "enterprise", "private", "E", 18, 0.1),
    ("XCJD", "速达同城配送有限公司", "enterprise", "private", "G", 63, 0.08),
    ("XCJD", "云帆网络科技有限公司", "enterprise", "private", "I", 12, 0.4),
    ("XCJD", "新城民办培训学校", "social_organisation", "non_profit", "P", 29, 0.7),
    ("TYZ", "桃源石材加工厂", "enterprise", "private", "C", 34, 0.15),
    ("TYZ", "桃源农家乐合作社", "enterprise", "collective", "H", 9, 0.7),
]

# An industry joint union for the new forms of employment (riders, couriers, drivers, online marketers):
# (street code, union code, union name, [(unit name, kind, ownership, industry, staff, women share)])
NEW_FORM_UNION = ("XCJD", "XCKD", "新城快递物流行业联合工会", [
    ("云达快递新城营业部", "enterprise", "private", "G", 42, 0.12),
    ("蜂鸟同城配送新城站", "enterprise", "private", "G", 56, 0.07),
    ("畅行网约车服务有限公司", "enterprise", "private", "G", 31, 0.1),
    ("安运货运有限公司", "enterprise", "private", "G", 27, 0.04),
    ("优选直播电商服务有限公司", "enterprise", "private", "L", 14, 0.57),
])

DEMO_ACCOUNTS = [
    # (username, name, role, node code)
    ("qu_admin", "周建国", Role.FEDERATION_ADMIN, ROOT_CODE),
    ("chair", "林晓梅", Role.UNION_CHAIR, "HBYZ"),
    ("officer", "陈志强", Role.UNION_OFFICER, "HBYZ"),
    ("finance", "王丽娟", Role.FINANCE_OFFICER, "HBYZ"),
    ("auditor", "赵文博", Role.AUDIT_OFFICER, "HBYZ"),
    ("women", "孙秀英", Role.WOMEN_OFFICER, "HBYZ"),
    ("group_leader", "刘海峰", Role.GROUP_LEADER, "HBYZ-YW"),
    ("leader", "郑国华", Role.READONLY_LEADER, ROOT_CODE),
    ("member", "李静", Role.MEMBER, "HBYZ-YW"),
    ("street_admin", "黄志文", Role.FEDERATION_ADMIN, "HBJD"),
]


@dataclass
class SeedResult:
    created: bool
    nodes: int
    units: int
    accounts: list[tuple[str, str, str, str]]
    members_created: bool = False
    members: dict[str, int] = field(default_factory=dict)
    care_created: bool = False
    care: dict[str, int] = field(default_factory=dict)
    plans_created: bool = False
    plans: dict = field(default_factory=dict)


def _term(rng: random.Random, *, overdue: bool, years: int) -> datetime.date:
    # Fixed reference year keeps the data the same whenever it is built; "overdue" terms ended in 2024-25.
    if overdue:
        return datetime.date(2025 - years - rng.randint(0, 1), rng.randint(1, 12), rng.randint(1, 28))
    return datetime.date(2026 - rng.randint(0, years - 2), rng.randint(1, 10), rng.randint(1, 28))


def _officers(rng: random.Random, node: OrgNode, *, size: int, audit: bool, women: bool,
              members: int = 0) -> None:
    start = node.term_start
    end = node.term_end
    roles = [OfficerRole.CHAIR] + [OfficerRole.VICE_CHAIR] * (1 if size >= 5 else 0)
    roles += [OfficerRole.COMMITTEE_MEMBER] * (size - len(roles))
    if audit:
        roles.append(OfficerRole.AUDIT_DIRECTOR)
    if women:
        roles.append(OfficerRole.WOMEN_DIRECTOR)
    for index, role in enumerate(roles):
        female = role == OfficerRole.WOMEN_DIRECTOR or rng.random() < 0.45
        org_services.officer_create(
            actor=None, node=node, name=person_name(rng, female=female), gender="F" if female else "M",
            role=role, is_full_time=(index == 0 and members >= 200), term_start=start, term_end=end,
        )


def _union(rng: random.Random, *, parent: OrgNode, code: str, name: str, level: str, staff: int,
           women_share: float, overdue: bool, quirk: str = "") -> OrgNode:
    members = max(1, round(staff * rng.uniform(0.9, 0.99)))
    women_members = min(members, round(members * women_share))
    years = 5 if level == Level.JOINT_UNION or rng.random() < 0.5 else 3
    term_start = _term(rng, overdue=overdue, years=years)
    node = org_services.node_create(
        actor=None, parent=parent, level=level, name=name, code=code,
        formation=Formation.JOINT if level == Level.JOINT_UNION else Formation.INDEPENDENT,
        founded_on=datetime.date(rng.randint(1985, 2016), rng.randint(1, 12), rng.randint(1, 28)),
        approved_on=None if quirk == "unapproved" else datetime.date(2017, 3, 1),
        approval_ref="" if quirk == "unapproved" else f"滨工发〔2017〕{rng.randint(3, 60)}号",
        term_start=term_start, term_years=years,
        women_committee_established=women_members >= 10 and quirk != "no_women_committee",
        address=f"滨湖区{parent.name[:2]}路{rng.randint(1, 300)}号",
    )
    size_range = committee_size_range(members)
    size = size_range[0] if size_range else 1
    if size_range and size_range[1] > size_range[0]:
        size = rng.choice(range(size_range[0], size_range[1] + 1, 2))
    if quirk == "committee_too_small" and size > 3:
        size -= 2
    if members < 25:
        _officers_organiser(rng, node)
    else:
        _officers(rng, node, size=size, audit=quirk != "no_audit", women=women_members >= 10, members=members)
    return node


def _officers_organiser(rng: random.Random, node: OrgNode) -> None:
    female = rng.random() < 0.6
    org_services.officer_create(
        actor=None, node=node, name=person_name(rng, female=female), gender="F" if female else "M",
        role=OfficerRole.ORGANISER, term_start=node.term_start, term_end=node.term_end,
    )


def _unit(rng: random.Random, *, name: str, kind: str, ownership: str, industry: str, staff: int,
          women_share: float, area: OrgNode, union: OrgNode | None) -> Unit:
    women = round(staff * women_share)
    migrants = round(staff * rng.uniform(0.0, 0.35)) if kind == "enterprise" else 0
    return org_services.unit_create(
        actor=None, name=name, credit_code=credit_code(rng, kind=kind, area=AREA), kind=kind,
        ownership=ownership, industry=industry, staff_count=staff, women_count=women,
        migrant_worker_count=migrants,
        address=f"滨湖区{area.name[:2]}{rng.choice('东南西北中')}路{rng.randint(1, 400)}号",
        area_node=area, covering_union=union,
    )


def demo_exists() -> bool:
    return OrgNode.objects.filter(code=ROOT_CODE).exists()


@transaction.atomic
def build_demo(seed: int = 2026, *, today: datetime.date | None = None) -> SeedResult:
    """Build the demo county once; a second call keeps what is there and only makes sure the demo
    accounts exist. Members are added once too, also to a county built before they were part of the demo."""
    created = not demo_exists()
    if created:
        _build(random.Random(seed))
    accounts = _ensure_accounts()
    root = OrgNode.objects.get(code=ROOT_CODE)
    members_created = not demo_members.demo_members_exist(root)
    if members_created:
        # A random stream of its own: the org tree above stays the same whether or not members follow.
        demo_members.build_members(random.Random(seed + 1), root, today=today)
    # Two years of activities, honours and care (issue 4), once: streams of their own again.
    care_created = not Activity.objects.filter(path__under=root.path).exists()
    care: dict[str, int] = {}
    if care_created:
        day = today or timezone.localdate()
        population = demo_activities.demo_population(root)
        with translation.override("zh-hans"):
            care.update(demo_activities.build_activities(random.Random(seed + 2), root, today=day,
                                                         population=population))
            care.update(demo_care.build_care(random.Random(seed + 3), root, today=day, population=population))
    # Collective contracts (rights/, issue 5), once: a stream of their own.
    if not demo_rights.contracts_exist(root):
        with translation.override("zh-hans"):
            care.update(demo_rights.build_rights(random.Random(seed + 4), root, today=today))
    # Plans, summaries and an assessment (issue 5), once, after the records they are carried out by.
    plans_created = not demo_plans.plans_exist(root)
    day = today or timezone.localdate()
    with translation.override("zh-hans"):
        if plans_created:
            demo_plans.build_plans(random.Random(seed + 5), root, today=day)
        plans = demo_plans.plan_figures(root, today=day)
    return SeedResult(created=created, nodes=OrgNode.objects.count(), units=Unit.objects.count(), accounts=accounts,
                      members_created=members_created, members=demo_members.member_figures(root),
                      care_created=care_created, care=care, plans_created=plans_created, plans=plans)


def _build(rng: random.Random) -> None:
    root = org_services.node_create(
        actor=None, parent=None, level=Level.COUNTY_FEDERATION, name="滨湖区总工会", code=ROOT_CODE,
        founded_on=datetime.date(1984, 6, 1), term_start=datetime.date(2022, 6, 18), term_years=5,
        address="滨湖区人民路18号",
    )
    _officers(rng, root, size=5, audit=True, women=True)
    streets: dict[str | None, OrgNode] = {None: root}
    communities: list[OrgNode] = []
    for index, (code, name, level, joint_unions) in enumerate(STREETS):
        street = org_services.node_create(
            actor=None, parent=root, level=level, name=name, code=code,
            founded_on=datetime.date(2003, 5, 1), approved_on=datetime.date(2003, 4, 20),
            approval_ref=f"滨工发〔2003〕{12 + index}号", term_start=datetime.date(2021 + index, 9, 1),
            term_years=5, address=f"滨湖区{name[:2]}路1号",
        )
        _officers(rng, street, size=5, audit=True, women=True)
        streets[code] = street
        for joint_index, (joint_code, joint_name) in enumerate(joint_unions):
            joint = _union(rng, parent=street, code=joint_code, name=joint_name, level=Level.JOINT_UNION,
                           staff=0, women_share=0.5, overdue=joint_index == 1 and index == 2)
            communities.append(joint)

    quirks = {"HBSM": "no_women_committee", "HTJM": "committee_too_small", "LYNY": "unapproved",
              "GAWL": "no_audit"}
    overdue = {"HBSX", "QZYY", "TYFZ", "XCJS", "QJYJ"}
    for street_code, code, name, kind, ownership, industry, staff, women_share in INDEPENDENT_UNITS:
        area = streets[street_code]
        union = _union(rng, parent=area, code=code, name=f"{name}工会", level=Level.GRASSROOTS_UNION,
                       staff=staff, women_share=women_share, overdue=code in overdue, quirk=quirks.get(code, ""))
        _unit(rng, name=name, kind=kind, ownership=ownership, industry=industry, staff=staff,
              women_share=women_share, area=area, union=union)

    # Inside the first middle school: teaching-group union groups; inside the hospital: a branch.
    school = OrgNode.objects.get(code="HBYZ")
    for code, name in [("HBYZ-YW", "语文组工会小组"), ("HBYZ-SX", "数学组工会小组"), ("HBYZ-XZ", "行政后勤工会小组")]:
        group = org_services.node_create(actor=None, parent=school, level=Level.UNION_GROUP, name=name, code=code)
        org_services.officer_create(actor=None, node=group, name=person_name(rng, female=True), gender="F",
                                    role=OfficerRole.GROUP_LEADER, term_start=school.term_start,
                                    term_end=school.term_end)
    hospital = OrgNode.objects.get(code="QRMYY")
    branch = org_services.node_create(actor=None, parent=hospital, level=Level.BRANCH_UNION, name="内科分工会",
                                      code="QRMYY-NK")
    org_services.node_create(actor=None, parent=branch, level=Level.UNION_GROUP, name="心内科工会小组",
                             code="QRMYY-NK-XN")

    # Small units covered jointly by the community unions, then unions' member counts follow their units.
    for community in communities:
        places = community.name[:2]
        total_staff = total_women = 0
        for trade, kind, ownership, industry in rng.sample(SMALL_TRADES, 5):
            staff = rng.randint(5, 24)
            women_share = rng.uniform(0.2, 0.8)
            unit = _unit(rng, name=f"{places}{trade}", kind=kind, ownership=ownership, industry=industry,
                         staff=staff, women_share=women_share, area=community, union=community)
            total_staff += unit.staff_count
            total_women += unit.women_count
        org_services.node_update(actor=None, node=community,
                                 women_committee_established=round(total_women * 0.9) >= 10)

    for street_code, name, kind, ownership, industry, staff, women_share in UNCOVERED_UNITS:
        _unit(rng, name=name, kind=kind, ownership=ownership, industry=industry, staff=staff,
              women_share=women_share, area=streets[street_code], union=None)

    street_code, code, name, units = NEW_FORM_UNION
    staff = sum(unit[4] for unit in units)
    joint = _union(rng, parent=streets[street_code], code=code, name=name, level=Level.JOINT_UNION, staff=staff,
                   women_share=0.12, overdue=False)
    for unit_name, kind, ownership, industry, unit_staff, women_share in units:
        _unit(rng, name=unit_name, kind=kind, ownership=ownership, industry=industry, staff=unit_staff,
              women_share=women_share, area=joint, union=joint)


def _ensure_accounts() -> list[tuple[str, str, str, str]]:
    rows = []
    for username, name, role, code in DEMO_ACCOUNTS:
        node = OrgNode.objects.get(code=code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(actor=None, username=username, password=DEMO_PASSWORD,
                                                full_name=name, org_path=node.path)
        account_services.role_grant(actor=None, user=user, node=node, role=role)
        rows.append((username, DEMO_PASSWORD, str(Role(role).label), node.name))
    return rows
