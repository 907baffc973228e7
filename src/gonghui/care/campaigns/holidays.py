"""Default dates of the seasonal campaigns, from the holiday library (chinese_calendar), not a hand-kept table.

- 送温暖: from 30 days before the first day of the Spring Festival holiday through its last day;
- 送清凉: June to August (the hot season, from about 芒种 to 处暑);
- 金秋助学: July to September (the weeks before and after school starts).

chinese_calendar knows the official holiday arrangements of the years the State Council has published; for a
later year it has no data, and `NoHolidayData` says so: the officer then enters the dates.
"""

from __future__ import annotations

import datetime
import math

import chinese_calendar
from django.utils.translation import gettext as _

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


def _new_moon(k: int) -> float:
    """The Julian Ephemeris Day of the k-th new moon after that of 6 January 2000 (Meeus, Astronomical
    Algorithms, 2nd ed., ch. 49, without the planetary terms: within a few minutes)."""
    t = k / 1236.85
    jde = (2451550.09766 + 29.530588861 * k + 0.00015437 * t ** 2 - 0.000000150 * t ** 3
           + 0.00000000073 * t ** 4)
    e = 1 - 0.002516 * t - 0.0000074 * t ** 2
    m = math.radians(2.5534 + 29.10535670 * k - 0.0000014 * t ** 2 - 0.00000011 * t ** 3)
    mp = math.radians(201.5643 + 385.81693528 * k + 0.0107582 * t ** 2 + 0.00001238 * t ** 3
                      - 0.000000058 * t ** 4)
    f = math.radians(160.7108 + 390.67050284 * k - 0.0016118 * t ** 2 - 0.00000227 * t ** 3
                     + 0.000000011 * t ** 4)
    omega = math.radians(124.7746 - 1.56375588 * k + 0.0020672 * t ** 2 + 0.00000215 * t ** 3)
    sin = math.sin
    return jde + (
        -0.40720 * sin(mp) + 0.17241 * e * sin(m) + 0.01608 * sin(2 * mp) + 0.01039 * sin(2 * f)
        + 0.00739 * e * sin(mp - m) - 0.00514 * e * sin(mp + m) + 0.00208 * e * e * sin(2 * m)
        - 0.00111 * sin(mp - 2 * f) - 0.00057 * sin(mp + 2 * f) + 0.00056 * e * sin(2 * mp + m)
        - 0.00042 * sin(3 * mp) + 0.00042 * e * sin(m + 2 * f) + 0.00038 * e * sin(m - 2 * f)
        - 0.00024 * e * sin(2 * mp - m) - 0.00017 * sin(omega) - 0.00007 * sin(mp + 2 * m)
        + 0.00004 * sin(2 * mp - 2 * f) + 0.00004 * sin(3 * m) + 0.00003 * sin(mp + m - 2 * f)
        + 0.00003 * sin(2 * mp + 2 * f) - 0.00003 * sin(mp + m + 2 * f) + 0.00003 * sin(mp - m + 2 * f)
        - 0.00002 * sin(mp - m - 2 * f) - 0.00002 * sin(3 * mp + m) + 0.00002 * sin(4 * mp))


def _beijing_day(jde: float, year: int) -> datetime.date:
    """The date in Beijing time (UTC+8) of a moment given in Julian Ephemeris Days (ΔT by the NASA polynomial
    for 2005–2050, near enough around it for a date)."""
    y = year - 2000
    delta_t = (62.92 + 0.32217 * y + 0.005589 * y * y) / 86400
    return datetime.date(2000, 1, 1) + datetime.timedelta(days=math.floor(jde - delta_t + 8 / 24 - 2451544.5))


def spring_festival(year: int) -> datetime.date:
    """春节 (正月初一) of `year`, by the rules of the Chinese calendar (GB/T 33661-2017 农历的编算和颁行): months
    begin on the day (Beijing time) of a new moon; the month holding 冬至 is the 11th; a 岁 (冬至 to 冬至) of 13
    months has its first month without a 中气 as the leap month; 正月 follows the 12th month. The solar terms
    come from chinese_calendar (1900–2100), the new moons from _new_moon."""
    terms = chinese_calendar.get_solar_terms(datetime.date(year - 1, 12, 1), datetime.date(year, 12, 31))
    solstices = [day for day, name in terms if name == "冬至"]
    principal = sorted(day for day, name in terms if name in ("冬至", "大寒", "雨水", "春分"))
    k = round((year - 2001) * 12.3685)  # about the new moon of the previous January
    moons = sorted(_beijing_day(_new_moon(i), year) for i in range(k + 8, k + 27))
    eleventh = [max(i for i, day in enumerate(moons) if day <= solstice) for solstice in solstices]
    leap_left = eleventh[1] - eleventh[0] == 13

    def has_principal_term(i: int) -> bool:
        return any(moons[i] <= day < moons[i + 1] for day in principal)

    month = eleventh[0]
    for _step in (12, 1):
        month += 1
        if leap_left and not has_principal_term(month):
            month, leap_left = month + 1, False
    return moons[month]


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
