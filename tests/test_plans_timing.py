"""时限: every kind expanded into occurrences, clipped to a half-year, described as a plan prints it, and
validated with a message naming the field (plans/timing.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.plans.models import Timing, period_bounds
from gonghui.plans.timing import describe, occurrences, validate_timing

D = datetime.date
YEAR = period_bounds(2026, 0)
H1 = period_bounds(2026, 1)
H2 = period_bounds(2026, 2)


def windows(timing, *, due_on=None, months=(), quarters=(), period=YEAR):
    return [(o.start, o.end, o.label) for o in occurrences(timing=timing, due_on=due_on, months=months,
                                                          quarters=quarters, start=period[0], end=period[1])]


def test_it_expands_a_date_into_one_window_from_the_start_of_the_period():
    assert windows(Timing.DATE, due_on=D(2026, 5, 31)) == [(D(2026, 1, 1), D(2026, 5, 31), "5月31日前")]
    assert windows(Timing.DATE, due_on=D(2026, 9, 10), period=H2) == [(D(2026, 7, 1), D(2026, 9, 10), "9月10日前")]


def test_it_expands_given_months_and_quarters():
    assert windows(Timing.MONTHS, months=[9, 3]) == [(D(2026, 3, 1), D(2026, 3, 31), "3月"),
                                                     (D(2026, 9, 1), D(2026, 9, 30), "9月")]
    assert windows(Timing.MONTHS, months=[2]) == [(D(2026, 2, 1), D(2026, 2, 28), "2月")]
    assert windows(Timing.QUARTERS, quarters=[2, 4]) == [(D(2026, 4, 1), D(2026, 6, 30), "第二季度"),
                                                         (D(2026, 10, 1), D(2026, 12, 31), "第四季度")]


def test_it_expands_every_month_quarter_half_year_and_year():
    monthly = windows(Timing.MONTHLY)
    assert len(monthly) == 12
    assert monthly[0] == (D(2026, 1, 1), D(2026, 1, 31), "1月")
    assert monthly[-1] == (D(2026, 12, 1), D(2026, 12, 31), "12月")
    assert [w[2] for w in windows(Timing.QUARTERLY)] == ["第一季度", "第二季度", "第三季度", "第四季度"]
    assert windows(Timing.HALF_YEARLY) == [(D(2026, 1, 1), D(2026, 6, 30), "上半年"),
                                           (D(2026, 7, 1), D(2026, 12, 31), "下半年")]
    assert windows(Timing.YEARLY) == [(D(2026, 1, 1), D(2026, 12, 31), "全年")]


def test_it_puts_recurring_items_given_with_months_in_those_months():
    assert [w[2] for w in windows(Timing.YEARLY, months=[3])] == ["3月"]
    assert [w[2] for w in windows(Timing.HALF_YEARLY, months=[6, 12])] == ["6月", "12月"]
    assert [w[2] for w in windows(Timing.QUARTERLY, months=[1, 4, 7, 10])] == ["1月", "4月", "7月", "10月"]


def test_it_clips_the_windows_to_a_half_year():
    assert [w[2] for w in windows(Timing.MONTHLY, period=H1)] == ["1月", "2月", "3月", "4月", "5月", "6月"]
    assert [w[2] for w in windows(Timing.MONTHLY, period=H2)] == ["7月", "8月", "9月", "10月", "11月", "12月"]
    assert [w[2] for w in windows(Timing.QUARTERLY, period=H2)] == ["第三季度", "第四季度"]
    assert windows(Timing.HALF_YEARLY, period=H1) == [(D(2026, 1, 1), D(2026, 6, 30), "上半年")]
    assert windows(Timing.YEARLY, period=H2) == [(D(2026, 7, 1), D(2026, 12, 31), "全年")]
    assert [w[2] for w in windows(Timing.MONTHS, months=[3, 9], period=H1)] == ["3月"]
    assert windows(Timing.QUARTERS, quarters=[1], period=H2) == []


def test_it_describes_the_time_limit_as_a_plan_prints_it():
    assert describe(timing=Timing.MONTHLY, due_on=None, months=[], quarters=[]) == "每月"
    assert describe(timing=Timing.QUARTERLY, due_on=None, months=[], quarters=[]) == "每季度"
    assert describe(timing=Timing.HALF_YEARLY, due_on=None, months=[12, 6], quarters=[]) == "每半年（6月、12月）"
    assert describe(timing=Timing.YEARLY, due_on=None, months=[3], quarters=[]) == "每年（3月）"
    assert describe(timing=Timing.MONTHS, due_on=None, months=[9, 3], quarters=[]) == "3月、9月"
    assert describe(timing=Timing.QUARTERS, due_on=None, months=[], quarters=[2]) == "第二季度"
    assert describe(timing=Timing.DATE, due_on=D(2026, 5, 31), months=[], quarters=[]) == "2026年5月31日前"


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"timing": Timing.DATE, "due_on": None}, "due_on", "Give the date"),
    ({"timing": Timing.DATE, "due_on": D(2027, 1, 5)}, "due_on", "within the plan's period"),
    ({"timing": Timing.MONTHS}, "months", "Choose the months"),
    ({"timing": Timing.QUARTERS}, "quarters", "Choose the quarters"),
    ({"timing": Timing.MONTHS, "months": [13]}, "months", "“13” is not a number from 1 to 12"),
    ({"timing": Timing.MONTHS, "months": ["三"]}, "months", "“三” is not a number from 1 to 12"),
    ({"timing": Timing.QUARTERS, "quarters": [5]}, "quarters", "“5” is not a number from 1 to 4"),
])
def test_it_refuses_a_time_limit_with_a_message_naming_the_field(fields, field, words, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_timing(**{"due_on": None, "months": [], "quarters": [], **fields}, start=YEAR[0], end=YEAR[1])
    assert list(caught.value.error_dict) == [field]
    assert words in " ".join(caught.value.message_dict[field])


def test_it_refuses_months_outside_a_half_year_and_cleans_the_rest():
    with pytest.raises(ValidationError) as caught:
        validate_timing(timing=Timing.MONTHS, due_on=None, months=[3, 9], quarters=[], start=H1[0], end=H1[1])
    assert "9" in caught.value.message_dict["months"][0]
    assert validate_timing(timing=Timing.MONTHS, due_on=None, months=["9", 3, 3], quarters=[],
                           start=YEAR[0], end=YEAR[1]) == ([3, 9], [])


def test_it_refuses_quarters_outside_a_half_year():
    with pytest.raises(ValidationError) as caught:
        validate_timing(timing=Timing.QUARTERS, due_on=None, months=[], quarters=[1, 3], start=H2[0], end=H2[1])
    assert list(caught.value.error_dict) == ["quarters"]
    assert validate_timing(timing=Timing.QUARTERS, due_on=None, months=[], quarters=[3], start=H2[0],
                           end=H2[1]) == ([], [3])
