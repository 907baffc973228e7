"""Statutory retirement ages, with the gradual raise of the 2024 decision (全国人民代表大会常务委员会关于实施
渐进式延迟法定退休年龄的决定, in force 2025-01-01):

- men, base 60: born January 1965 or later retire one month later for every four months of birth, up to 63;
- women whose base is 55 (cadres): from January 1970, one month per four months, up to 58;
- women whose base is 50 (workers): from January 1975, one month per two months, up to 55.

The base ages are settings (GONGHUI_CARE RETIREMENT_AGE_MEN / RETIREMENT_AGE_WOMEN); a base outside the
decision's table is used as it is. Everything is counted in months: the retirement date is the birth date plus
the retirement age in months, and the month a member reaches it is the month they retire in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import gettext as _

SOURCE = "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定（2024年9月13日）"


@dataclass(frozen=True)
class Schedule:
    base_years: int
    first_birth: tuple[int, int]  # (year, month) of the first birth month that is raised
    months_per_step: int          # months of birth per month of delay
    max_delay_months: int


# (gender, base age) → the decision's schedule
SCHEDULES: dict[tuple[str, int], Schedule] = {
    ("M", 60): Schedule(60, (1965, 1), 4, 36),
    ("F", 55): Schedule(55, (1970, 1), 4, 36),
    ("F", 50): Schedule(50, (1975, 1), 2, 60),
}


def base_age(gender: str) -> int:
    care = settings.GONGHUI_CARE
    return int(care["RETIREMENT_AGE_MEN"] if gender == "M" else care["RETIREMENT_AGE_WOMEN"])


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def delay_months(gender: str, birth: datetime.date, *, base: int | None = None) -> int:
    """How many months later than the base age a person born on `birth` retires."""
    base = base_age(gender) if base is None else base
    schedule = SCHEDULES.get((gender, base))
    if schedule is None:
        return 0
    since = _month_index(birth.year, birth.month) - _month_index(*schedule.first_birth)
    if since < 0:
        return 0
    return min(since // schedule.months_per_step + 1, schedule.max_delay_months)


def retirement_age_months(gender: str, birth: datetime.date, *, base: int | None = None) -> int:
    """The retirement age in months (e.g. 60 years 4 months = 724)."""
    base = base_age(gender) if base is None else base
    return base * 12 + delay_months(gender, birth, base=base)


def retirement_date(gender: str, birth: datetime.date, *, base: int | None = None) -> datetime.date:
    return birth + relativedelta(months=retirement_age_months(gender, birth, base=base))


def birth_month_retiring_in(gender: str, year: int, month: int, *, base: int | None = None) -> tuple[int, int] | None:
    """The birth month (year, month) of the people of `gender` who retire in `year`-`month`, or None when no
    birth month does (the raise skips a retirement month now and then). Retirement month = birth month +
    age in months, and that sum grows with the birth month, so at most one birth month fits."""
    base = base_age(gender) if base is None else base
    schedule = SCHEDULES.get((gender, base))
    top = schedule.max_delay_months if schedule else 0
    target = _month_index(year, month)
    for delay in range(top + 1):
        index = target - base * 12 - delay
        birth_year, birth_month = divmod(index, 12)
        if delay_months(gender, datetime.date(birth_year, birth_month + 1, 1), base=base) == delay:
            return birth_year, birth_month + 1
    return None


def age_label(months: int) -> str:
    years, rest = divmod(months, 12)
    if rest:
        return _("%(years)d years %(months)d months") % {"years": years, "months": rest}
    return _("%(years)d years") % {"years": years}
