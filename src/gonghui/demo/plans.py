"""The demo's plans, summaries and assessment (issue 5 §8): last year's and this year's 工作计划 of the county,
its three street federations and the unions of 湖滨街道 (the street of the demo accounts), drafted from the
templates of plans/catalog.py through the plan services, so the audit log and the review history read as in
real use.

- Progress comes from the demo's real records: items naming a kind of record (活动, 走访, 帮扶 …) are met by
  the activities and care of the two years. The meetings and trainings a plan calls for (教代会, quarterly
  committee meetings, cadre training …) that the two years' activities do not already hold are held here, as
  activities of the plan's node in the item's window: most of last year's, about half of those already due
  this year. Items that name no kind of record (reports, publicity) are linked by hand to an activity of
  their subtree dated in their window (PlanItemLink). So last year's plans are mostly done, this year's
  partly, and the visits, campaigns and contracts the records lack stay open.
- Indicators entered by hand (信息报送 …) get their values with a note: all of last year's, some of this year's.
- Review: last year's plans were submitted and accepted (one returned once with a comment, then accepted);
  this year's are accepted, waiting, returned with a comment, and 湖滨幼儿园 has not submitted its plan.
- Last year's summaries of the county, 湖滨街道 and two of its unions are drafted from the records
  (plans.summary.draft); the first middle school's was submitted and accepted.
- Assessments: 湖滨街道's scheme for last year over its unions, with hand scores for some of them; the
  county's scheme for this year over its streets, from the records only.

Deterministic: the same demo and day give the same plans, links and scores. Built once: a second run keeps
what is there (`plans_exist`).
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.activities import services as activity_services
from gonghui.activities.models import Activity, ActivityKind, ActivityStatus, CheckInMethod, Participation
from gonghui.orgs.models import FEDERATION_LEVELS, UNION_LEVELS, OrgNode
from gonghui.plans import catalog, contrib
from gonghui.plans import services as plan_services
from gonghui.plans.assessment import scoring
from gonghui.plans.assessment import services as assessment_services
from gonghui.plans.indicators import services as indicator_services
from gonghui.plans.links import services as link_services
from gonghui.plans.models import (
    AssessmentScheme,
    Plan,
    PlanItem,
    PlanItemLink,
    ReviewStatus,
    Section,
    Summary,
)
from gonghui.plans.progress import plans_progress
from gonghui.plans.review import services as review_services
from gonghui.plans.summary import services as summary_services
from gonghui.plans.timing import item_occurrences

from .activities import demo_population

STREET_CODE = "HBJD"
# Kinds of activity that fit an item of a section which names no kind of record of its own.
SECTION_KINDS = {
    Section.ORGANISATION: ("meeting", "training"),
    Section.DEMOCRACY: ("meeting",),
    Section.RIGHTS: ("training", "meeting"),
    Section.CARE: ("volunteer", "festival"),
    Section.CULTURE: ("sports_culture", "festival"),
    Section.WOMEN: ("festival", "sports_culture", "training"),
    Section.FUNDS: ("meeting",),
    Section.PUBLICITY: ("training", "meeting"),
    Section.SELF: ("training", "meeting"),
}
# This year's review, by node code (others: submitted and accepted).
THIS_YEAR = {
    "HBSX": ("returned", "请补充女职工工作和经费预算安排，“职工之家”建设要写明时限和责任人。"),
    "QRMYY": ("submitted", ""),
    "HBYEY": ("draft", ""),
    "XCJD": ("submitted", ""),
}
LAST_YEAR_RETURNED = ("BHRD", "请将劳动竞赛细化到季度，并明确困难职工帮扶的目标人数。")
ACCEPT_COMMENTS = ["计划完整，请按季度上传活动台账。", "同意。请注意做好困难职工档案年度复核。", ""]
# unions first, so the federations' summaries (drafted after) count the unions' summaries submitted
SUMMARIES = ["HBYZ", "QRMYY", STREET_CODE, "BHQ"]

CRITERIA = [
    # (label, metric, comparator, target, unit, weight, rule)
    ("会员入会率", "members.membership_rate", "gte", "95", "%", "20", "proportional"),
    ("开展活动", "activities.activities", "gte", "12", "次", "20", "proportional"),
    ("走访慰问", "care.visits", "gte", "20", "人次", "15", "proportional"),
    ("困难职工档案帮扶覆盖率", "care.hardship_coverage", "gte", "100", "%", "15", "threshold"),
    ("信息报送", "", "gte", "4", "篇", "10", "proportional"),
    ("职工满意度测评", "", "gte", "90", "%", "10", "threshold"),
    ("信访投诉", "", "lte", "1", "件", "10", "proportional"),
]
# Hand scores by union code: (信息报送, 满意度, 信访); None = not entered yet.
HAND_SCORES = {
    "HBYZ": ("6", "96.5", "0"), "HBSX": ("3", "92", "1"), "QRMYY": ("5", "88.4", "2"),
    "BHRD": ("4", "91", "0"), "HBSM": ("2", None, "1"), "WHSQ": ("4", "93", "0"),
}


def plans_exist(root: OrgNode) -> bool:
    return Plan.objects.filter(path__under=root.path).exists()


def demo_nodes(root: OrgNode) -> list[OrgNode]:
    """The county, its street federations, and the grassroots and joint unions of 湖滨街道, in tree order."""
    street = OrgNode.objects.get(code=STREET_CODE)
    federations = list(OrgNode.objects.filter(path__under=root.path, level__in=FEDERATION_LEVELS).order_by("path"))
    unions = list(OrgNode.objects.filter(path__under=street.path, level__in=UNION_LEVELS).order_by("path"))
    return federations + unions


def _accounts() -> dict[str, User | None]:
    users = {user.username: user for user in User.objects.filter(username__in=["qu_admin", "street_admin", "chair"])}
    return users


def _author(node: OrgNode, users) -> User | None:
    return {"BHQ": users.get("qu_admin"), STREET_CODE: users.get("street_admin"), "HBYZ": users.get("chair")}.get(
        node.code)


def _reviewer(node: OrgNode, users) -> User | None:
    return users.get("qu_admin") if node.level in FEDERATION_LEVELS else users.get("street_admin")


def _link_items(rng: random.Random, plan: Plan, *, today: datetime.date, keep: float, actor) -> int:
    """Link activities of the plan's subtree to the items that name no kind of record, one per occurrence
    already due, each kept with probability `keep`."""
    source = contrib.evidence_source("activities.activity")
    end = min(plan.end, today)
    if source is None or end < plan.start:
        return 0
    records = sorted(source.find(plan.node, plan.start, end, ""), key=lambda record: (record.on, record.object_id))
    linked = 0
    for item in plan.items.filter(evidence="").order_by("order", "pk"):
        kinds = SECTION_KINDS.get(item.section, ())
        used: set[int] = set()
        for occurrence in item_occurrences(item):
            if occurrence.end > end or rng.random() > keep:
                continue
            window = [r for r in records if occurrence.start <= r.on <= occurrence.end and r.object_id not in used]
            fitting = [r for r in window if r.kind in kinds] or window
            if not fitting:
                continue
            record = fitting[0]
            link_services.link_add(actor=actor, item=item, record=record)
            used.add(record.object_id)
            linked += 1
    return linked


# what a union calls the activities that carry out its recurring items (the item's own title for a single one)
HELD_TITLES = {
    ActivityKind.SPORTS_CULTURE: ["职工羽毛球友谊赛", "职工读书分享会", "健步走活动", "职工瑜伽课", "书法兴趣小组活动",
                                  "登山健身活动", "乒乓球友谊赛", "摄影采风活动", "趣味运动会", "职工合唱排练"],
    ActivityKind.TRAINING: ["政治理论学习会", "工会业务知识学习", "安全生产知识讲座", "劳动法律法规讲座",
                            "心理健康讲座"],
    ActivityKind.MEETING: ["工会委员会会议", "工会委员会会议（研究季度工作）", "工会小组长会议"],
    ActivityKind.COMPETITION: ["岗位技能比武", "职工创新成果交流"],
    ActivityKind.FESTIVAL: ["节日联谊活动"],
    ActivityKind.VOLUNTEER: ["职工志愿服务活动"],
}


def _take_part(rng: random.Random, activity_id: int, kind: str, starts: datetime.datetime,
               people: list[int]) -> int:
    """Check in the members who came (a committee meeting: a handful; others: a share of the union), kept in
    the activity's counts as the services keep them."""
    if not people:
        return 0
    size = rng.randint(5, 9) if kind == ActivityKind.MEETING else max(3, int(len(people) * rng.uniform(0.15, 0.45)))
    came = rng.sample(people, min(len(people), size, 60))
    Participation.objects.bulk_create([
        Participation(activity_id=activity_id, member_id=member_id, checked_in_at=starts,
                      check_in_method=CheckInMethod.OFFICER) for member_id in came])
    Activity.objects.filter(pk=activity_id).update(signed_up_count=len(came), attended_count=len(came))
    return len(came)


def _hold_activities(rng: random.Random, plan: Plan, *, today: datetime.date, keep: float, actor,
                     people: list[int]) -> int:
    """Hold (as finished activities of the plan's node) the occurrences, already over, of the items carried out
    by activities of one kind that no activity of the subtree met yet, each with probability `keep`. (The
    plan's activities are read once; the other kinds of record are not needed here.)"""
    source = contrib.evidence_source("activities.activity")
    end = min(plan.end, today)
    if source is None or end < plan.start:
        return 0
    found = [(record.on, record.kind) for record in source.find(plan.node, plan.start, end, "")]
    zone = timezone.get_current_timezone()
    held = 0
    for item in plan.items.filter(evidence__startswith="activities.activity:").order_by("order", "pk"):
        kind = item.evidence.partition(":")[2]
        if kind not in ActivityKind.values:
            continue
        windows = item_occurrences(item)
        for window in windows:
            met = any(window.start <= on <= window.end and found_kind == kind for on, found_kind in found)
            if met or window.end >= today or rng.random() > keep:
                continue
            day = window.start + datetime.timedelta(days=rng.randint(0, min(20, (window.end - window.start).days)))
            starts = datetime.datetime.combine(day, datetime.time(14, 30), zone)
            title = rng.choice(HELD_TITLES.get(kind, [item.title])) if len(windows) > 1 else item.title
            activity = activity_services.activity_create(
                actor=actor, organiser=plan.node, title=title[:100], kind=kind, starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2), place="工会活动室", status=ActivityStatus.FINISHED,
                description=f"落实{plan.year}年工作计划“{item.title}”（{window.label}）。")
            _take_part(rng, activity.pk, kind, starts, people)
            held += 1
    return held


def _hand_values(rng: random.Random, plan: Plan, *, share: float, actor) -> int:
    entered = 0
    for indicator in plan.indicators.filter(metric="").order_by("order", "pk"):
        if rng.random() > share:
            continue
        factor = Decimal(str(rng.choice([0.5, 0.75, 1, 1, 1.25, 1.5])))
        value = (indicator.target * factor).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        indicator_services.indicator_record_actual(actor=actor, indicator=indicator, value=value,
                                                   note="据工会工作台账和上报材料统计。")
        entered += 1
    return entered


def _review(plan: Plan, *, state: str, comment: str, users, rng: random.Random) -> None:
    if state == "draft":
        return
    author, reviewer = _author(plan.node, users), _reviewer(plan.node, users)
    review_services.submit(actor=author, document=plan)
    if state == "submitted":
        return
    if state == "returned":
        review_services.return_for_changes(actor=reviewer, document=plan, comment=comment)
        return
    review_services.accept(actor=reviewer, document=plan, comment=rng.choice(ACCEPT_COMMENTS))


def build_plans(rng: random.Random, root: OrgNode, *, today: datetime.date) -> dict[str, int]:
    """Plans, links, hand values, reviews, summaries and the assessment (see the module's docstring)."""
    users = _accounts()
    last, this = today.year - 1, today.year
    nodes = demo_nodes(root)
    counts = {"plans": 0, "held": 0, "links": 0, "hand_values": 0}
    population = demo_population(root)
    for year in (last, this):
        for node in nodes:
            author = _author(node, users)
            plan = plan_services.plan_create(actor=author, node=node, year=year,
                                             template=catalog.default_template(node))
            counts["plans"] += 1
            counts["held"] += _hold_activities(rng, plan, today=today, keep=0.9 if year == last else 0.6,
                                               actor=author, people=[m.id for m in population.get(node.pk, [])])
            counts["links"] += _link_items(rng, plan, today=today, keep=0.9 if year == last else 0.5, actor=author)
            counts["hand_values"] += _hand_values(rng, plan, share=1 if year == last else 0.4, actor=author)
            if node.parent_id is None:
                continue  # the county submits to no one inside the system
            if year == last:
                returned = node.code == LAST_YEAR_RETURNED[0]
                if returned:
                    _review(plan, state="returned", comment=LAST_YEAR_RETURNED[1], users=users, rng=rng)
                _review(plan, state="accepted", comment="", users=users, rng=rng)
            else:
                state, comment = THIS_YEAR.get(node.code, ("accepted", ""))
                _review(plan, state=state, comment=comment, users=users, rng=rng)
    by_code = {node.code: node for node in nodes}
    for code in SUMMARIES:
        node = by_code[code]
        summary = summary_services.summary_create(actor=_author(node, users), node=node, year=last, today=today)
        if code == "HBYZ":
            review_services.submit(actor=_author(node, users), document=summary)
            review_services.accept(actor=_reviewer(node, users), document=summary, comment="总结实事求是，数据翔实。")
    _assessment(by_code[STREET_CODE], year=last, actor=users.get("street_admin"))
    _county_assessment(root, year=this, actor=users.get("qu_admin"))
    return counts


def _assessment(street: OrgNode, *, year: int, actor) -> AssessmentScheme:
    scheme = assessment_services.scheme_create(
        actor=actor, node=street, year=year, name=f"{year}年度基层工会工作考核",
        description="按《湖滨街道基层工会工作考核办法》，对辖区基层工会和社区联合工会全年工作进行量化考核，满分100分。")
    hand = []
    for order, (label, metric, comparator, target, unit, weight, rule) in enumerate(CRITERIA, start=1):
        criterion = assessment_services.criterion_create(
            actor=actor, scheme=scheme, label=label, metric=metric, comparator=comparator, target=Decimal(target),
            unit=unit, weight=Decimal(weight), rule=rule, order=order)
        if not metric:
            hand.append(criterion)
    codes = {union.code: union for union in scoring.assessed_unions(scheme)}
    entries = {}
    for code, values in HAND_SCORES.items():
        union = codes.get(code)
        if union is None:
            continue
        for criterion, value in zip(hand, values, strict=True):
            if value is not None:
                entries[(criterion.pk, union.pk)] = value
    assessment_services.scores_save(actor=actor, scheme=scheme, entries=entries)
    return scheme


def _county_assessment(root: OrgNode, *, year: int, actor) -> AssessmentScheme:
    """This year's assessment of the streets by the county, from the records only (each street over its
    subtree)."""
    scheme = assessment_services.scheme_create(
        actor=actor, node=root, year=year, name=f"{year}年度街道（乡镇）总工会工作考核", subjects="children",
        description="区总工会对各街道（乡镇）总工会的年度考核，指标均按系统记录自动计算。")
    for order, (label, metric, target, unit, weight) in enumerate([
            ("建会率（25人以上单位）", "orgs.founding_rate_min_staff", "95", "%", "30"),
            ("会员入会率", "members.membership_rate", "95", "%", "30"),
            ("开展活动", "activities.activities", "60", "次", "20"),
            ("走访慰问", "care.visits", "100", "人次", "20")], start=1):
        assessment_services.criterion_create(actor=actor, scheme=scheme, label=label, metric=metric,
                                             target=Decimal(target), unit=unit, weight=Decimal(weight), order=order)
    return scheme


def plan_figures(root: OrgNode, *, today: datetime.date | None = None) -> dict:
    """What the seed prints: plans by year and status, links, last and this year's average progress, the
    summaries and the assessment's top three."""
    today = today or timezone.localdate()
    figures: dict = {"years": {}}
    for year in (today.year - 1, today.year):
        plans = list(Plan.objects.filter(path__under=root.path, year=year, half=0).select_related("node"))
        progress = plans_progress(plans, today=today) if plans else {}
        shares = [entry.share for entry in progress.values()]
        statuses = {status: sum(1 for p in plans if p.status == status) for status in ReviewStatus.values}
        figures["years"][year] = {
            "plans": len(plans), "statuses": statuses,
            "items": PlanItem.objects.filter(plan__in=plans).count(),
            "links": PlanItemLink.objects.filter(item__plan__in=plans).count(),
            "progress": round(100 * sum(shares) / len(shares)) if shares else 0,
        }
    figures["summaries"] = Summary.objects.filter(path__under=root.path).count()
    figures["assessments"] = []
    for scheme in AssessmentScheme.objects.filter(path__under=root.path).select_related("node").order_by("year",
                                                                                                          "path"):
        table = scoring.score_table(scheme)
        figures["assessments"].append({
            "name": scheme.name, "node": scheme.node.name, "unions": len(table.rows),
            "top": [(row.rank, row.union.name, row.total) for row in table.rows[:3]]})
    return figures


def plan_lines(figures: dict, *, created: bool) -> list[str]:
    """The seed's lines about plans (Chinese, as the seed command prints)."""
    if not figures:
        return []
    labels = dict(ReviewStatus.choices)
    lines = [f"工作计划{'已生成' if created else '已存在'}："]
    for year, data in figures["years"].items():
        statuses = "，".join(f"{labels[status]} {count}" for status, count in data["statuses"].items() if count)
        lines.append(f"  {year}年：计划 {data['plans']} 份（{statuses}），工作事项 {data['items']} 项，"
                     f"关联台账记录 {data['links']} 条，平均完成 {data['progress']}%。")
    lines.append(f"  工作总结 {figures['summaries']} 份。")
    for assessment in figures.get("assessments", []):
        top = "，".join(f"{rank}. {name} {total}分" for rank, name, total in assessment["top"])
        lines.append(f"  考核：{assessment['node']}“{assessment['name']}”，考核 {assessment['unions']} 个组织，"
                     f"前三名：{top}。")
    return lines
