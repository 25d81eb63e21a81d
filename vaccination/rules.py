"""The booster rules as plain functions: the ministry's month count and the choice
between interval rules. No database, no request.

Counting months (予防接種の接種間隔の数え方): a person may be vaccinated from the
day with the same day-of-month `months` later (応当日); where that month has no
such day (8/31 + 6 months: there is no 2/31), from the 1st of the month after
(3/1). Date libraries clamp to the month's last day (2/28) instead, and the
strict Civil Code count is a day later when the 応当日 exists; neither is used.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass


def add_months_ministry(start: dt.date, months: int) -> dt.date:
    """The first day a dose is allowed `months` after `start` (応当日, else the
    1st of the following month)."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day <= last_day:
        return dt.date(year, month, start.day)
    return dt.date(year, month, last_day) + dt.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """An interval rule as the eligibility choice sees it.

    `effective_from` is the date in force for the asker: the municipality's own
    date when it has one, else the national date. `recommended` is False for a
    floor rule, which only says from when a dose is still valid.
    """

    key: Hashable
    interval_months: int
    effective_from: dt.date
    effective_to: dt.date | None = None
    recommended: bool = True

    def first_day(self, completed: dt.date) -> dt.date | None:
        """The first day this rule allows the booster, or None if it ends first."""
        day = max(
            add_months_ministry(completed, self.interval_months), self.effective_from
        )
        if self.effective_to is not None and day > self.effective_to:
            return None
        return day

    def waits_for_start(self, completed: dt.date) -> bool:
        """Whether the interval elapses before the rule comes into force."""
        return (
            add_months_ministry(completed, self.interval_months) < self.effective_from
        )


@dataclass(frozen=True)
class Eligibility:
    """The answer: from which day, by which rule; and from which day a dose is valid."""

    completed: dt.date
    eligible_from: dt.date
    rule: Rule
    valid_from: dt.date
    valid_rule: Rule


def _best(rules: Iterable[Rule], completed: dt.date) -> tuple[dt.date, Rule] | None:
    # The earliest day wins. On a tie, the rule whose interval elapsed on its own
    # (without waiting for its start date) names the answer, then the longer
    # interval (the person was eligible under it anyway), then the older rule.
    candidates = [
        (
            day,
            rule.waits_for_start(completed),
            -rule.interval_months,
            rule.effective_from,
            i,
            rule,
        )
        for i, rule in enumerate(rules)
        if (day := rule.first_day(completed)) is not None
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda c: c[:5])
    return best[0], best[5]


def earliest_booster_date(
    rules: Iterable[Rule], completed: dt.date
) -> Eligibility | None:
    """The earliest day on which a recommended rule is in force and its interval
    has elapsed, and the earliest day a dose is valid under any rule (recommended
    or floor). None when no rule gives a day."""
    rules = list(rules)
    recommended = _best([r for r in rules if r.recommended], completed)
    if recommended is None:
        return None
    # The recommended rules are among all rules, so this always finds a day.
    valid = _best(rules, completed) or recommended
    return Eligibility(
        completed=completed,
        eligible_from=recommended[0],
        rule=recommended[1],
        valid_from=valid[0],
        valid_rule=valid[1],
    )


def periods_overlap(
    a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None
) -> bool:
    """Whether two periods (open-ended when `to` is None) share a day."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """The 1st of every month from `first`'s month to `last`'s month."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
