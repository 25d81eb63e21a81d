"""Keyword-only factory functions for vaccination test data."""

from __future__ import annotations

import datetime as dt

from meetings.models import Organization
from vaccination.models import (
    IntervalRule,
    MunicipalRuleDate,
    Notice,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)


def make_notice(
    *,
    date: dt.date = dt.date(2021, 11, 16),
    title: str = "テストの事務連絡",
    text: str = "",
    summary: str = "",
) -> Notice:
    notice, _ = Notice.objects.get_or_create(
        date=date, title=title, defaults={"text": text, "summary": summary}
    )
    return notice


def make_group(
    *, code: str = "elderly", name: str = "一般高齢者", order: int = 0
) -> TargetGroup:
    group, _ = TargetGroup.objects.get_or_create(
        code=code, defaults={"name": name, "order": order}
    )
    return group


def make_rule(
    *,
    group: TargetGroup | None = None,
    interval_months: int = 8,
    effective_from: dt.date = dt.date(2021, 12, 1),
    effective_to: dt.date | None = None,
    notice: Notice | None = None,
    kind: str = IntervalRule.Kind.RECOMMENDED,
    condition: str = "",
) -> IntervalRule:
    return IntervalRule.objects.create(
        group=group or make_group(),
        interval_months=interval_months,
        effective_from=effective_from,
        effective_to=effective_to,
        notice=notice or make_notice(),
        kind=kind,
        condition=condition,
    )


def make_municipal_date(
    *, rule: IntervalRule, organization: Organization, effective_from: dt.date
) -> MunicipalRuleDate:
    return MunicipalRuleDate.objects.create(
        rule=rule, organization=organization, effective_from=effective_from
    )


def make_venue_date(
    *,
    plan_title: str = "テストの日程",
    venue_name: str = "テスト会場",
    date: dt.date = dt.date(2022, 2, 11),
    added: bool = False,
) -> VenueDate:
    plan, _ = VenuePlan.objects.get_or_create(
        title=plan_title, defaults={"opening_date": date}
    )
    venue, _ = Venue.objects.get_or_create(
        name=venue_name, defaults={"area": "県東部会場"}
    )
    return VenueDate.objects.create(plan=plan, venue=venue, date=date, added=added)
