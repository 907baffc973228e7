"""Care's part of plans and summaries (issue 5 §2–4, §6), through plans/contrib.py.

- Metrics: 走访慰问 人次 (visits made in the period), 帮扶救助金额 (assistance committed in the period — the
  帮扶台账's rule: approved, paid or confirmed) and 困难职工档案帮扶覆盖率 (the approved hardship files in force
  during the period whose member received at least one paid or confirmed assistance of a hardship kind —
  生活救助, 医疗救助, 助学, 送温暖, 送清凉, 春送岗位, not festival or birthday gifts — in it ÷ those files).
- Suggestions: hardship files up for their yearly review (by the months of their review dates) and the
  seasonal campaigns (送温暖 before the Spring Festival, 送清凉 in July–August, 金秋助学 in August–September),
  each with last year's records as its source.
- Summary: visits by reason with their value, hardship files (new, on file, out of hardship), assistance by
  kind with amounts, campaigns.
- Evidence: `care.visit` (kinds = the visit reasons), `care.assistance` (kinds = AssistanceKind, committed
  records), `care.campaign` (kinds = Campaign.Kind, dated by their start). Labels mask the member's name.

Figures come from care/stats.py (extended to any [start, end) range), one or two GROUP BY queries each over
the indexed path ranges.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.members.documents.selectors import mask_name
from gonghui.orgs.models import FEDERATION_LEVELS, UNION_LEVELS, OfficerRole
from gonghui.orgs.report import percent, rate_text
from gonghui.plans.contrib import (
    Contribution,
    EvidenceRecord,
    EvidenceSource,
    Metric,
    MetricKind,
    Period,
    SuggestedTiming,
    Suggestion,
    SummaryPart,
    Table,
    register,
)
from gonghui.plans.models import Section, Timing

from . import stats
from .assistance.selectors import get_record
from .campaigns import holidays
from .campaigns.selectors import get_campaign
from .models import (
    COMMITTED_ASSISTANCE,
    Assistance,
    AssistanceKind,
    AssistanceStatus,
    Campaign,
    HardshipCategory,
    HardshipFile,
    HardshipStatus,
    Visit,
)
from .visits.selectors import get_visit

ONE_DAY = datetime.timedelta(days=1)
# Files that count as in hardship once approved (by the union, or at both levels), as in care/stats.py.
APPROVED_FILES = (HardshipStatus.UNION_APPROVED, HardshipStatus.ACTIVE, HardshipStatus.RELIEVED)
# The assistance kinds that help a member in hardship (DOMAIN.md, Care: 生活救助, 医疗救助, 助学, 送温暖, 送清凉,
# 春送岗位); 慰问 for festivals, birthdays, marriage, illness … is not 帮扶.
HARDSHIP_ASSISTANCE = (AssistanceKind.LIVING, AssistanceKind.MEDICAL, AssistanceKind.EDUCATION,
                       AssistanceKind.WARMTH, AssistanceKind.COOLNESS, AssistanceKind.JOBS)
# Assistance that has reached the member.
DELIVERED = (AssistanceStatus.PAID, AssistanceStatus.CONFIRMED)


def money(value: Decimal) -> str:
    return f"{value:,.2f}元"


def visits_count(node, period: Period) -> Decimal:
    """The visits (人次) of the period: the rows of the visit ledger, one count on visit_path_on_idx."""
    return Decimal(Visit.objects.filter(path__under=node.path, visited_on__gte=period.start,
                                        visited_on__lte=period.end).count())


def assistance_amount(node, period: Period) -> Decimal:
    """The amount committed in the period (the 帮扶台账's total), one sum on assistance_path_on_idx."""
    total = Assistance.objects.filter(path__under=node.path, on__gte=period.start, on__lte=period.end,
                                      status__in=COMMITTED_ASSISTANCE).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def hardship_files_in_force(node, period: Period):
    """Approved files of the subtree on file at some time in the period: filed by its end, not relieved
    before its start (closed files left out)."""
    return (HardshipFile.objects.filter(path__under=node.path, status__in=APPROVED_FILES, filed_on__lte=period.end)
            .filter(Q(relieved_on__isnull=True) | Q(relieved_on__gte=period.start)))


def hardship_coverage_figures(node, period: Period) -> dict:
    """{"files": in force, "helped": of them, whose member received paid or confirmed assistance of a hardship
    kind (HARDSHIP_ASSISTANCE) in the period}. One query (an EXISTS per file on assistance_member_kind_idx)."""
    helped = Assistance.objects.filter(member=OuterRef("member"), status__in=DELIVERED, on__gte=period.start,
                                       on__lte=period.end, kind__in=HARDSHIP_ASSISTANCE)
    return hardship_files_in_force(node, period).aggregate(files=Count("id"),
                                                           helped=Count("id", filter=Exists(helped)))


def hardship_coverage(node, period: Period) -> Decimal | None:
    figures = hardship_coverage_figures(node, period)
    return percent(figures["helped"], figures["files"])


# ---- evidence --------------------------------------------------------------------------------------------

def reason_label(reason: str) -> str:
    return stats.visit_reason_label(reason)


def _visit_record(pk, on, reason, name) -> EvidenceRecord:
    return EvidenceRecord(source="care.visit", object_id=pk, on=on,
                          label=f"走访慰问（{reason_label(reason)}）{mask_name(name)}", kind=reason,
                          url=reverse("care:visit_detail", args=[pk]))


def find_visits(node, start: datetime.date, end: datetime.date, kind: str = ""):
    return [_visit_record(*values) for values in visits_dated(node, start, end, kind).order_by("visited_on", "id")
            .values_list("pk", "visited_on", "reason", "member__name")]


def visits_dated(node, start: datetime.date, end: datetime.date, kind: str = ""):
    rows = Visit.objects.filter(path__under=node.path, visited_on__gte=start, visited_on__lte=end)
    if kind:
        rows = rows.filter(reason=kind)
    return rows.annotate(day=F("visited_on"))


def visit_for_user(user, pk: int) -> EvidenceRecord:
    visit = get_visit(user, pk)
    return _visit_record(visit.pk, visit.visited_on, visit.reason, visit.member.name)


def _assistance_record(pk, on, kind, name, amount) -> EvidenceRecord:
    label = f"{AssistanceKind(kind).label if kind in AssistanceKind.values else kind} {mask_name(name)} {money(amount)}"
    return EvidenceRecord(source="care.assistance", object_id=pk, on=on, label=label, kind=kind,
                          url=reverse("care:assistance_detail", args=[pk]))


def find_assistance(node, start: datetime.date, end: datetime.date, kind: str = ""):
    return [_assistance_record(*values) for values in assistance_dated(node, start, end, kind).order_by("on", "id")
            .values_list("pk", "on", "kind", "member__name", "amount")]


def assistance_dated(node, start: datetime.date, end: datetime.date, kind: str = ""):
    rows = Assistance.objects.filter(path__under=node.path, on__gte=start, on__lte=end,
                                     status__in=COMMITTED_ASSISTANCE)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(day=F("on"))


def assistance_for_user(user, pk: int) -> EvidenceRecord:
    record = get_record(user, pk)
    return _assistance_record(record.pk, record.on, record.kind, record.member.name, record.amount)


def _campaign_record(campaign) -> EvidenceRecord:
    return EvidenceRecord(source="care.campaign", object_id=campaign.pk, on=campaign.starts_on, label=campaign.title,
                          kind=campaign.kind, url=reverse("care:campaign_detail", args=[campaign.pk]))


def campaigns_dated(node, start: datetime.date, end: datetime.date, kind: str = ""):
    rows = Campaign.objects.filter(path__under=node.path, starts_on__gte=start, starts_on__lte=end)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(day=F("starts_on"))


def find_campaigns(node, start: datetime.date, end: datetime.date, kind: str = ""):
    return [_campaign_record(campaign) for campaign in campaigns_dated(node, start, end, kind)
            .only("id", "title", "kind", "starts_on").order_by("starts_on", "id")]


def campaign_for_user(user, pk: int) -> EvidenceRecord:
    return _campaign_record(get_campaign(user, pk))


# ---- suggestions -----------------------------------------------------------------------------------------

SEASONS = {
    # campaign kind: (title, months or None for "before the Spring Festival", measures)
    Campaign.Kind.WARMTH: ("开展“送温暖”活动", None,
                           "春节前走访慰问困难职工、一线职工和劳模，发放慰问金（品），做好签收登记"),
    Campaign.Kind.COOLNESS: ("开展“送清凉”活动", (7, 8),
                             "高温期间深入一线慰问高温作业和户外职工，发放防暑降温用品，督促落实高温津贴"),
    Campaign.Kind.EDUCATION: ("开展“金秋助学”活动", (8, 9),
                              "摸排困难职工家庭考入高校的子女，按标准发放助学金，资料归档备查"),
}


def warmth_months(year: int) -> tuple[tuple[int, ...], str]:
    """The months of the 送温暖 window of `year` — from 30 days before the Spring Festival holiday (or, for a
    year the holiday library does not hold yet, before the festival) to the festival itself — and the text
    naming the festival day (正月初一, not the holiday's last day)."""
    try:
        festival = holidays.spring_festival(year)
    except ValueError:  # outside the calendar table (1900–2099)
        return (1, 2), "春节前"
    try:
        first, _last = holidays.default_dates(Campaign.Kind.WARMTH, year)
    except holidays.NoHolidayData:
        first = festival - datetime.timedelta(days=holidays.WARMTH_LEAD_DAYS)
    first = max(first, datetime.date(year, 1, 1))
    return tuple(range(first.month, festival.month + 1)), f"春节（{festival.month}月{festival.day}日）前"


def _months_of(before: int, by_month: dict[int, int]) -> tuple[int, ...]:
    """The months in which the due records fall; those already overdue in January."""
    return tuple(sorted({1, *by_month} if before else set(by_month)))


class CareContribution(Contribution):
    domain = "care"

    def metrics(self) -> list[Metric]:
        return [
            Metric(key="care.visits", label=_("Visits to members"), unit="人次", section=Section.CARE,
                   kind=MetricKind.COUNT, compute=visits_count, source="走访慰问台账",
                   help=_("Visits made by the unions of the subtree within the period.")),
            Metric(key="care.assistance_amount", label=_("Assistance amount"), unit="元",
                   section=Section.CARE, kind=MetricKind.COUNT, compute=assistance_amount, source="帮扶台账",
                   help=_("Assistance approved, paid or confirmed within the period, visit and campaign gifts "
                          "included.")),
            Metric(key="care.hardship_coverage", label=_("Hardship files given assistance"), unit="%",
                   section=Section.CARE, kind=MetricKind.RATE, compute=hardship_coverage,
                   default_target=Decimal("100"), source="困难职工帮扶应帮尽帮：在档困难职工帮扶覆盖率100%",
                   help=_("Approved hardship files in force during the period whose member received paid or "
                          "confirmed hardship assistance within it (living, medical, education, winter warmth, "
                          "summer cooling or job help; gifts do not count), as a share of those files.")),
        ]

    def suggestions(self, node, year: int) -> list[Suggestion]:
        if node.level not in UNION_LEVELS | FEDERATION_LEVELS:
            return []
        return [*self._hardship_reviews(node, year), *self._campaigns(node, year)]

    def _hardship_reviews(self, node, year: int) -> list[Suggestion]:
        last = datetime.date(year, 12, 31)
        before, by_month = 0, {}
        for row in (HardshipFile.objects.filter(path__under=node.path, status=HardshipStatus.ACTIVE,
                                                next_review_on__lte=last)
                    .annotate(y=ExtractYear("next_review_on"), m=ExtractMonth("next_review_on"))
                    .values("y", "m").annotate(n=Count("id")).order_by()):
            if row["y"] < year:
                before += row["n"]
            else:
                by_month[row["m"]] = by_month.get(row["m"], 0) + row["n"]
        total = before + sum(by_month.values())
        if not total:
            return []
        by_month = dict(sorted(by_month.items()))
        detail = "、".join(f"{month}月{count}份" for month, count in by_month.items())
        record = f"记录：{node.name}在档困难职工档案{total}份应于{year}年复核"
        if before:
            record += f"（已逾期{before}份" + (f"；{detail}）" if detail else "）")
        else:
            record += f"（{detail}）"
        return [Suggestion(
            key=f"care.hardship_review:{node.pk}:{year}",
            section=Section.CARE,
            title="困难职工档案年度复核",
            source=f"困难职工档案实行两级审批、每年复核，连续6个月收入高于低保标准的按程序脱困；{record}",
            target=f"到期的{total}份困难职工档案全部按期复核，动态调整类别，符合条件的及时脱困",
            measures="入户核实家庭收入和困难情况，重新测算人均收入，报上级工会审核，更新档案",
            timing=SuggestedTiming(timing=Timing.MONTHS, months=_months_of(before, by_month)),
            responsible_role=OfficerRole.CHAIR,
        )]

    def _campaigns(self, node, year: int) -> list[Suggestion]:
        federation = node.level in FEDERATION_LEVELS
        previous = datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31)
        given = {row["kind"]: row for row in Assistance.objects.filter(
            path__under=node.path, on__gte=previous[0], on__lte=previous[1], status__in=COMMITTED_ASSISTANCE,
            kind__in=[str(kind) for kind in SEASONS]).values("kind").annotate(n=Count("id"), amount=Sum("amount"))
            .order_by()}
        run = {row["kind"]: row["n"] for row in Campaign.objects.filter(path__under=node.path, year=year - 1)
               .values("kind").annotate(n=Count("id")).order_by()}
        items = []
        for kind, (title, months, measures) in SEASONS.items():
            when = "7—8月" if kind == Campaign.Kind.COOLNESS else "8—9月"
            if months is None:
                months, when = warmth_months(year)
            last_year = given.get(str(kind))
            if last_year:
                record = f"上年发放{last_year['n']}人次、{money(last_year['amount'] or Decimal('0'))}"
            else:
                record = "上年无发放记录"
            if federation:
                record += f"，开展活动{run.get(str(kind), 0)}次"
            items.append(Suggestion(
                key=f"care.campaign:{kind}:{node.pk}:{year}",
                section=Section.CARE,
                title=title,
                source=f"帮扶救助常规工作：{Campaign.Kind(kind).label}（{when}）；记录：{node.name}{record}",
                target=f"{when}完成{Campaign.Kind(kind).label}，做到应送尽送",
                measures=measures,
                timing=SuggestedTiming(timing=Timing.MONTHS, months=tuple(months)),
                responsible_role=OfficerRole.CHAIR,
                evidence=f"care.campaign:{kind}" if federation else f"care.assistance:{kind}",
            ))
        return items

    # ---- summary ---------------------------------------------------------------------------------------

    def summary(self, node, period: Period) -> list[SummaryPart]:
        start, stop = period.start, period.end + ONE_DAY
        visits = stats.visit_period_stats(node, start, stop)
        assistance = stats.assistance_period_stats(node, start, stop)
        hardship = stats.hardship_period_stats(node, start, stop)
        campaigns = (stats.campaign_year_stats(node, period.year) if period.half == 0
                     else stats.campaign_period_stats(node, start, stop))
        coverage = hardship_coverage_figures(node, period)
        kinds = dict(AssistanceKind.choices)
        categories = dict(HardshipCategory.choices)
        campaign_kinds = dict(Campaign.Kind.choices)
        facts = {
            "care.visits": visits["total"]["visits"],
            "care.visit_persons": visits["total"]["persons"],
            "care.visit_value": visits["total"]["value"],
            "care.visits_by_reason": {reason: dict(row) for reason, row in visits["by_reason"].items()},
            "care.assistance_records": assistance["total"]["records"],
            "care.assistance_persons": assistance["total"]["persons"],
            "care.assistance_amount": assistance["total"]["amount"],
            "care.assistance_by_kind": {kind: dict(row) for kind, row in assistance["by_kind"].items()},
            "care.hardship_new": hardship["total"]["new"],
            "care.hardship_open": hardship["total"]["open"],
            "care.hardship_relieved": hardship["total"]["relieved"],
            "care.hardship_files_in_force": coverage["files"],
            "care.hardship_files_helped": coverage["helped"],
            "care.hardship_coverage": percent(coverage["helped"], coverage["files"]),
            "care.campaigns": {kind: dict(row) for kind, row in campaigns["by_kind"].items()},
        }
        paragraphs, tables = [], []
        total = visits["total"]
        if total["visits"]:
            reasons = "，".join(f"{reason_label(reason)}{row['visits']}人次"
                               for reason, row in visits["by_reason"].items())
            paragraphs.append(f"{period.label}走访慰问会员{total['persons']}人、{total['visits']}人次，"
                              f"送去慰问金（品）合计{money(total['value'])}。其中{reasons}。")
            tables.append(Table(caption="走访慰问情况", columns=["走访事由", "人次", "金额（元）"],
                                rows=[*[[reason_label(reason), str(row["visits"]), f"{row['value']:,.2f}"]
                                        for reason, row in visits["by_reason"].items()],
                                      ["合计", str(total["visits"]), f"{total['value']:,.2f}"]]))
        else:
            paragraphs.append(f"{period.label}无走访慰问记录。")
        files = hardship["total"]
        by_category = "、".join(f"{categories.get(category, '未定类别')}{row['open']}户"
                                for category, row in hardship["by_category"].items() if row["open"])
        # only the figures that are not zero (a sentence of zeros is deleted by hand)
        clauses = [f"新建困难职工档案{files['new']}份" if files["new"] else "",
                   (f"期末在档{files['open']}份" + (f"（{by_category}）" if by_category else ""))
                   if files["open"] else "",
                   f"实现脱困{files['relieved']}户" if files["relieved"] else ""]
        text = "，".join(clause for clause in clauses if clause)
        text = f"{text}。" if text else ""
        if coverage["files"]:
            text += (f"期内在档困难职工{coverage['files']}户中有{coverage['helped']}户得到帮扶，覆盖率"
                     f"{rate_text(facts['care.hardship_coverage'])}。")
        if text:
            paragraphs.append(text)
        given = assistance["total"]
        if given["records"]:
            by_kind = "，".join(f"{kinds.get(kind, kind)}{row['records']}人次{money(row['amount'])}"
                                for kind, row in assistance["by_kind"].items())
            paragraphs.append(f"发放各类帮扶救助和慰问{given['persons']}人、{given['records']}人次，"
                              f"金额{money(given['amount'])}：{by_kind}。")
            tables.append(Table(caption="帮扶救助情况", columns=["种类", "人数", "人次", "金额（元）"],
                                rows=[*[[str(kinds.get(kind, kind)), str(row["persons"]), str(row["records"]),
                                         f"{row['amount']:,.2f}"] for kind, row in assistance["by_kind"].items()],
                                      ["合计", str(given["persons"]), str(given["records"]),
                                       f"{given['amount']:,.2f}"]]))
        run = [(kind, row) for kind, row in campaigns["by_kind"].items() if row["campaigns"] or row["given"]]
        if run:
            def campaign(kind: str, row: dict) -> str:
                label = campaign_kinds.get(kind, kind)
                reached = f"惠及会员{row['given']}人、{money(row['amount'])}" if row["given"] else ""
                if not row["campaigns"]:  # the members were reached by a campaign of a node above
                    return f"参加上级工会{label}活动，{reached}"
                return f"组织{label}活动{row['campaigns']}次" + (f"，{reached}" if reached else "")

            paragraphs.append("；".join(campaign(kind, row) for kind, row in run) + "。")
        donations = campaigns["donations"]
        if donations["donations"]:
            paragraphs.append(f"组织捐款{donations['donations']}笔，金额{money(donations['amount'])}。")
        facts["care.donations"] = dict(donations)
        return [SummaryPart(section=Section.CARE, order=10, paragraphs=paragraphs, tables=tables, facts=facts)]

    def evidence_sources(self) -> list[EvidenceSource]:
        reasons = tuple((code, entry[0]) for code, entry in settings.GONGHUI_CARE["VISIT_REASONS"].items())
        return [
            # the care registers name members in hardship: listed only to those who may see them (care.view)
            EvidenceSource(key="care.visit", label=_("Visits"), kinds=reasons, find=find_visits,
                           get_for_user=visit_for_user, dated=visits_dated, permission="care.view"),
            EvidenceSource(key="care.assistance", label=_("Assistance"),
                           kinds=tuple((value, str(label)) for value, label in AssistanceKind.choices),
                           find=find_assistance, get_for_user=assistance_for_user, dated=assistance_dated,
                           permission="care.view"),
            EvidenceSource(key="care.campaign", label=_("Campaigns"),
                           kinds=tuple((value, str(label)) for value, label in Campaign.Kind.choices),
                           find=find_campaigns, get_for_user=campaign_for_user, dated=campaigns_dated,
                           permission="care.view"),
        ]


register(CareContribution())
