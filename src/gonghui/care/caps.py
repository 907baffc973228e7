"""The spending rules of care (DOMAIN.md, Care): caps per payment, per member and year, and per case; the
kinds that need a 困难职工档案; no union funds for retirees; no spending without or above budget.

The rules are settings (`GONGHUI_CARE["CAPS"]`, Anhui 2025 defaults), each refusal names the rule and its
source (`GONGHUI_CARE["CAPS_SOURCE"]`). `check_spending()` is called by every service that commits money to
a member — an assistance approval, a visit's gift, a campaign's gift — inside its transaction, after locking
the member's row, so two concurrent payments cannot both pass a cap that only one of them fits.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from .models import COMMITTED_ASSISTANCE, Assistance, AssistanceKind, CareBudget, Funding, GiftForm, HardshipStatus

# Union money: the union's own funds and a subsidy from the union above (the retiree rule covers both; the budget
# rule the union's own funds, a subsidy being granted for its purpose).
UNION_MONEY = frozenset({Funding.UNION_FUNDS, Funding.UPPER_SUBSIDY})


@dataclass(frozen=True)
class Cap:
    name: str
    kinds: frozenset[str]
    per: str               # "payment", "year" or "case-year"
    maximum: Decimal
    refused_forms: frozenset[str] = frozenset()
    needs_hardship_file: bool = False


def caps() -> list[Cap]:
    return [
        Cap(name=rule["name"], kinds=frozenset(rule["kinds"]), per=rule.get("per", "payment"),
            maximum=Decimal(str(rule["max"])), refused_forms=frozenset(rule.get("refused_forms", ())),
            needs_hardship_file=bool(rule.get("needs_hardship_file", False)))
        for rule in settings.GONGHUI_CARE["CAPS"]
    ]


def source() -> str:
    return settings.GONGHUI_CARE["CAPS_SOURCE"]


def caps_for(kind: str) -> list[Cap]:
    return [cap for cap in caps() if kind in cap.kinds]


def needs_hardship_file(kind: str) -> bool:
    return any(cap.needs_hardship_file for cap in caps_for(kind))


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _committed(member, kinds, year: int, *, exclude_pk=None, case: str = ""):
    rows = Assistance.objects.filter(member=member, kind__in=kinds, on__year=year, status__in=COMMITTED_ASSISTANCE)
    if case:
        rows = rows.filter(case=case)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return rows


def is_retired(member) -> bool:
    from gonghui.members.models import EmploymentType, RetainReason

    return member.employment_type == EmploymentType.RETIRED or member.retain_reason == RetainReason.RETIRED


def budget_line(union, year: int, kind: str) -> CareBudget | None:
    """The budget line that pays for `kind`: its own line if the union has one, else the general line."""
    lines = {line.kind: line for line in CareBudget.objects.filter(node=union, year=year, kind__in=[kind, ""])}
    return lines.get(kind) or lines.get("")


def budget_spent(line: CareBudget, *, exclude_pk=None) -> Decimal:
    """Union funds committed against a budget line (its kind, or every kind without a line of its own)."""
    rows = Assistance.objects.filter(union_id=line.node_id, on__year=line.year, funding=Funding.UNION_FUNDS,
                                     status__in=COMMITTED_ASSISTANCE)
    if line.kind:
        rows = rows.filter(kind=line.kind)
    else:
        own_lines = CareBudget.objects.filter(node_id=line.node_id, year=line.year).exclude(kind="")
        rows = rows.exclude(kind__in=own_lines.values("kind"))
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def budget_remaining(union, year: int, kind: str) -> Decimal | None:
    line = budget_line(union, year, kind)
    return None if line is None else line.amount - budget_spent(line)


def check_spending(*, union, member, kind: str, amount: Decimal, form: str, funding: str, on: datetime.date,
                   case: str = "", hardship_file=None, exclude_pk=None) -> None:
    """Raise ValidationError (every broken rule, each with its source) unless this spending may be committed.
    `exclude_pk`: the assistance record being approved, not counted against itself."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(f"{message}（{_('source')}：{source()}）")

    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    label = AssistanceKind(kind).label if kind in AssistanceKind.values else kind
    for cap in caps_for(kind):
        if form in cap.refused_forms:
            refuse("form", _("%(rule)s may not be given as %(form)s.") % {
                "rule": cap.name, "form": GiftForm(form).label})
        if cap.per == "payment" and amount > cap.maximum:
            refuse("amount", _("%(rule)s: at most %(cap)s yuan each time; this is %(amount)s.") % {
                "rule": cap.name, "cap": _yuan(cap.maximum), "amount": _yuan(amount)})
        elif cap.per == "year":
            given = _committed(member, cap.kinds, on.year, exclude_pk=exclude_pk).aggregate(
                total=Sum("amount"))["total"] or Decimal("0")
            if given + amount > cap.maximum:
                refuse("amount", _("%(rule)s: at most %(cap)s yuan per member a year; %(given)s already given in "
                                   "%(year)d, so at most %(left)s more.") % {
                    "rule": cap.name, "cap": _yuan(cap.maximum), "given": _yuan(given), "year": on.year,
                    "left": _yuan(max(cap.maximum - given, Decimal("0")))})
        elif cap.per == "case-year":
            if not case.strip():
                refuse("case", _("%(rule)s: name the illness, so that the same illness is helped once a year.")
                       % {"rule": cap.name})
            elif _committed(member, cap.kinds, on.year, exclude_pk=exclude_pk, case=case.strip()).exists():
                refuse("case", _("%(rule)s: this member was already helped for “%(case)s” in %(year)d; the same "
                                 "illness at most once a year.") % {"rule": cap.name, "case": case.strip(),
                                                                    "year": on.year})
            if amount > cap.maximum:
                refuse("amount", _("%(rule)s: at most %(cap)s yuan; this is %(amount)s.") % {
                    "rule": cap.name, "cap": _yuan(cap.maximum), "amount": _yuan(amount)})
        if cap.needs_hardship_file and (hardship_file is None or hardship_file.member_id != member.pk
                                        or hardship_file.status != HardshipStatus.ACTIVE):
            refuse("hardship_file", _("%(rule)s needs an approved hardship file (困难职工档案) of this member.")
                   % {"rule": cap.name})
    if funding in UNION_MONEY and settings.GONGHUI_CARE.get("NO_UNION_FUNDS_FOR_RETIREES", True) \
            and is_retired(member):
        refuse("funding", _("Union funds may not be spent on retired members; pay %(kind)s from another "
                            "source.") % {"kind": label})
    if funding == Funding.UNION_FUNDS and settings.GONGHUI_CARE.get("BUDGET_REQUIRED", True):
        line = budget_line(union, on.year, kind)
        if line is None:
            refuse("funding", _("%(union)s has no care budget for %(year)d: no spending without a budget.")
                   % {"union": union.name, "year": on.year})
        else:
            left = line.amount - budget_spent(line, exclude_pk=exclude_pk)
            if amount > left:
                refuse("amount", _("Above the budget: %(left)s yuan left of the %(year)d care budget of "
                                   "%(union)s; no spending above the budget.") % {
                    "left": _yuan(left), "year": on.year, "union": union.name})
    if errors:
        raise ValidationError(errors)
