"""女职工 rules as pure date computations (DOMAIN.md, Women workers), each with its source.

Everything here takes plain values (dates, counts, a details dict) and returns dates or small records, so it
can be tested without a database and shown on any page. The record's 五期 details arrive decrypted from
services/selectors; nothing here stores or logs them.

Sources:
- 女职工劳动保护特别规定 (State Council Decree 619, 2012), Art. 7: maternity leave 98 days, 15 of them
  before the birth; +15 days for a difficult birth; +15 days for each extra baby of a multiple birth;
  a miscarriage under 4 months of pregnancy 15 days, at 4 months or more 42 days.
- Same, Art. 6 and 9: from 7 months of pregnancy, and while nursing a baby under one year, no overtime and
  no night shifts; 1 hour of nursing time a day (+1 hour for each extra baby).
- 民法典 Art. 201: a period counted in years ends on the corresponding day; without one (a child born on
  29 February) on the last day of that month. So the nursing period of a child born 2024-02-29 ends on
  2025-02-28.
- Health checks: the gynaecological check yearly and the general check of all staff every two years are
  common unit practice, so both intervals are settings (GONGHUI_RULES).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import gettext_lazy

MATERNITY_LEAVE_DAYS = 98
PRENATAL_LEAVE_DAYS = 15
DIFFICULT_BIRTH_EXTRA_DAYS = 15
EXTRA_BABY_DAYS = 15
MISCARRIAGE_EARLY_DAYS = 15
MISCARRIAGE_LATE_DAYS = 42
MISCARRIAGE_LATE_FROM_MONTHS = 4
# A pregnancy lasts 280 days (40 weeks) from the first day of the last period; the due date is computed
# from it, so the pregnancy is taken to begin 280 days before the due date.
PREGNANCY_DAYS = 280
# "怀孕7个月以上": obstetric months are 4 weeks, so 7 months = 28 completed weeks of pregnancy.
NO_OVERTIME_FROM_DAYS = 7 * 28
NURSING_HOURS_PER_DAY = 1

DEFAULT_GYNAECOLOGICAL_CHECK_MONTHS = 12
DEFAULT_GENERAL_CHECK_MONTHS = 24

SOURCE_MATERNITY = gettext_lazy(
    "Special Rules on the Labour Protection of Female Employees 2012, Art. 7: 98 days of maternity leave, "
    "15 of them before the birth; 15 more days for a difficult birth and for each extra baby of a multiple "
    "birth; a miscarriage under 4 months of pregnancy 15 days, at 4 months or more 42 days")
SOURCE_PROTECTION = gettext_lazy(
    "Special Rules on the Labour Protection of Female Employees 2012, Art. 6 and 9: from 7 months of "
    "pregnancy, and while nursing a baby under one year, no overtime and no night shifts; 1 hour of "
    "nursing time a day")
SOURCE_FIRST_BIRTHDAY = gettext_lazy(
    "Civil Code Art. 201: a period in years ends on the corresponding day, or on the last day of the month "
    "when there is none (a child born on 29 February turns one on 28 February)")
SOURCE_CHECKS = gettext_lazy(
    "Health checks: a gynaecological check every %(gynaecological)d months and a general check every "
    "%(general)d months (unit practice, a setting)")


def gynaecological_check_months() -> int:
    return int(getattr(settings, "GONGHUI_RULES", {}).get("WOMEN_GYNAECOLOGICAL_CHECK_MONTHS",
                                                          DEFAULT_GYNAECOLOGICAL_CHECK_MONTHS))


def general_check_months() -> int:
    return int(getattr(settings, "GONGHUI_RULES", {}).get("WOMEN_GENERAL_CHECK_MONTHS",
                                                          DEFAULT_GENERAL_CHECK_MONTHS))


def checks_source() -> str:
    return str(SOURCE_CHECKS) % {"gynaecological": gynaecological_check_months(),
                                 "general": general_check_months()}


@dataclass(frozen=True)
class Leave:
    """A leave period, both ends included."""

    start: datetime.date
    end: datetime.date
    days: int
    # what the dates were counted from: "due_date", "birth" or "miscarriage"
    basis: str

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def maternity_leave_days(*, difficult_birth: bool = False, babies: int = 1) -> int:
    """98 days; +15 for a difficult birth; +15 for each baby after the first (Art. 7)."""
    if babies < 1:
        raise ValueError("a birth has at least one baby")
    return (MATERNITY_LEAVE_DAYS + (DIFFICULT_BIRTH_EXTRA_DAYS if difficult_birth else 0)
            + EXTRA_BABY_DAYS * (babies - 1))


def miscarriage_leave_days(months_pregnant: int) -> int:
    """Under 4 completed months of pregnancy 15 days, 4 months or more 42 days (Art. 7)."""
    if months_pregnant < 0:
        raise ValueError("months of pregnancy cannot be negative")
    return MISCARRIAGE_LATE_DAYS if months_pregnant >= MISCARRIAGE_LATE_FROM_MONTHS else MISCARRIAGE_EARLY_DAYS


def maternity_leave(*, expected_due_date: datetime.date | None = None, birth_date: datetime.date | None = None,
                    difficult_birth: bool = False, babies: int = 1) -> Leave | None:
    """The leave of a birth: 15 days before the birth and the rest after it.

    Before the birth it is planned from the expected due date; once the birth is recorded it is counted
    from the actual birth date, so the days after the birth (83, plus any extra days) are never shortened
    by an early or late birth."""
    anchor, basis = (birth_date, "birth") if birth_date else (expected_due_date, "due_date")
    if anchor is None:
        return None
    days = maternity_leave_days(difficult_birth=difficult_birth and birth_date is not None, babies=babies)
    start = anchor - datetime.timedelta(days=PRENATAL_LEAVE_DAYS)
    return Leave(start=start, end=start + datetime.timedelta(days=days - 1), days=days, basis=basis)


def miscarriage_leave(*, miscarriage_date: datetime.date, months_pregnant: int) -> Leave:
    """Leave from the day of the miscarriage: 15 or 42 days."""
    days = miscarriage_leave_days(months_pregnant)
    return Leave(start=miscarriage_date, end=miscarriage_date + datetime.timedelta(days=days - 1), days=days,
                 basis="miscarriage")


def pregnancy_start(expected_due_date: datetime.date) -> datetime.date:
    """The estimated first day of the pregnancy (of the last period): 280 days before the due date."""
    return expected_due_date - datetime.timedelta(days=PREGNANCY_DAYS)


def no_overtime_from(expected_due_date: datetime.date) -> datetime.date:
    """The day the pregnancy reaches 7 months (28 weeks): from then on no overtime, no night shifts."""
    return pregnancy_start(expected_due_date) + datetime.timedelta(days=NO_OVERTIME_FROM_DAYS)


def first_birthday(birth_date: datetime.date) -> datetime.date:
    """The child's first birthday; for a child born on 29 February, 28 February (Civil Code Art. 201)."""
    return birth_date + relativedelta(years=1)


def nursing_period_end(birth_date: datetime.date) -> datetime.date:
    """The nursing period (哺乳期) lasts until the child's first birthday."""
    return first_birthday(birth_date)


def nursing_hours_per_day(babies: int = 1) -> int:
    """1 hour a day, and 1 more for each extra baby of a multiple birth (Art. 9)."""
    return NURSING_HOURS_PER_DAY * max(babies, 1)


def check_due_on(last_check: datetime.date | None, interval_months: int) -> datetime.date | None:
    """The date the next check falls due; None when there was never one (due now)."""
    if last_check is None:
        return None
    return last_check + relativedelta(months=interval_months)


def check_is_due(last_check: datetime.date | None, interval_months: int, today: datetime.date) -> bool:
    """Never checked, or the interval has passed since the last check."""
    due = check_due_on(last_check, interval_months)
    return due is None or due <= today


def check_cutoff(interval_months: int, today: datetime.date) -> datetime.date:
    """A check on or before this date is out of date today (the same rule as check_is_due, for queries)."""
    return today - relativedelta(months=interval_months)


@dataclass(frozen=True)
class Figures:
    """What the rules say about one record on one day."""

    leave: Leave | None
    no_overtime_from: datetime.date | None
    nursing_until: datetime.date | None
    nursing_hours: int
    on_leave: bool
    nursing: bool
    protected: bool  # no overtime and no night shifts today

    @property
    def situation(self) -> str:
        """"on_leave", "nursing", "late_pregnancy" (7 months or more), or ""."""
        if self.on_leave:
            return "on_leave"
        if self.nursing:
            return "nursing"
        if self.protected:
            return "late_pregnancy"
        return ""


def figures(details: dict[str, Any], today: datetime.date) -> Figures:
    """The computed dates for a record's 五期 details (as stored: ISO dates, see services.DETAIL_FIELDS)."""
    due = _date(details.get("expected_due_date"))
    born = _date(details.get("birth_date"))
    lost = _date(details.get("miscarriage_date"))
    babies = int(details.get("babies") or 1)
    stage = details.get("stage") or ""
    leave: Leave | None = None
    if lost is not None and details.get("miscarriage_months") is not None:
        leave = miscarriage_leave(miscarriage_date=lost, months_pregnant=int(details["miscarriage_months"]))
    elif born is not None or (due is not None and stage in ("pregnant", "maternity")):
        leave = maternity_leave(expected_due_date=due, birth_date=born,
                                difficult_birth=bool(details.get("difficult_birth")), babies=babies)
    late_from = no_overtime_from(due) if due is not None and born is None and lost is None else None
    nursing_until = nursing_period_end(born) if born is not None else None
    on_leave = leave is not None and leave.covers(today)
    nursing = nursing_until is not None and born <= today <= nursing_until
    late = late_from is not None and late_from <= today
    return Figures(leave=leave, no_overtime_from=late_from, nursing_until=nursing_until,
                   nursing_hours=nursing_hours_per_day(babies), on_leave=on_leave, nursing=nursing,
                   protected=late or nursing)


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
