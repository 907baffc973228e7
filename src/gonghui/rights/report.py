"""What collective contracts give plans and summaries (plans/contrib.py): the 工资集体协商签约率, the renewals a
year requires, the rights part of a summary, and contracts as the records that carry out a plan item.

Plans know nothing of this app: this module is found by plans' autodiscovery and registers itself.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.models import UNION_LEVELS, OfficerRole
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

from . import selectors
from .models import KIND_ZH, CollectiveContract, ContractKind
from .rules import rule

SOURCE_KEY = "rights.contract"


def _cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def wage_agreement_rate(node, period: Period) -> Decimal | None:
    """Units with a union under the node covered by a wage or comprehensive contract in force on the period's
    last day ÷ units with a union under the node, in %; None when no unit has a union."""
    total = selectors.units_with_union(node).count()
    if not total:
        return None
    covered = selectors.wage_covered_units_at(node, period.end).count()
    return (Decimal(covered * 100) / Decimal(total)).quantize(Decimal("0.1"))


def renewal_window(contract: CollectiveContract) -> tuple[datetime.date, datetime.date]:
    return contract.renewal_opens_on, contract.ends_on


def _window_months(start: datetime.date, end: datetime.date, year: int) -> tuple[int, ...]:
    """The months of [start, end] that fall in `year`."""
    first = max(start, datetime.date(year, 1, 1))
    last = min(end, datetime.date(year, 12, 31))
    if first > last:
        return ()
    return tuple(range(first.month, last.month + 1))


def due_for_renewal(node, year: int):
    """Contracts under the node that no later contract of the same kind and union follows, and that either
    have their renewal window (the last 90 days of the term) meeting `year` or have already expired before it
    (a lapsed contract: the unit has none in force, the most urgent renewal). One query: the follow-up is an
    EXISTS on contract_union_kind_idx."""
    window = datetime.timedelta(days=rule("RENEWAL_WINDOW_DAYS") - 1)
    last = datetime.date(year, 12, 31)
    renewed = CollectiveContract.objects.filter(union=OuterRef("union"), kind=OuterRef("kind"),
                                                starts_on__gt=OuterRef("starts_on"))
    return list(CollectiveContract.objects.filter(path__under=node.path, ends_on__lte=last + window)
                .exclude(Exists(renewed)).select_related("union").order_by("ends_on", "path", "id"))


def _lapsed(contract: CollectiveContract, year: int) -> bool:
    return contract.ends_on < datetime.date(year, 1, 1)


def _renewal_item(contract: CollectiveContract, year: int) -> Suggestion:
    opens, ends = renewal_window(contract)
    kind = KIND_ZH[contract.kind]
    filing = f"经职代会通过并在签订后{rule('FILING_DAYS')}日内报送备案"
    if _lapsed(contract, year):
        # expired without a successor: renew within the first quarter, as an overdue 换届 is
        title = f"尽快重新签订《{contract.title}》（已过期）"
        source = (f"《{contract.title}》已于{_cn(ends)}期满，尚未续签，期满后无有效的{kind}"
                  f"（{rule('RENEWAL_SOURCE')}）")
        target = f"一季度内重新签订{kind}，{filing}"
        due_on = datetime.date(year, 3, 31)
    else:
        # one renewal in the window: a single occurrence due on the day the contract ends (within the year)
        title = f"续签《{contract.title}》"
        source = (f"《{contract.title}》于{_cn(ends)}期满，续订协商可自{_cn(opens)}起提出"
                  f"（{rule('RENEWAL_SOURCE')}）")
        target = f"期满前完成{kind}的续签，{filing}"
        due_on = min(ends, datetime.date(year, 12, 31))
    return Suggestion(
        key=f"rights.renew:{contract.pk}:{year}", section=Section.RIGHTS, title=title, source=source,
        target=target,
        measures="提出续订要求，确定双方协商代表，开展集体协商，草案提交职代会审议通过后签订并报人社部门备案",
        timing=SuggestedTiming(timing=Timing.DATE, due_on=due_on),
        responsible_role=OfficerRole.CHAIR, evidence=f"{SOURCE_KEY}:{contract.kind}")


def _federation_item(node, year: int, due: list[CollectiveContract]) -> Suggestion:
    # the months of the windows within the year; lapsed contracts are followed up from January
    months = sorted({month for contract in due for month in _window_months(*renewal_window(contract), year)}
                    | ({1} if any(_lapsed(contract, year) for contract in due) else set()))
    names = "、".join(f"{contract.union.name}《{contract.title}》（{_cn(contract.ends_on)}期满"
                     + ("，已过期）" if _lapsed(contract, year) else "）") for contract in due[:5])
    more = f"等{len(due)}份" if len(due) > 5 else f"共{len(due)}份"
    lapsed = sum(1 for contract in due if _lapsed(contract, year))
    return Suggestion(
        key=f"rights.renew_subtree:{node.pk}:{year}", section=Section.RIGHTS,
        title=f"督促所属工会续签到期集体合同（{len(due)}份）",
        source=(f"所属工会的集体合同{year}年进入续订期或已过期未续签：{names}{more}"
                + (f"，其中{lapsed}份已过期" if lapsed else "") + f"（{rule('RENEWAL_SOURCE')}）"),
        target="到期集体合同全部按时续签并备案", measures="逐家提醒续订，指导开展集体协商，跟踪备案情况",
        timing=SuggestedTiming(timing=Timing.MONTHS, months=tuple(months)),
        responsible_role=OfficerRole.CHAIR, evidence=SOURCE_KEY)


def _dated(node, start: datetime.date, end: datetime.date, kind: str = ""):
    rows = CollectiveContract.objects.filter(path__under=node.path, signed_on__gte=start, signed_on__lte=end)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(day=F("signed_on"))


def _find(node, start: datetime.date, end: datetime.date, kind: str = ""):
    for contract in _dated(node, start, end, kind).order_by("signed_on", "id"):
        yield _record(contract)


def _record(contract: CollectiveContract) -> EvidenceRecord:
    return EvidenceRecord(source=SOURCE_KEY, object_id=contract.pk, on=contract.signed_on, label=contract.title,
                          kind=contract.kind, url=reverse("rights:contract_detail", args=[contract.pk]))


def _get_for_user(user, pk: int) -> EvidenceRecord:
    return _record(selectors.get_contract_for_user(user, pk))


class RightsContribution(Contribution):
    domain = "rights"

    def metrics(self) -> list[Metric]:
        return [Metric(
            key="rights.wage_agreement_rate", label=_("Collective wage agreement rate"), unit="%",
            section=Section.RIGHTS, kind=MetricKind.RATE, compute=wage_agreement_rate,
            default_target=Decimal(rule("WAGE_AGREEMENT_TARGET")), source=rule("WAGE_AGREEMENT_SOURCE"),
            help=_("Units with a union covered by a wage agreement or comprehensive contract in force at the end "
                   "of the period, out of all units with a union."))]

    def suggestions(self, node, year: int) -> list[Suggestion]:
        due = due_for_renewal(node, year)
        if not due:
            return []
        if node.level in UNION_LEVELS:
            return [_renewal_item(contract, year) for contract in due if contract.union_id == node.pk]
        if node.is_federation:
            return [_federation_item(node, year, due)]
        return []

    def summary(self, node, period: Period) -> list[SummaryPart]:
        end = period.end
        in_force = selectors.in_force_at(node, end)
        contracts_in_force = in_force.count()
        wage_in_force = in_force.filter(kind=ContractKind.WAGE).count()
        covered = selectors.units_covered_at(node, end)
        units_covered = covered.count()
        staff_covered = covered.aggregate(total=Sum("staff_count"))["total"] or 0
        signed = list(CollectiveContract.objects.filter(path__under=node.path, signed_on__gte=period.start,
                                                        signed_on__lte=end)
                      .select_related("union").order_by("signed_on", "id"))
        rate = wage_agreement_rate(node, period)
        facts = {"contracts_in_force": contracts_in_force, "contracts_signed": len(signed),
                 "units_covered": units_covered, "staff_covered": staff_covered,
                 "wage_agreements_in_force": wage_in_force,
                 "wage_agreements_signed": sum(1 for c in signed if c.kind == ContractKind.WAGE),
                 "wage_agreement_rate": rate}
        if not contracts_in_force and not signed:
            return [SummaryPart(section=Section.RIGHTS, order=30, facts=facts)]
        wage_signed = facts["wage_agreements_signed"]
        text = (f"{period.label}新签订集体合同{len(signed)}份（其中工资专项集体合同{wage_signed}份）；"
                f"截至{_cn(end)}，有效期内的集体合同{contracts_in_force}份，其中工资专项集体合同{wage_in_force}份，"
                f"覆盖单位{units_covered}家、职工{staff_covered}人")
        text += f"，工资集体协商签约率{rate}%。" if rate is not None else "。"
        tables = []
        if signed:
            tables.append(Table(caption=f"{period.label}签订的集体合同",
                                columns=["工会", "合同", "类别", "签订日期", "期限", "期满"],
                                rows=[[c.union.name, c.title, KIND_ZH[c.kind], f"{c.signed_on:%Y-%m-%d}",
                                       f"{c.term_years}年", f"{c.ends_on:%Y-%m-%d}"] for c in signed]))
        return [SummaryPart(section=Section.RIGHTS, order=30, paragraphs=[text], tables=tables, facts=facts)]

    def evidence_sources(self) -> list[EvidenceSource]:
        return [EvidenceSource(key=SOURCE_KEY, label=_("Collective contracts"), kinds=tuple(ContractKind.choices),
                               find=_find, get_for_user=_get_for_user, dated=_dated)]


register(RightsContribution())
