"""Writes for 困难职工档案 (issue 4 §5), the 低保 standards they are measured against, and the care budgets.

The category follows DOMAIN.md: (annual household income − hardship spending) ÷ 12 ÷ household size, per
person and month, against the 低保 standard of the area (the nearest node at or above the union with a
standard in force on the date): ≤ 低保 → 深度困难, ≤ 2 × 低保 → 相对困难; above that only a sudden accident or
disaster makes a file (意外致困), otherwise it is refused with the figures and the standard named.

The household, the money and the health details live only in the encrypted `details` JSON; the audit log
says "******" for them, never their values. A file is approved by its union (care.approve on the union),
then by the union above (care.approve on the parent node: a union chair cannot approve their own file at
the upper level), reviewed every year, and becomes 已脱困 after HARDSHIP_RELIEF_MONTHS above the 低保 line.
Every step is a HardshipEvent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts import policy
from gonghui.core import audit, crypto
from gonghui.core.models import AuditEntry
from gonghui.members.models import MEMBER_STATUSES, Member
from gonghui.orgs.models import OrgNode, path_ids

from ..models import (
    OPEN_HARDSHIP,
    CareBudget,
    HardshipCategory,
    HardshipEvent,
    HardshipEventKind,
    HardshipFile,
    HardshipStatus,
    LivingAllowanceStandard,
)

MASK = "****"
CENT = Decimal("0.01")
MAX_HOUSEHOLD = 20


def review_months() -> int:
    return int(settings.GONGHUI_CARE.get("HARDSHIP_REVIEW_MONTHS", 12))


def relief_months() -> int:
    return int(settings.GONGHUI_CARE.get("HARDSHIP_RELIEF_MONTHS", 6))


def _today() -> datetime.date:
    return timezone.localdate()


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


# ---------------------------------------------------------------- 低保 standards and budgets


def standard_for(node: OrgNode, on: datetime.date) -> LivingAllowanceStandard | None:
    """The 低保 standard in force on `on` for `node`: the nearest node at or above it that has one."""
    ids = path_ids(node.path)
    rows = list(LivingAllowanceStandard.objects.filter(node_id__in=ids, effective_from__lte=on)
                .select_related("node").order_by("-effective_from"))
    for node_id in reversed(ids):
        for row in rows:
            if row.node_id == node_id:
                return row
    return None


@transaction.atomic
def standard_create(*, actor, node: OrgNode, monthly_amount: Decimal, effective_from: datetime.date,
                    source: str = "") -> LivingAllowanceStandard:
    if not node.is_federation:
        raise ValidationError({"node": _("A 低保 standard is set by a federation for its area; %(node)s is not a "
                                         "federation.") % {"node": node.name}})
    if monthly_amount is None or Decimal(monthly_amount) <= 0:
        raise ValidationError({"monthly_amount": _("The 低保 standard must be more than zero.")})
    if LivingAllowanceStandard.objects.filter(node=node, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": _("%(node)s already has a 低保 standard from %(date)s.") % {
            "node": node.name, "date": effective_from.isoformat()}})
    standard = LivingAllowanceStandard(node=node, path=node.path, monthly_amount=monthly_amount,
                                       effective_from=effective_from, source=(source or "").strip())
    standard.full_clean()
    standard.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=standard, org_path=node.path,
                 after=audit.snapshot(standard))
    return standard


@transaction.atomic
def budget_create(*, actor, node: OrgNode, year: int, kind: str, amount: Decimal, note: str = "") -> CareBudget:
    if not node.is_union:
        raise ValidationError({"node": _("A care budget belongs to a union; %(node)s is not a union.")
                               % {"node": node.name}})
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({"amount": _("The budget must be more than zero.")})
    if not 1990 <= int(year) <= 2100:
        raise ValidationError({"year": _("“%(value)s” is not a year.") % {"value": year}})
    if CareBudget.objects.filter(node=node, year=year, kind=kind or "").exists():
        raise ValidationError({"kind": _("%(node)s already has this budget line for %(year)d.") % {
            "node": node.name, "year": year}})
    line = CareBudget(node=node, path=node.path, year=year, kind=kind or "", amount=amount, note=(note or "").strip())
    line.full_clean()
    line.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=line, org_path=node.path,
                 after=audit.snapshot(line))
    return line


# ---------------------------------------------------------------- the category


@dataclass(frozen=True)
class Assessment:
    category: str
    per_person: Decimal           # yuan per person and month
    standard: LivingAllowanceStandard


def per_person_month(income: Decimal, spending: Decimal, size: int, *, exact: bool = False) -> Decimal:
    """(income − hardship spending) ÷ 12 ÷ household size; rounded to cents for display, `exact` to compare
    with the 低保 line (800.004 is above 800, though it shows as 800.00)."""
    figure = (Decimal(income) - Decimal(spending)) / 12 / size
    return figure if exact else figure.quantize(CENT, rounding=ROUND_HALF_UP)


def _standard_text(standard: LivingAllowanceStandard) -> str:
    text = _("the 低保 standard of %(node)s, %(amount)s yuan per person and month from %(date)s") % {
        "node": standard.node.name, "amount": _yuan(standard.monthly_amount),
        "date": standard.effective_from.isoformat()}
    if standard.source:
        text += _(" (source: %(source)s)") % {"source": standard.source}
    return text


def assess(*, union: OrgNode, income: Decimal, spending: Decimal, size: int, sudden_accident: bool,
           on: datetime.date) -> Assessment:
    """The category of a household, or ValidationError naming the figures and the 低保 standard."""
    standard = standard_for(union, on)
    if standard is None:
        raise ValidationError({"annual_income": _(
            "No 低保 standard is set for %(union)s or any federation above it on %(date)s: a federation admin "
            "must set one before hardship files can be assessed.") % {"union": union.name, "date": on.isoformat()}})
    figure = per_person_month(income, spending, size)
    exact = per_person_month(income, spending, size, exact=True)
    line = standard.monthly_amount
    if exact <= line:
        category = HardshipCategory.DEEP
    elif exact <= 2 * line:
        category = HardshipCategory.RELATIVE
    elif sudden_accident:
        category = HardshipCategory.ACCIDENT
    else:
        raise ValidationError({"annual_income": _(
            "Not eligible: (%(income)s − %(spending)s) ÷ 12 ÷ %(size)d = %(figure)s yuan per person and month, "
            "above twice %(standard)s (%(double)s yuan), and no sudden accident or disaster is recorded.") % {
            "income": _yuan(Decimal(income)), "spending": _yuan(Decimal(spending)), "size": size,
            "figure": _yuan(figure), "standard": _standard_text(standard), "double": _yuan(2 * line)}})
    return Assessment(category=category, per_person=figure, standard=standard)


# ---------------------------------------------------------------- details


DETAIL_DEFAULTS: dict[str, Any] = {
    "household": [],          # [{"relation", "age", "health", "work"}]
    "annual_income": "0",
    "hardship_spending": "0",
    "cause_text": "",
    "health": "",
    "sudden_accident": False,
    "per_person": "",
    "standard": "",
}


def file_details(file: HardshipFile | None) -> dict[str, Any]:
    stored = crypto.decrypt_json(file.details, {}) if file is not None and file.details else {}
    details = {**DETAIL_DEFAULTS, **stored}
    details["annual_income"] = Decimal(str(details["annual_income"] or "0"))
    details["hardship_spending"] = Decimal(str(details["hardship_spending"] or "0"))
    return details


def masked_details(details: dict[str, Any]) -> dict[str, Any]:
    """What the file page shows without a reveal: the relations, every figure and health word masked."""
    return {
        "household": [{"relation": person.get("relation", ""), "age": MASK, "health": MASK, "work": MASK}
                      for person in details["household"]],
        "annual_income": MASK, "hardship_spending": MASK, "cause_text": MASK if details["cause_text"] else "",
        "health": MASK if details["health"] else "", "per_person": MASK,
        "sudden_accident": details["sudden_accident"], "standard": details.get("standard", ""),
    }


def parse_household(text: str) -> list[dict[str, Any]]:
    """One person a line: relation, age, health, work (separated by commas or 、). Raises ValidationError
    naming the line."""
    people = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.replace("，", ",").replace("、", ",").split(",")]
        parts += [""] * (4 - len(parts))
        if len(parts) > 4:
            raise ValidationError({"household": _("Line %(line)d: write relation, age, health, work — four parts "
                                                  "separated by commas.") % {"line": number}})
        relation, age, health, work = parts
        if not relation:
            raise ValidationError({"household": _("Line %(line)d: the relation (本人, 配偶, 子女 …) is missing.")
                                   % {"line": number}})
        if age and (not age.isdigit() or int(age) > 120):
            raise ValidationError({"household": _("Line %(line)d: the age “%(age)s” is not a whole number of "
                                                  "years.") % {"line": number, "age": age}})
        people.append({"relation": relation[:20], "age": int(age) if age else None, "health": health[:50],
                       "work": work[:50]})
    if not people:
        raise ValidationError({"household": _("List the household, one person a line, the member included.")})
    if len(people) > MAX_HOUSEHOLD:
        raise ValidationError({"household": _("At most %(max)d people in a household.") % {"max": MAX_HOUSEHOLD}})
    return people


def household_text(people: list[dict[str, Any]]) -> str:
    return "\n".join(", ".join(str(person.get(key) if person.get(key) is not None else "")
                               for key in ("relation", "age", "health", "work")) for person in people)


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except Exception:
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    return amount.quantize(CENT)


def _event(file: HardshipFile, *, kind: str, actor, on: datetime.date, before: str = "", note: str = "") -> None:
    HardshipEvent.objects.create(
        file=file, kind=kind, on=on, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else "",
        category_before=before, category_after=file.category, status_after=file.status, note=note[:300])


def _snapshot(file: HardshipFile, details_changed: bool = False) -> dict[str, Any]:
    data = audit.snapshot(file)
    if details_changed:
        data["details"] = "******"
    return data


def _require(actor, permission: str, path: str) -> None:
    if actor is not None and not policy.has_perm(actor, permission, path):
        raise PermissionDenied


def _apply(file: HardshipFile, *, union: OrgNode, cause: str, household: list[dict[str, Any]], annual_income,
           hardship_spending, cause_text: str, health: str, sudden_accident: bool, on: datetime.date) -> None:
    income = _money(annual_income, "annual_income")
    spending = _money(hardship_spending, "hardship_spending")
    assessment = assess(union=union, income=income, spending=spending, size=len(household),
                        sudden_accident=bool(sudden_accident), on=on)
    file.category = assessment.category
    file.cause = cause
    file.household_size = len(household)
    file.details = crypto.encrypt_json({
        "household": household, "annual_income": str(income), "hardship_spending": str(spending),
        "cause_text": (cause_text or "").strip()[:500], "health": (health or "").strip()[:500],
        "sudden_accident": bool(sudden_accident), "per_person": str(assessment.per_person),
        "standard": _standard_text(assessment.standard),
    })


# ---------------------------------------------------------------- the file's steps


@transaction.atomic
def hardship_file_create(*, actor, member: Member, cause: str, household: list[dict[str, Any]], annual_income,
                         hardship_spending, cause_text: str = "", health: str = "", sudden_accident: bool = False,
                         on: datetime.date | None = None) -> HardshipFile:
    on = on or _today()
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    _require(actor, "care.change", member.path)
    if member.status not in MEMBER_STATUSES:
        raise ValidationError({"member": _("%(name)s is not a member now.") % {"name": member.name}})
    if HardshipFile.objects.filter(member=member, status__in=OPEN_HARDSHIP).exists():
        raise ValidationError({"member": _("%(name)s already has an open hardship file: one open file per "
                                           "member.") % {"name": member.name}})
    file = HardshipFile(member=member, union=member.union, path=member.union.path, filed_on=on)
    _apply(file, union=member.union, cause=cause, household=household, annual_income=annual_income,
           hardship_spending=hardship_spending, cause_text=cause_text, health=health,
           sudden_accident=sudden_accident, on=on)
    file.full_clean(exclude=["member", "union"])
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError:
        raise ValidationError({"member": _("%(name)s already has an open hardship file: one open file per "
                                           "member.") % {"name": member.name}}) from None
    _event(file, kind=HardshipEventKind.FILED, actor=actor, on=on)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=file, org_path=file.path,
                 after=_snapshot(file, True))
    return file


def _locked(file: HardshipFile) -> HardshipFile:
    return HardshipFile.objects.select_for_update(of=("self",)).select_related("union", "member", "union__parent").get(
        pk=file.pk)


@transaction.atomic
def hardship_file_update(*, actor, file: HardshipFile, cause: str, household: list[dict[str, Any]],
                         annual_income, hardship_spending, cause_text: str = "", health: str = "",
                         sudden_accident: bool = False, on: datetime.date | None = None) -> HardshipFile:
    """Correct a file while it is being filed or was returned; a returned file goes back to the union."""
    on = on or _today()
    file = _locked(file)
    _require(actor, "care.change", file.path)
    if file.status not in (HardshipStatus.DRAFT, HardshipStatus.RETURNED):
        raise ValidationError(_("Only a file being filed or returned for correction can be changed; this one is "
                                "“%(status)s”.") % {"status": file.get_status_display()})
    before, category_before = _snapshot(file), file.category
    before["details"] = "***"
    _apply(file, union=file.union, cause=cause, household=household, annual_income=annual_income,
           hardship_spending=hardship_spending, cause_text=cause_text, health=health,
           sudden_accident=sudden_accident, on=on)
    file.status = HardshipStatus.DRAFT
    file.full_clean(exclude=["member", "union"])
    file.save()
    _event(file, kind=HardshipEventKind.CHANGED, actor=actor, on=on, before=category_before)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=file, org_path=file.path, before=before,
                 after=_snapshot(file, True))
    return file


def may_approve_for_union(user, file: HardshipFile) -> bool:
    return policy.has_perm(user, "care.approve", file.union.path)


def may_approve_above(user, file: HardshipFile) -> bool:
    """care.approve held on the union above: a grant on the union itself (its chair) does not count."""
    parent = file.union.parent
    return parent is not None and policy.has_perm(user, "care.approve", parent.path)


def _step(file: HardshipFile, *, actor, kind: str, status: str, on: datetime.date, note: str = "",
          before_category: str | None = None, **fields) -> HardshipFile:
    before = _snapshot(file)
    file.status = status
    for name, value in fields.items():
        setattr(file, name, value)
    file.full_clean(exclude=["member", "union"])
    file.save()
    _event(file, kind=kind, actor=actor, on=on, note=note,
           before=file.category if before_category is None else before_category)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=file, org_path=file.path, before=before,
                 after=_snapshot(file))
    return file


@transaction.atomic
def hardship_union_approve(*, actor, file: HardshipFile, on: datetime.date | None = None) -> HardshipFile:
    on = on or _today()
    file = _locked(file)
    if not may_approve_for_union(actor, file):
        raise PermissionDenied
    if file.status != HardshipStatus.DRAFT:
        raise ValidationError(_("Only a file being filed can be approved by the union; this one is “%(status)s”.")
                              % {"status": file.get_status_display()})
    return _step(file, actor=actor, kind=HardshipEventKind.UNION_APPROVED, status=HardshipStatus.UNION_APPROVED,
                 on=on, union_approved_by=actor, union_approved_at=timezone.now())


@transaction.atomic
def hardship_approve(*, actor, file: HardshipFile, on: datetime.date | None = None) -> HardshipFile:
    """The union above approves: the file is on record and due for review in HARDSHIP_REVIEW_MONTHS."""
    on = on or _today()
    file = _locked(file)
    if not may_approve_above(actor, file):
        raise PermissionDenied
    if file.status != HardshipStatus.UNION_APPROVED:
        raise ValidationError(_("The union above approves a file after its union did; this one is “%(status)s”.")
                              % {"status": file.get_status_display()})
    if actor is not None and file.union_approved_by_id == actor.pk:
        raise ValidationError(_("You approved this file for its union: the approval above must be given by "
                                "someone else."))
    return _step(file, actor=actor, kind=HardshipEventKind.APPROVED, status=HardshipStatus.ACTIVE, on=on,
                 approved_by=actor, approved_at=timezone.now(), last_reviewed_on=on,
                 next_review_on=on + relativedelta(months=review_months()))


@transaction.atomic
def hardship_return(*, actor, file: HardshipFile, reason: str, on: datetime.date | None = None) -> HardshipFile:
    on = on or _today()
    file = _locked(file)
    if not may_approve_for_union(actor, file):
        raise PermissionDenied
    if file.status not in (HardshipStatus.DRAFT, HardshipStatus.UNION_APPROVED):
        raise ValidationError(_("Only a file waiting for approval can be returned; this one is “%(status)s”.")
                              % {"status": file.get_status_display()})
    if file.status == HardshipStatus.UNION_APPROVED and not may_approve_above(actor, file):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what must be corrected.")})
    return _step(file, actor=actor, kind=HardshipEventKind.RETURNED, status=HardshipStatus.RETURNED, on=on,
                 note=reason, union_approved_by=None, union_approved_at=None)


@transaction.atomic
def hardship_review(*, actor, file: HardshipFile, household: list[dict[str, Any]], annual_income,
                    hardship_spending, health: str = "", note: str = "",
                    on: datetime.date | None = None) -> HardshipFile:
    """The yearly review: new figures. Below or at the 低保 line the household stays (category recomputed);
    above it the date it first was is kept, and HARDSHIP_RELIEF_MONTHS later the file is 已脱困."""
    on = on or _today()
    file = _locked(file)
    _require(actor, "care.change", file.path)
    if file.status != HardshipStatus.ACTIVE:
        raise ValidationError(_("Only a file on record is reviewed; this one is “%(status)s”.")
                              % {"status": file.get_status_display()})
    old = file_details(file)
    income = _money(annual_income, "annual_income")
    spending = _money(hardship_spending, "hardship_spending")
    standard = standard_for(file.union, on)
    if standard is None:
        raise ValidationError({"annual_income": _("No 低保 standard is set for %(union)s on %(date)s.") % {
            "union": file.union.name, "date": on.isoformat()}})
    figure = per_person_month(income, spending, len(household))
    exact = per_person_month(income, spending, len(household), exact=True)
    before, category_before = _snapshot(file), file.category
    before["details"] = "***"
    line = standard.monthly_amount
    if exact <= line:
        file.category, file.above_line_since = HardshipCategory.DEEP, None
    else:
        if exact <= 2 * line:
            file.category = HardshipCategory.RELATIVE
        file.above_line_since = file.above_line_since or on
    file.household_size = len(household)
    file.details = crypto.encrypt_json({
        **{key: (str(value) if isinstance(value, Decimal) else value) for key, value in old.items()},
        "household": household, "annual_income": str(income), "hardship_spending": str(spending),
        "health": (health or "").strip()[:500] or old["health"], "per_person": str(figure),
        "standard": _standard_text(standard)})
    file.last_reviewed_on = on
    file.next_review_on = on + relativedelta(months=review_months())
    relieved = file.above_line_since is not None and on >= file.above_line_since + relativedelta(
        months=relief_months())
    if relieved:
        file.status, file.relieved_on, file.next_review_on = HardshipStatus.RELIEVED, on, None
    file.full_clean(exclude=["member", "union"])
    file.save()
    _event(file, kind=HardshipEventKind.REVIEWED, actor=actor, on=on, before=category_before, note=note)
    if relieved:
        _event(file, kind=HardshipEventKind.RELIEVED, actor=actor, on=on, note=_(
            "Above the 低保 line since %(date)s.") % {"date": file.above_line_since.isoformat()})
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=file, org_path=file.path, before=before,
                 after=_snapshot(file, True))
    return file


@transaction.atomic
def hardship_close(*, actor, file: HardshipFile, reason: str, on: datetime.date | None = None) -> HardshipFile:
    on = on or _today()
    file = _locked(file)
    _require(actor, "care.change", file.path)
    if file.status == HardshipStatus.CLOSED:
        raise ValidationError(_("This file is already closed."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for closing the file.")})
    return _step(file, actor=actor, kind=HardshipEventKind.CLOSED, status=HardshipStatus.CLOSED, on=on,
                 note=reason, closed_reason=reason[:200], next_review_on=None)


def hardship_reveal(*, actor, file: HardshipFile) -> dict[str, Any]:
    """The details in clear, for a user with care.reveal; the reveal is logged (not what was shown)."""
    _require(actor, "care.reveal", file.path)
    audit.record(actor=actor, action=AuditEntry.Action.REVEAL, instance=file, org_path=file.path,
                 after={"revealed": str(HardshipFile._meta.get_field("details").verbose_name)})
    return file_details(file)
