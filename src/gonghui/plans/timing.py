"""时限: when a plan item is due, expanded into occurrences.

An occurrence is a window of dates in which the item must be carried out once: "every month" in a year
plan is twelve windows, one per month; "in March and September" is two; "by 31 May" is one window from
the start of the plan's period to that date. Recurring items given with months ("每年 3 月",
"每半年 6 月、12 月") fall due in those months. Windows are clipped to the plan's period, so a half-year
plan of a monthly item has six.

An item's progress (plans/progress.py) is the share of its occurrences carried out, and an occurrence is
overdue once its window has ended without a record.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Timing


@dataclass(frozen=True)
class Occurrence:
    start: datetime.date
    end: datetime.date
    label: str  # in Chinese: "3月", "第二季度", "上半年", "5月31日前"

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def months(self) -> list[int]:
        """The calendar months the window touches (for the month-by-month calendar view)."""
        return list(range(self.start.month, self.end.month + 1)) if self.start.year == self.end.year else []


def month_window(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def quarter_window(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = 3 * (quarter - 1) + 1
    return datetime.date(year, first, 1), month_window(year, first + 2)[1]


QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def _clean_numbers(values, low: int, high: int, field: str) -> list[int]:
    numbers = []
    for value in values or []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError({field: _("“%(value)s” is not a number from %(low)s to %(high)s.")
                                   % {"value": value, "low": low, "high": high}}) from None
        if not low <= number <= high:
            raise ValidationError({field: _("“%(value)s” is not a number from %(low)s to %(high)s.")
                                   % {"value": value, "low": low, "high": high}})
        numbers.append(number)
    return sorted(set(numbers))


def validate_timing(*, timing: str, due_on: datetime.date | None, months, quarters,
                    start: datetime.date, end: datetime.date) -> tuple[list[int], list[int]]:
    """Checks a 时限 against the plan's period; returns the months and quarters cleaned and sorted."""
    months = _clean_numbers(months, 1, 12, "months")
    quarters = _clean_numbers(quarters, 1, 4, "quarters")
    if timing == Timing.DATE:
        if due_on is None:
            raise ValidationError({"due_on": _("Give the date by which the item is due.")})
        if not start <= due_on <= end:
            raise ValidationError({"due_on": _("The due date must lie within the plan's period (%(start)s to "
                                               "%(end)s).") % {"start": start, "end": end}})
    elif timing == Timing.MONTHS and not months:
        raise ValidationError({"months": _("Choose the months in which the item is due.")})
    elif timing == Timing.QUARTERS and not quarters:
        raise ValidationError({"quarters": _("Choose the quarters in which the item is due.")})
    if timing in (Timing.MONTHS, Timing.YEARLY, Timing.HALF_YEARLY, Timing.QUARTERLY) and months:
        outside = [m for m in months if not start.month <= m <= end.month]
        if outside:
            raise ValidationError({"months": _("Month %(month)s lies outside the plan's period.")
                                   % {"month": outside[0]}})
    if timing == Timing.QUARTERS:
        outside = [q for q in quarters if not (3 * q - 2 <= end.month and 3 * q >= start.month)]
        if outside:
            raise ValidationError({"quarters": _("Quarter %(quarter)s lies outside the plan's period.")
                                   % {"quarter": outside[0]}})
    return months, quarters


def occurrences(*, timing: str, due_on: datetime.date | None, months, quarters,
                start: datetime.date, end: datetime.date) -> list[Occurrence]:
    """The windows of a 时限 within [start, end] (a plan's year or half-year), in date order."""
    year = start.year
    months = sorted({int(m) for m in months or [] if 1 <= int(m) <= 12})
    quarters = sorted({int(q) for q in quarters or [] if 1 <= int(q) <= 4})
    windows: list[Occurrence] = []

    def add(first: datetime.date, last: datetime.date, label: str) -> None:
        first, last = max(first, start), min(last, end)
        if first <= last:
            windows.append(Occurrence(first, last, label))

    def in_months(chosen: list[int]) -> None:
        for month in chosen:
            add(*month_window(year, month), f"{month}月")

    if timing == Timing.DATE:
        if due_on is not None:
            add(start, due_on, f"{due_on.month}月{due_on.day}日前")
    elif timing == Timing.MONTHS or (timing in (Timing.YEARLY, Timing.HALF_YEARLY, Timing.QUARTERLY) and months):
        in_months(months)
    elif timing == Timing.QUARTERS:
        for quarter in quarters:
            add(*quarter_window(year, quarter), QUARTER_NAMES[quarter])
    elif timing == Timing.MONTHLY:
        in_months(list(range(1, 13)))
    elif timing == Timing.QUARTERLY:
        for quarter in range(1, 5):
            add(*quarter_window(year, quarter), QUARTER_NAMES[quarter])
    elif timing == Timing.HALF_YEARLY:
        add(datetime.date(year, 1, 1), datetime.date(year, 6, 30), "上半年")
        add(datetime.date(year, 7, 1), datetime.date(year, 12, 31), "下半年")
    elif timing == Timing.YEARLY:
        add(start, end, "全年")
    return windows


def item_occurrences(item) -> list[Occurrence]:
    plan = item.plan
    return occurrences(timing=item.timing, due_on=item.due_on, months=item.months, quarters=item.quarters,
                       start=plan.start, end=plan.end)


def describe(*, timing: str, due_on: datetime.date | None, months, quarters) -> str:
    """The 时限 as a plan prints it: 每月, 3月、9月, 第二季度, 5月31日前, 每年（3月）."""
    month_text = "、".join(f"{int(m)}月" for m in sorted(months or []))
    if timing == Timing.DATE:
        return f"{due_on.year}年{due_on.month}月{due_on.day}日前" if due_on else ""
    if timing == Timing.MONTHS:
        return month_text
    if timing == Timing.QUARTERS:
        return "、".join(QUARTER_NAMES[int(q)] for q in sorted(quarters or []))
    recurring = {Timing.MONTHLY: "每月", Timing.QUARTERLY: "每季度", Timing.HALF_YEARLY: "每半年",
                 Timing.YEARLY: "每年"}.get(timing, "")
    if month_text and timing != Timing.MONTHLY:
        return f"{recurring}（{month_text}）"
    return recurring


def item_timing_text(item) -> str:
    return describe(timing=item.timing, due_on=item.due_on, months=item.months, quarters=item.quarters)
