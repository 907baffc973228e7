"""Default dates of the seasonal campaigns, from the holiday library (chinese_calendar), not a hand-kept table.

- 送温暖: from 30 days before the first day of the Spring Festival holiday through its last day (the festival day
  itself, 正月初一, from the lunardate library's table of the Chinese calendar);
- 送清凉: June to August (the hot season, from about 芒种 to 处暑);
- 金秋助学: July to September (the weeks before and after school starts).

chinese_calendar knows the official holiday arrangements of the years the State Council has published; for a
later year it has no data, and `NoHolidayData` says so: the officer then enters the dates.
"""

from __future__ import annotations

import datetime

import chinese_calendar
from django.utils.translation import gettext as _
from lunardate import LunarDate

WARMTH_LEAD_DAYS = 30


class NoHolidayData(Exception):
    pass


def spring_festival_holiday(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the official Spring Festival holiday in `year` (it falls in January–March), read
    from the library's table of published holidays; a year it does not hold yet raises NoHolidayData."""
    name = chinese_calendar.Holiday.spring_festival.value
    days = sorted(day for day, holiday in chinese_calendar.holidays.items() if day.year == year and holiday == name)
    if not days:
        raise NoHolidayData(_("The holiday library has no Spring Festival dates for %(year)d yet: enter the "
                              "campaign's dates yourself.") % {"year": year})
    return days[0], days[-1]


def spring_festival(year: int) -> datetime.date:
    """春节 (正月初一) of `year`, from the lunardate library's table of the Chinese calendar (1900–2099); outside
    it, ValueError."""
    return LunarDate(year, 1, 1).to_solar_date()


def default_dates(kind: str, year: int) -> tuple[datetime.date, datetime.date]:
    """The default (from, until) of a campaign of `kind` in `year`. Raises NoHolidayData, or ValueError for a
    kind without default dates (a donation drive)."""
    if kind == "warmth":
        first, last = spring_festival_holiday(year)
        return first - datetime.timedelta(days=WARMTH_LEAD_DAYS), last
    if kind == "coolness":
        return datetime.date(year, 6, 1), datetime.date(year, 8, 31)
    if kind == "education":
        return datetime.date(year, 7, 1), datetime.date(year, 9, 30)
    raise ValueError(kind)
