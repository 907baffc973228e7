"""The member registry's part of plans and summaries (issue 5 §2, §3, §6), through plans/contrib.py.

- Metrics: 入会率 (members ÷ staff of covered units, from the member tallies: orgs/selectors.py `coverage`) and
  新发展会员 (入会 events — `EventKind.JOINED` — dated in the period, in unions of the subtree).
- Suggestions: the 女职工 health checks falling due in the year (the yearly gynaecological check and the
  two-yearly general check, intervals from the settings), as counts by month — never names.
- Summary: members, 入会率, women, 农民工 and 新就业形态 members (facts); new members and transfers
  (organisation); women members and the checks of the period (women).

Subtree figures come from MemberTally (a few thousand rows for a district) where they can; the event and
check counts read the rows under an indexed path (or the subtree's org nodes) once, grouped in SQL.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import Gender, OfficerRole, OrgNode
from gonghui.orgs.report import percent, rate_text
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

from .models import EventKind, Member, MembershipEvent, Transfer, TransferStatus, WomenRecord
from .women import rules as women_rules
from .women.selectors import CHECK_STATUSES

SOURCE_CHECKS = ("《女职工劳动保护特别规定》（2012）及单位惯例：女职工妇科检查每{gynaecological}个月一次、"
                 "健康体检每{general}个月一次（间隔可按本地规定调整）")
CHECKS = {
    # kind: (record column, interval in months, name)
    "gynaecological": ("last_gynaecological_check", women_rules.gynaecological_check_months, "妇科检查"),
    "general": ("last_general_check", women_rules.general_check_months, "健康体检"),
}


def membership_rate(node: OrgNode, period: Period) -> Decimal | None:
    coverage = shared(("orgs.coverage", node.path), lambda: org_selectors.coverage(node))
    return percent(coverage.working_members, coverage.staff_covered)


def joined_in(node: OrgNode, period: Period):
    """入会 events of the period in unions of the subtree (the union joined is the event's `to_node`)."""
    return MembershipEvent.objects.filter(kind=EventKind.JOINED, on__gte=period.start, on__lte=period.end,
                                          to_node__path__under=node.path)


def new_members(node: OrgNode, period: Period) -> Decimal:
    return Decimal(joined_in(node, period).count())


def women_at_work(node: OrgNode):
    return Member.objects.filter(path__under=node.path, gender=Gender.FEMALE, status__in=CHECK_STATUSES)


def checks_due(node: OrgNode, year: int) -> dict[str, tuple[int, dict[int, int]]]:
    """For each check: (never checked or overdue before the year, {month: falling due in that month of the
    year}) among the women at work under the node. A check in month m falls due again in the same month
    `interval` months later (check_due_on, by month). One aggregate over the women under the node, with a
    conditional count per check and month (no per-row work in Python)."""
    first = datetime.date(year, 1, 1)
    counts = {}
    for kind, (field, interval, _name) in CHECKS.items():
        months = relativedelta(months=interval())
        column = f"women_record__{field}"
        counts[f"{kind}:never"] = Count("id", filter=Q(women_record__isnull=True) | Q(**{f"{column}__isnull": True}))
        counts[f"{kind}:over"] = Count("id", filter=Q(**{f"{column}__lt": first - months}))
        for month in range(1, 13):
            due = datetime.date(year, month, 1)
            after = due + relativedelta(months=1)
            counts[f"{kind}:{month}"] = Count("id", filter=Q(**{f"{column}__gte": due - months,
                                                                 f"{column}__lt": after - months}))
    figures = women_at_work(node).aggregate(**counts)
    return {kind: (figures[f"{kind}:never"] + figures[f"{kind}:over"],
                   {month: figures[f"{kind}:{month}"] for month in range(1, 13) if figures[f"{kind}:{month}"]})
            for kind in CHECKS}


class MembersContribution(Contribution):
    domain = "members"

    def metrics(self) -> list[Metric]:
        return [
            Metric(key="members.membership_rate", label=_("Membership rate"), unit="%",
                   section=Section.ORGANISATION, kind=MetricKind.RATE, compute=membership_rate,
                   default_target=Decimal("95"),
                   source="入会率 = 在职会员数（不含保留会籍会员）÷ 已建会单位职工数（常用目标 ≥ 95%）",
                   help=_("Members who are staff (members with retained membership left out) ÷ staff of the "
                          "units with a union, as the records stand now.")),
            Metric(key="members.new_members", label=_("New members recruited"), unit="人",
                   section=Section.ORGANISATION, kind=MetricKind.COUNT, compute=new_members,
                   source="会员入会记录（入会日期在期内）",
                   help=_("Members who joined a union of the subtree within the period.")),
        ]

    def suggestions(self, node: OrgNode, year: int) -> list[Suggestion]:
        source = SOURCE_CHECKS.format(gynaecological=women_rules.gynaecological_check_months(),
                                      general=women_rules.general_check_months())
        items = []
        if node.is_federation:
            # A federation plans to see that the unions below hold the checks; counting each woman's due month
            # over a district's members (one pass over half a million rows) is the unions' own work.
            women = shared(("orgs.coverage", node.path), lambda: org_selectors.coverage(node)).tally["women"]
            if not women:
                return []
            return [Suggestion(
                key=f"members.women_check:supervise:{node.pk}:{year}",
                section=Section.WOMEN,
                title="督促基层工会按期组织女职工妇科检查和健康体检",
                source=f"{source}；记录：{node.name}所属工会共有女会员{women}人",
                target="所属基层工会全部按期组织女职工检查并在女职工档案中登记",
                measures="年初下发通知，年中检查进度，年底汇总各基层工会检查人数",
                timing=SuggestedTiming(timing=Timing.HALF_YEARLY, months=(6, 12)),
                responsible_role=OfficerRole.WOMEN_DIRECTOR,
            )]
        due = checks_due(node, year)
        for kind, (_field, _interval, name) in CHECKS.items():
            before, by_month = due[kind]
            total = before + sum(by_month.values())
            if not total:
                continue
            months = sorted({1, *by_month} if before else set(by_month))
            detail = "、".join(f"{month}月{count}人" for month, count in by_month.items())
            if before and detail:
                breakdown = f"（从未检查或已逾期{before}人；年内到期：{detail}）"
            elif before:
                breakdown = f"（从未检查或已逾期{before}人）"
            else:
                breakdown = f"（年内到期：{detail}）"
            record = f"记录：{node.name}女职工档案中{year}年应{name}{total}人{breakdown}"
            items.append(Suggestion(
                key=f"members.women_check:{kind}:{node.pk}:{year}",
                section=Section.WOMEN,
                title=f"组织女职工{name}",
                source=f"{source}；{record}",
                target=f"{year}年应{name}的{total}名女职工全部完成{name}",
                measures=f"联系体检机构，按到期月份分批组织{name}，检查后在女职工档案中登记检查日期",
                timing=SuggestedTiming(timing=Timing.MONTHS, months=tuple(months)),
                responsible_role=OfficerRole.WOMEN_DIRECTOR,
            ))
        return items

    def summary(self, node: OrgNode, period: Period) -> list[SummaryPart]:
        coverage = shared(("orgs.coverage", node.path), lambda: org_selectors.coverage(node))
        rate = percent(coverage.working_members, coverage.staff_covered)
        tally = coverage.tally
        retained = coverage.members - coverage.working_members
        facts = {
            "members.members": coverage.members,
            "members.working_members": coverage.working_members,
            "members.retained": retained,
            "members.staff_covered": coverage.staff_covered,
            "members.membership_rate": rate,
            "members.women": tally["women"],
            "members.migrant": tally["migrant"],
            "members.new_form": tally["new_form"],
            "members.front_line": tally["front_line"],
            "members.retired": tally["retired"],
        }
        # only the figures that are not zero (a sentence of zeros is deleted by hand)
        # members are counted as the registry stands today (it keeps no past head counts): a past period says so
        today = timezone.localdate()
        as_of = f"截至{today.year}年{today.month}月{today.day}日，" if period.end < today else ""
        clauses = [f"{as_of}现有会员{coverage.members}人" + (f"（其中保留会籍{retained}人）" if retained else "")]
        if coverage.staff_covered:
            clauses.append(f"已建会单位职工{coverage.staff_covered}人，入会率{rate_text(rate)}")
        among = "，".join(f"{label}{tally[key]}人" for key, label in (
            ("women", "女会员"), ("migrant", "农民工会员"), ("new_form", "新就业形态劳动者会员"),
            ("front_line", "一线职工会员")) if tally[key])
        text = "，".join(clauses) + (f"；其中{among}" if among else "") + "。"
        parts = [SummaryPart(section="facts", order=20, paragraphs=[text] if coverage.members else [],
                             facts=facts)]

        joined = joined_in(node, period).count()
        moves = Transfer.objects.filter(status=TransferStatus.RECEIVED, decided_on__gte=period.start,
                                        decided_on__lte=period.end)
        received = moves.filter(to_path__under=node.path).exclude(from_path__under=node.path).count()
        sent = moves.filter(from_path__under=node.path).exclude(to_path__under=node.path).count()
        transfers = "、".join(text for count, text in ((received, f"转入{received}人"), (sent, f"转出{sent}人"))
                             if count)
        sentences = [f"{period.label}发展新会员{joined}人" if joined else "",
                     f"办理会籍{transfers}" if transfers else ""]
        text = "；".join(sentence for sentence in sentences if sentence)
        if text and not joined:
            text = f"{period.label}{text}"
        parts.append(SummaryPart(section=Section.ORGANISATION, order=20, paragraphs=[f"{text}。"] if text else [],
                                 facts={"members.new_members": joined, "members.transfers_in": received,
                                        "members.transfers_out": sent}))

        # by the records' own path (the women's path when written; indexed), so no join to a million members
        checked = WomenRecord.objects.filter(path__under=node.path).aggregate(
            gynaecological=Count("id", filter=Q(last_gynaecological_check__gte=period.start,
                                               last_gynaecological_check__lte=period.end)),
            general=Count("id", filter=Q(last_general_check__gte=period.start, last_general_check__lte=period.end)))
        share = percent(tally["women"], coverage.members)
        text = f"现有女会员{tally['women']}人，占会员总数的{rate_text(share)}。" if tally["women"] else ""
        done = "、".join(f"{name}{checked[kind]}人" for kind, name in (("gynaecological", "妇科检查"),
                                                                      ("general", "健康体检")) if checked[kind])
        if done:
            text += f"{period.label}组织女职工{done}（按女职工档案登记的最近检查日期统计）。"
        parts.append(SummaryPart(section=Section.WOMEN, order=10, paragraphs=[text] if text else [], facts={
            "members.women": tally["women"], "members.women_share": share,
            "members.gynaecological_checks": checked["gynaecological"],
            "members.general_checks": checked["general"]}))
        return parts


register(MembersContribution())
