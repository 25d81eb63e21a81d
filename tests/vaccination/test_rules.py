"""The ministry's month count and the choice between rules, without the database."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaccination.rules import (
    Rule,
    add_months_ministry,
    earliest_booster_date,
    month_range,
    periods_overlap,
)

# Every day of these spans is checked against an independent oracle: 2000 (a
# leap year divisible by 400) to 2031, and 2096 to 2104 (2100 is not a leap year).
EXHAUSTIVE_SPANS = [
    (dt.date(2000, 1, 1), dt.date(2031, 12, 31)),
    (dt.date(2096, 1, 1), dt.date(2104, 12, 31)),
]
EXHAUSTIVE_DAYS = sum((end - start).days + 1 for start, end in EXHAUSTIVE_SPANS)
MONTHS = range(0, 25)


def _days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _oracle(start: dt.date, months: int) -> dt.date:
    # Written differently on purpose: walk month by month, then try the day.
    year, month = start.year, start.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    try:
        return dt.date(year, month, start.day)
    except ValueError:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return dt.date(year, month, 1)


def _clamped(start: dt.date, months: int) -> dt.date:
    """Date-library month arithmetic (dateutil's relativedelta): clamp to month end."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def test_exhaustive_spans_cover_the_expected_number_of_days():
    assert EXHAUSTIVE_DAYS == 11688 + 3287


@pytest.mark.parametrize(("first", "last"), EXHAUSTIVE_SPANS)
def test_add_months_matches_the_oracle_on_every_day(first, last):
    mismatches = [
        (day, months)
        for day in _days(first, last)
        for months in MONTHS
        if add_months_ministry(day, months) != _oracle(day, months)
    ]
    assert mismatches == []


@pytest.mark.parametrize(("first", "last"), EXHAUSTIVE_SPANS)
def test_add_months_is_same_day_or_first_of_next_month_on_every_day(first, last):
    for day in _days(first, last):
        for months in MONTHS:
            result = add_months_ministry(day, months)
            clamped = _clamped(day, months)
            if clamped.day == day.day:
                assert result == clamped
            else:
                assert (
                    clamped.day == calendar.monthrange(clamped.year, clamped.month)[1]
                )
                assert result == clamped + dt.timedelta(days=1)
                assert result.day == 1


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2021, 7, 1), 6, dt.date(2022, 1, 1)),
        (dt.date(2021, 8, 31), 6, dt.date(2022, 3, 1)),
        (dt.date(2021, 8, 28), 6, dt.date(2022, 2, 28)),
        (dt.date(2021, 8, 29), 6, dt.date(2022, 3, 1)),
        (dt.date(2023, 8, 29), 6, dt.date(2024, 2, 29)),
        (dt.date(2023, 8, 30), 6, dt.date(2024, 3, 1)),
        (dt.date(2021, 3, 31), 8, dt.date(2021, 12, 1)),
        (dt.date(2021, 4, 30), 8, dt.date(2021, 12, 30)),
        (dt.date(2021, 5, 31), 6, dt.date(2021, 12, 1)),
        (dt.date(2021, 12, 31), 2, dt.date(2022, 3, 1)),
        (dt.date(2021, 12, 15), 8, dt.date(2022, 8, 15)),
        (dt.date(2021, 12, 31), 12, dt.date(2022, 12, 31)),
        (dt.date(2020, 2, 29), 12, dt.date(2021, 3, 1)),
        (dt.date(2020, 2, 29), 48, dt.date(2024, 2, 29)),
        (dt.date(2099, 8, 31), 6, dt.date(2100, 3, 1)),
        (dt.date(2021, 1, 31), 0, dt.date(2021, 1, 31)),
    ],
)
def test_add_months_examples(start, months, expected):
    assert add_months_ministry(start, months) == expected


def test_add_months_differs_from_date_library_at_month_end():
    assert _clamped(dt.date(2021, 8, 31), 6) == dt.date(2022, 2, 28)
    assert add_months_ministry(dt.date(2021, 8, 31), 6) == dt.date(2022, 3, 1)


def test_add_months_rejects_negative_months():
    with pytest.raises(ValueError):
        add_months_ministry(dt.date(2021, 8, 31), -1)


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
months = st.integers(min_value=0, max_value=120)


@given(dates, months)
def test_never_earlier_than_the_clamped_date(start, n):
    assert add_months_ministry(start, n) >= _clamped(start, n)


@given(dates, months)
def test_never_more_than_one_day_after_the_clamped_date(start, n):
    assert add_months_ministry(start, n) - _clamped(start, n) <= dt.timedelta(days=1)


@given(dates, dates, months)
def test_monotonic_in_the_completion_date(a, b, n):
    first, second = sorted([a, b])
    assert add_months_ministry(first, n) <= add_months_ministry(second, n)


@given(dates, months, months)
def test_monotonic_in_the_number_of_months(start, a, b):
    fewer, more = sorted([a, b])
    assert add_months_ministry(start, fewer) <= add_months_ministry(start, more)


@given(dates, months)
def test_same_day_of_month_or_first_of_next_month(start, n):
    result = add_months_ministry(start, n)
    assert result.day == start.day or (
        result.day == 1
        and start.day > calendar.monthrange(*_clamped(start, n).timetuple()[:2])[1]
    )


# The choice between rules.

EIGHT = Rule(key="8", interval_months=8, effective_from=dt.date(2021, 12, 1))
SEVEN_FEB = Rule(key="7", interval_months=7, effective_from=dt.date(2022, 2, 1))
SIX_MAR = Rule(key="6", interval_months=6, effective_from=dt.date(2022, 3, 1))
ELDERLY = [EIGHT, SEVEN_FEB, SIX_MAR]


@pytest.mark.parametrize(
    ("completed", "expected", "key"),
    [
        (dt.date(2021, 3, 1), dt.date(2021, 12, 1), "8"),
        (dt.date(2021, 5, 31), dt.date(2022, 1, 31), "8"),
        # 8 months elapse on 2/1, the day the 7-month rule starts: the 8-month
        # rule names the answer, since the person was eligible under it anyway.
        (dt.date(2021, 6, 1), dt.date(2022, 2, 1), "8"),
        (dt.date(2021, 6, 2), dt.date(2022, 2, 1), "7"),
        (dt.date(2021, 7, 20), dt.date(2022, 2, 20), "7"),
        (dt.date(2021, 7, 31), dt.date(2022, 3, 1), "7"),
        (dt.date(2021, 8, 2), dt.date(2022, 3, 1), "6"),
        (dt.date(2021, 8, 31), dt.date(2022, 3, 1), "6"),
        (dt.date(2021, 9, 15), dt.date(2022, 3, 15), "6"),
    ],
)
def test_earliest_day_and_the_rule_that_gives_it(completed, expected, key):
    result = earliest_booster_date(ELDERLY, completed)
    assert (result.eligible_from, result.rule.key) == (expected, key)


def test_floor_rule_gives_valid_from_but_not_eligible_from():
    floor = Rule(
        key="floor",
        interval_months=6,
        effective_from=dt.date(2022, 1, 13),
        recommended=False,
    )
    result = earliest_booster_date([EIGHT, floor], dt.date(2021, 7, 14))
    assert result.eligible_from == dt.date(2022, 3, 14)
    assert result.rule.key == "8"
    assert result.valid_from == dt.date(2022, 1, 14)
    assert result.valid_rule.key == "floor"


def test_ended_rule_gives_no_day_after_its_end():
    ended = Rule(
        key="old",
        interval_months=3,
        effective_from=dt.date(2021, 12, 1),
        effective_to=dt.date(2021, 12, 31),
    )
    assert earliest_booster_date([ended], dt.date(2021, 10, 1)) is None
    assert earliest_booster_date(
        [ended], dt.date(2021, 9, 30)
    ).eligible_from == dt.date(2021, 12, 30)
    assert earliest_booster_date([ended, EIGHT], dt.date(2021, 10, 1)).rule.key == "8"


def test_no_rules_no_answer():
    assert earliest_booster_date([], dt.date(2021, 7, 1)) is None


def test_only_floor_rules_give_no_answer():
    floor = Rule(
        key="f",
        interval_months=6,
        effective_from=dt.date(2022, 1, 1),
        recommended=False,
    )
    assert earliest_booster_date([floor], dt.date(2021, 7, 1)) is None


rule_strategy = st.builds(
    Rule,
    key=st.uuids(),
    interval_months=st.integers(min_value=1, max_value=12),
    effective_from=st.dates(
        min_value=dt.date(2021, 1, 1), max_value=dt.date(2023, 12, 31)
    ),
    effective_to=st.none()
    | st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2024, 12, 31)),
    recommended=st.booleans(),
)
completions = st.dates(min_value=dt.date(2020, 6, 1), max_value=dt.date(2023, 12, 31))


@given(st.lists(rule_strategy, max_size=6), completions)
def test_answer_is_the_earliest_day_a_recommended_rule_allows(rule_list, completed):
    result = earliest_booster_date(rule_list, completed)
    days = [
        d
        for r in rule_list
        if r.recommended and (d := r.first_day(completed)) is not None
    ]
    if not days:
        assert result is None
        return
    assert result.eligible_from == min(days)
    rule = result.rule
    assert rule.recommended
    assert rule.effective_from <= result.eligible_from
    assert rule.effective_to is None or result.eligible_from <= rule.effective_to
    assert add_months_ministry(completed, rule.interval_months) <= result.eligible_from
    assert result.valid_from <= result.eligible_from


@given(st.lists(rule_strategy, min_size=1, max_size=6), completions, completions)
def test_answer_is_monotonic_for_open_ended_rules(rule_list, a, b):
    open_rules = [
        Rule(r.key, r.interval_months, r.effective_from, None, True) for r in rule_list
    ]
    first, second = sorted([a, b])
    assert (
        earliest_booster_date(open_rules, first).eligible_from
        <= earliest_booster_date(open_rules, second).eligible_from
    )


def test_periods_overlap():
    d = dt.date
    assert periods_overlap(d(2022, 1, 1), None, d(2022, 3, 1), None)
    assert periods_overlap(d(2022, 1, 1), d(2022, 3, 1), d(2022, 3, 1), None)
    assert not periods_overlap(d(2022, 1, 1), d(2022, 2, 28), d(2022, 3, 1), None)
    assert not periods_overlap(d(2022, 3, 1), None, d(2022, 1, 1), d(2022, 2, 28))


def test_month_range_crosses_the_year():
    assert month_range(dt.date(2021, 11, 1), dt.date(2022, 2, 1)) == [
        dt.date(2021, 11, 1),
        dt.date(2021, 12, 1),
        dt.date(2022, 1, 1),
        dt.date(2022, 2, 1),
    ]
