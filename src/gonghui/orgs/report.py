"""The organisation tree's part of plans and summaries (issue 5 §2, §3, §6), through plans/contrib.py.

- Metrics: 建会率 over every unit in scope and over the units with 25 or more staff (the coverage figures of
  orgs/selectors.py, as they stand: units carry no founding history), and 新增建会 — grassroots and joint
  unions of the subtree founded within the period.
- Suggestions: 换届 falling due (the node's own term, and for a federation the unions and federations below
  it whose term ends in the year or has already ended); the 职代会/教代会 that units of 100 or more staff must
  hold; a 女职工委员会 where a union has enough women members and none; 信息报送 owed to the node above.
- Summary: the opening facts (units, unions, 建会率, groups), the new unions of the period, the women's
  committees.

Every figure is an aggregate over an indexed path range (orgnode.path is unique, unit_path_coverage_idx,
MemberTally's path), so the cost does not grow with the number of members.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.members.models import MemberTally
from gonghui.plans.contrib import (
    Contribution,
    Metric,
    MetricKind,
    Period,
    SuggestedTiming,
    Suggestion,
    SummaryPart,
    register,
    shared,
)
from gonghui.plans.models import Section, Timing

from . import selectors
from .models import FEDERATION_LEVELS, UNION_LEVELS, Industry, Level, OfficerRole, OrgNode, Unit

# How many names a suggestion or a paragraph lists before "等N个".
NAMES_SHOWN = 10
SOURCE_TERM = ("《中华人民共和国工会法》（2021年修正）第十六条：基层工会委员会每届任期三年或者五年，"
               "各级地方总工会委员会每届任期五年")
SOURCE_CONGRESS = ("职工代表大会制度：{min_staff}名以上职工的单位应建立职工代表大会（学校为教职工代表大会），"
                   "每年至少召开一次（人数界限可按本地规定调整）")
SOURCE_WOMEN = "《女职工委员会工作条例》第十一条：女会员{threshold}人以上的工会应建立女职工委员会"


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in %, two decimals; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def rate_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}%"


def names_text(names: list[str], total: int | None = None) -> str:
    """A、B、C, or A、B……等N个 when there are more than NAMES_SHOWN."""
    total = len(names) if total is None else total
    shown = "、".join(names[:NAMES_SHOWN])
    return f"{shown}等{total}个" if total > NAMES_SHOWN else shown


def founding_rate(node: OrgNode, period: Period) -> Decimal | None:
    coverage = shared(("orgs.coverage", node.path), lambda: selectors.coverage(node))
    return percent(coverage.units_with_union, coverage.units)


def founding_rate_min_staff(node: OrgNode, period: Period) -> Decimal | None:
    coverage = shared(("orgs.coverage", node.path), lambda: selectors.coverage(node))
    return percent(coverage.units_min_staff_with_union, coverage.units_min_staff)


def new_unions_q(node: OrgNode, period: Period) -> Q:
    return Q(path__under=node.path, level__in=UNION_LEVELS, founded_on__gte=period.start,
             founded_on__lte=period.end)


def new_unions(node: OrgNode, period: Period) -> Decimal:
    return Decimal(OrgNode.objects.filter(new_unions_q(node, period)).count())


def term_due_q(year: int) -> Q:
    """Nodes whose current term ends on or before 31 December of `year` (term_end = term_start + term_years):
    term_start ≤ 31 December of (year − term_years), for each term length the field allows."""
    due = Q(pk__in=[])
    for years, _label in OrgNode._meta.get_field("term_years").choices:
        due |= Q(term_years=years, term_start__lte=datetime.date(year - int(years), 12, 31))
    return due


def cn_date(day: datetime.date) -> str:
    """2025年3月1日: 月、日不编虚位 (GB/T 9704-2012 §7.3.5.4)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _describe_term(node: OrgNode) -> str:
    return f"本届任期自{cn_date(node.term_start)}起{node.term_years}年，{cn_date(node.term_end)}届满"


class OrgsContribution(Contribution):
    domain = "orgs"

    def metrics(self) -> list[Metric]:
        min_staff = settings.GONGHUI_RULES["COVERAGE_MIN_STAFF"]
        return [
            Metric(key="orgs.founding_rate", label=_("Union founding rate"), unit="%",
                   section=Section.ORGANISATION, kind=MetricKind.RATE, compute=founding_rate,
                   default_target=Decimal("95"), source="建会率 = 已建会单位数 ÷ 范围内单位数（常用目标 ≥ 95%）",
                   help=_("Units with a union (own or joint) ÷ units in scope, as the unit records stand now.")),
            Metric(key="orgs.founding_rate_min_staff",
                   label=format_lazy(_("Union founding rate (units with {count} or more staff)"), count=min_staff),
                   unit="%", section=Section.ORGANISATION, kind=MetricKind.RATE, compute=founding_rate_min_staff,
                   default_target=Decimal("95"),
                   source=f"常用目标：{min_staff}人以上单位建会率 ≥ 95%",
                   help=_("Counted over the units with the minimum staff of the coverage target.")),
            Metric(key="orgs.new_unions", label=_("New unions founded"), unit="家", section=Section.ORGANISATION,
                   kind=MetricKind.COUNT, compute=new_unions, default_target=Decimal("2"),
                   source="常用目标：新增建会 ≥ 2 家",
                   help=_("Grassroots and joint unions of the subtree founded within the period.")),
        ]

    # ---- suggestions -----------------------------------------------------------------------------------

    def suggestions(self, node: OrgNode, year: int) -> list[Suggestion]:
        items: list[Suggestion] = []
        items += self._re_election(node, year)
        items += self._congress(node, year)
        items += self._women_committee(node, year)
        items += self._info_reports(node, year)
        return items

    def _re_election(self, node: OrgNode, year: int) -> list[Suggestion]:
        items = []
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        term_end = node.term_end
        if term_end is not None and term_end <= last and node.level not in (Level.UNION_GROUP, Level.BRANCH_UNION):
            overdue = term_end < first
            items.append(Suggestion(
                key=f"orgs.re_election:{node.pk}:{year}",
                section=Section.ORGANISATION,
                title="尽快完成换届选举（已逾期）" if overdue else "按期完成换届选举",
                source=f"{SOURCE_TERM}；记录：{node.name}{_describe_term(node)}",
                target=(f"{'一季度内' if overdue else f'{term_end.month}月{term_end.day}日前'}"
                        "选举产生新一届工会委员会，报上级工会审批"),
                measures="制定换届工作方案，报上级工会同意后召开会员（代表）大会，差额选举委员会及主席、副主席，同步选举经审会、女职工委员会",
                timing=SuggestedTiming(timing=Timing.DATE,
                                       due_on=datetime.date(year, 3, 31) if overdue else term_end),
                responsible_role=OfficerRole.CHAIR,
            ))
        if node.level in FEDERATION_LEVELS or node.level == Level.JOINT_UNION:
            below = (OrgNode.objects.filter(path__under=node.path, level__in=UNION_LEVELS | FEDERATION_LEVELS)
                     .exclude(pk=node.pk).filter(term_due_q(year)).order_by("term_start", "name"))
            rows = list(below.only("id", "name", "term_start", "term_years")[:NAMES_SHOWN])
            total = below.count() if len(rows) == NAMES_SHOWN else len(rows)
            if rows:
                # over all of them in SQL, not only the names shown: terms that ended before 1 January
                overdue = below.filter(term_due_q(year - 1)).count()
                items.append(Suggestion(
                    key=f"orgs.re_election_below:{node.pk}:{year}",
                    section=Section.ORGANISATION,
                    title=f"督促{total}个下属工会按期换届",
                    source=(f"{SOURCE_TERM}；记录：{names_text([row.name for row in rows], total)}"
                            f"的任期于{year}年底前届满" + (f"（其中{overdue}个已逾期）" if overdue else "")),
                    target=f"{total}个任期届满的下属工会全部按期完成换届",
                    measures="逐一提醒，指导制定换届方案，审批选举结果，跟踪逾期未换届的工会",
                    timing=SuggestedTiming(timing=Timing.QUARTERLY),
                    responsible_role=OfficerRole.CHAIR,
                ))
        return items

    def _congress(self, node: OrgNode, year: int) -> list[Suggestion]:
        min_staff = settings.GONGHUI_PLANS["CONGRESS_MIN_STAFF"]
        units = list(Unit.objects.filter(path__under=node.path, staff_count__gte=min_staff,
                                         covering_union__isnull=False)
                     .order_by("name").values("covering_union_id", "covering_union__name", "name", "industry",
                                              "staff_count"))
        if not units:
            return []
        own = [unit for unit in units if unit["covering_union_id"] == node.pk]
        if own:
            school = all(unit["industry"] == Industry.P for unit in own)
            congress = "教代会" if school else "职代会"
            records = "、".join(f"{unit['name']}（职工{unit['staff_count']}人）" for unit in own)
            return [Suggestion(
                key=f"orgs.congress:{node.pk}:{year}",
                section=Section.DEMOCRACY,
                title=f"召开{year}年{'教职工代表大会（教代会）' if school else '职工代表大会（职代会）'}",
                source=f"{SOURCE_CONGRESS.format(min_staff=min_staff)}；记录：{records}",
                target=f"全年至少召开一次{congress}，审议工作报告和涉及职工切身利益的重大事项",
                measures=f"会前征集提案，组织代表选举或增补，按期召开{congress}，会后督办提案并公开落实情况",
                timing=SuggestedTiming(timing=Timing.YEARLY),
                responsible_role=OfficerRole.CHAIR,
                evidence="activities.activity:meeting",
            )]
        unions = list(dict.fromkeys(unit["covering_union__name"] for unit in units))
        return [Suggestion(
            key=f"orgs.congress_below:{node.pk}:{year}",
            section=Section.DEMOCRACY,
            title=f"督促{len(unions)}个下属工会召开职代会（教代会）",
            source=(f"{SOURCE_CONGRESS.format(min_staff=min_staff)}；记录：{names_text(unions)}"
                    f"所在单位职工{min_staff}人以上"),
            target=f"{len(unions)}个应建职代会的单位全部按期召开",
            measures="年初排出召开时间表，指导会前提案征集和代表选举，年底检查召开情况",
            timing=SuggestedTiming(timing=Timing.HALF_YEARLY),
            responsible_role=OfficerRole.CHAIR,
        )]

    def _women_committee(self, node: OrgNode, year: int) -> list[Suggestion]:
        threshold = settings.GONGHUI_RULES["WOMEN_COMMITTEE_THRESHOLD"]
        source = SOURCE_WOMEN.format(threshold=threshold)
        # each union's own women members (its groups and branches included): MemberTally rows by union
        women = {row["union_id"]: row["women"] for row in
                 MemberTally.objects.filter(path__under=node.path).values("union_id")
                 .annotate(women=Sum("women")).filter(women__gte=threshold).order_by()}
        if not women:
            return []
        missing = list(OrgNode.objects.filter(pk__in=list(women), level__in=UNION_LEVELS,
                                              women_committee_established=False).order_by("name")
                       .values_list("pk", "name"))
        if not missing:
            return []
        if any(pk == node.pk for pk, _name in missing):
            return [Suggestion(
                key=f"orgs.women_committee:{node.pk}:{year}",
                section=Section.WOMEN,
                title="建立女职工委员会",
                source=f"{source}；记录：{node.name}现有女会员{women[node.pk]}人，尚未建立女职工委员会",
                target="选举产生女职工委员会，与工会委员会同届",
                measures="提名女职工委员会委员人选，经会员（代表）大会或工会委员会产生，报上级工会女职工委员会备案",
                # set up once: one occurrence, by 30 June
                timing=SuggestedTiming(timing=Timing.DATE, due_on=datetime.date(year, 6, 30)),
                responsible_role=OfficerRole.CHAIR,
            )]
        names = [name for _pk, name in missing]
        return [Suggestion(
            key=f"orgs.women_committee_below:{node.pk}:{year}",
            section=Section.WOMEN,
            title=f"督促{len(names)}个下属工会建立女职工委员会",
            source=f"{source}；记录：{names_text(names)}女会员达到{threshold}人，尚未建立女职工委员会",
            target=f"{len(names)}个应建女职工委员会的工会全部建立",
            measures="逐一督促指导，审核备案",
            timing=SuggestedTiming(timing=Timing.HALF_YEARLY),
            responsible_role=OfficerRole.WOMEN_DIRECTOR,
        )]

    def _info_reports(self, node: OrgNode, year: int) -> list[Suggestion]:
        if node.parent_id is None or node.level in (Level.UNION_GROUP, Level.BRANCH_UNION):
            return []
        per_year = settings.GONGHUI_PLANS["INFO_REPORTS_PER_YEAR"]
        parent_name = node.parent.name
        return [Suggestion(
            key=f"orgs.info_reports:{node.pk}:{year}",
            section=Section.PUBLICITY,
            title=f"向{parent_name}报送工作信息",
            source=f"上级工会信息报送要求：每个工会每年报送信息不少于{per_year}篇（篇数可按本地规定调整）",
            target=f"全年报送信息不少于{per_year}篇，每半年至少1篇",
            measures="及时总结重点工作和特色做法，撰写信息稿件报送上级工会",
            timing=SuggestedTiming(timing=Timing.HALF_YEARLY),
            responsible_role=OfficerRole.COMMITTEE_MEMBER,
        )]

    # ---- summary ---------------------------------------------------------------------------------------

    def summary(self, node: OrgNode, period: Period) -> list[SummaryPart]:
        coverage = shared(("orgs.coverage", node.path), lambda: selectors.coverage(node))
        levels = {row["level"]: row["n"] for row in OrgNode.objects.filter(path__under=node.path)
                  .exclude(pk=node.pk).values("level").annotate(n=Count("id")).order_by()}
        unions = sum(levels.get(level, 0) for level in UNION_LEVELS)
        groups = levels.get(Level.UNION_GROUP, 0)
        branches = levels.get(Level.BRANCH_UNION, 0)
        rate = percent(coverage.units_with_union, coverage.units)
        rate_min = percent(coverage.units_min_staff_with_union, coverage.units_min_staff)
        facts = {
            "orgs.units": coverage.units,
            "orgs.units_with_union": coverage.units_with_union,
            "orgs.units_independent": coverage.units_independent,
            "orgs.units_joint": coverage.units_joint,
            "orgs.founding_rate": rate,
            "orgs.units_min_staff": coverage.units_min_staff,
            "orgs.founding_rate_min_staff": rate_min,
            "orgs.unions": unions,
            "orgs.branch_unions": branches,
            "orgs.union_groups": groups,
        }
        text = (f"{node.name}范围内现有单位{coverage.units}家，已建会{coverage.units_with_union}家"
                f"（独立建会{coverage.units_independent}家、联合建会{coverage.units_joint}家），"
                f"建会率{rate_text(rate)}；其中{coverage.min_staff}人以上单位{coverage.units_min_staff}家，"
                f"建会率{rate_text(rate_min)}。")
        if unions or groups or branches:
            parts = [f"下属基层（联合）工会{unions}个" if unions else "",
                     f"分工会{branches}个" if branches else "", f"工会小组{groups}个" if groups else ""]
            text += "、".join(part for part in parts if part) + "。"
        result = [SummaryPart(section="facts", order=10, paragraphs=[text], facts=facts)]

        founded = list(OrgNode.objects.filter(new_unions_q(node, period)).order_by("founded_on", "name")
                       .values_list("name", flat=True))
        if founded:
            organisation = [f"{period.label}新建工会{len(founded)}个：{names_text(founded)}。"]
        elif node.is_federation or unions:
            # "no new unions" is a fact only for a node that has (or is meant to found) unions under it
            organisation = [f"{period.label}无新建工会。"]
        else:
            organisation = []
        result.append(SummaryPart(section=Section.ORGANISATION, order=10, paragraphs=organisation,
                                  facts={"orgs.new_unions": len(founded), "orgs.new_union_names": founded}))

        women_part = self._women_summary(node)
        if women_part is not None:
            result.append(women_part)
        return result

    def _women_summary(self, node: OrgNode) -> SummaryPart | None:
        if node.is_union and not OrgNode.objects.filter(path__under=node.path, level__in=UNION_LEVELS).exclude(
                pk=node.pk).exists():
            text = (f"{node.name}已建立女职工委员会。" if node.women_committee_established
                    else f"{node.name}尚未建立女职工委员会。")
            return SummaryPart(section=Section.WOMEN, order=20, paragraphs=[text],
                               facts={"orgs.women_committee": node.women_committee_established})
        figures = OrgNode.objects.filter(path__under=node.path, level__in=UNION_LEVELS).aggregate(
            unions=Count("id"), with_committee=Count("id", filter=Q(women_committee_established=True)))
        if not figures["unions"]:
            return None
        text = f"{figures['unions']}个基层（联合）工会中已建立女职工委员会{figures['with_committee']}个。"
        return SummaryPart(section=Section.WOMEN, order=20, paragraphs=[text],
                           facts={"orgs.unions_with_women_committee": figures["with_committee"]})


register(OrgsContribution())
