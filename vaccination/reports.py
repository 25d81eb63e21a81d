"""What the vaccination pages, the API and the packet sections read: the rules
in the database combined with the plain rules of ``vaccination.rules``
(eligibility answers, each group's timeline, the booster grid, the venue
schedule and the chart of intervals).

Every function here only reads; the app has no writes beyond the admin's
plain create and edit, so it has no services module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays

from meetings.models import Organization
from onechamber import jdates, listing
from vaccination import rules
from vaccination.models import (
    GridCell,
    GridColumn,
    GridRow,
    IntervalRule,
    MunicipalRuleDate,
    Notice,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)


@dataclass(frozen=True)
class Answer:
    """An eligibility answer with the rows that give it."""

    group: TargetGroup
    completed: dt.date
    municipality: Organization | None
    eligible_from: dt.date
    rule: IntervalRule
    rule_start: dt.date
    municipal_start: bool
    valid_from: dt.date
    valid_rule: IntervalRule

    @property
    def valid_earlier(self) -> bool:
        return self.valid_from < self.eligible_from


def rules_for(
    *, group: TargetGroup, municipality: Organization | None = None
) -> list[tuple[IntervalRule, rules.Rule, bool]]:
    """The group's rules, each with its plain form for `municipality` (its own
    effective date where it has one) and whether that date is the municipality's."""
    rows = list(IntervalRule.objects.for_group(group).with_notice())
    own: dict[int, dt.date] = {}
    if municipality is not None:
        own = dict(
            MunicipalRuleDate.objects.filter(
                organization=municipality, rule__in=rows
            ).values_list("rule_id", "effective_from")
        )
    return [(row, row.as_rule(own.get(row.pk)), row.pk in own) for row in rows]


def answer_eligibility(
    *,
    group: TargetGroup,
    completed: dt.date,
    municipality: Organization | None = None,
) -> Answer | None:
    """From which day a person of `group` who completed the primary series on
    `completed` may get the booster; None when no rule gives a day."""
    rows = rules_for(group=group, municipality=municipality)
    by_key = {plain.key: (row, plain, own) for row, plain, own in rows}
    result = rules.earliest_booster_date([plain for _, plain, _ in rows], completed)
    if result is None:
        return None
    row, plain, own = by_key[result.rule.key]
    return Answer(
        group=group,
        completed=completed,
        municipality=municipality,
        eligible_from=result.eligible_from,
        rule=row,
        rule_start=plain.effective_from,
        municipal_start=own,
        valid_from=result.valid_from,
        valid_rule=by_key[result.valid_rule.key][0],
    )


@dataclass(frozen=True)
class Period:
    """A stretch of days in which one interval applies to a group."""

    start: dt.date
    end: dt.date | None
    rule: IntervalRule
    floor: IntervalRule | None


def timeline(group_rules: list[IntervalRule]) -> list[Period]:
    """Which recommended interval applied to a group from when (the shortest
    in force), and the validity floor where one is shorter; national dates."""
    starts = {r.effective_from for r in group_rules}
    starts |= {
        r.effective_to + dt.timedelta(days=1) for r in group_rules if r.effective_to
    }
    bounds = sorted(starts)
    periods: list[Period] = []
    for i, start in enumerate(bounds):
        end = bounds[i + 1] - dt.timedelta(days=1) if i + 1 < len(bounds) else None
        in_force = [
            r
            for r in group_rules
            if r.effective_from <= start
            and (r.effective_to is None or start <= r.effective_to)
        ]
        recommended = [r for r in in_force if r.kind == IntervalRule.Kind.RECOMMENDED]
        if not recommended:
            continue
        rule = min(recommended, key=lambda r: (r.interval_months, r.effective_from))
        floors = [
            r
            for r in in_force
            if r.kind == IntervalRule.Kind.FLOOR
            and r.interval_months < rule.interval_months
        ]
        floor = min(floors, key=lambda r: r.interval_months) if floors else None
        last = periods[-1] if periods else None
        if last and last.rule == rule and last.floor == floor and last.end is not None:
            periods[-1] = Period(last.start, end, rule, floor)
        else:
            periods.append(Period(start, end, rule, floor))
    return periods


def notice_year(value: str | None, *, headquarters, today: dt.date):
    """The fiscal year the rules and notices are shown for (``fy``: 2021,
    令和3年度, R3 or all; else this one, or the latest with notices): the
    year of the 事務連絡 that set them."""
    return listing.choose_fiscal_year(
        value,
        years=listing.fiscal_years_of(
            Notice.objects.for_headquarters(headquarters), "date"
        ),
        today=today,
    )


def venue_year(value: str | None, *, headquarters, today: dt.date):
    """The fiscal year the venue schedules are shown for (their 設置日)."""
    return listing.choose_fiscal_year(
        value,
        years=listing.fiscal_years_of(
            VenuePlan.objects.for_headquarters(headquarters), "opening_date"
        ),
        today=today,
    )


def groups_with_rules(
    *, headquarters, fiscal_year: int | None = None
) -> list[TargetGroup]:
    """The target groups of `headquarters`, each with `rule_list` and `periods`
    set: the rules of the notices of `fiscal_year` (every rule for None)."""
    groups = list(TargetGroup.objects.for_headquarters(headquarters))
    all_rules = list(
        IntervalRule.objects.for_headquarters(headquarters)
        .filter(listing.in_fiscal_year("notice__date", fiscal_year))
        .with_notice()
    )
    for group in groups:
        group.rule_list = [r for r in all_rules if r.group_id == group.pk]
        group.periods = timeline(group.rule_list)
    return groups


def day_marks(dates) -> dict[dt.date, str]:
    """For each date, 土 / 日 / the public holiday's name, or '' on a weekday."""
    dates = list(dates)
    years = sorted({d.year for d in dates})
    japan = holidays.Japan(years=years, language="ja") if years else {}
    marks = {}
    for d in dates:
        name = japan.get(d) if years else None
        marks[d] = name or (
            "土" if d.weekday() == 5 else "日" if d.weekday() == 6 else ""
        )
    return marks


def venue_plans(*, headquarters, fiscal_year: int | None = None):
    """Versions of the venue schedule set up in `fiscal_year` (every one for
    None), each with `venue_rows`: (venue, dates) where each date has `mark`
    (土, 日 or a holiday's name) set."""
    plans = list(
        VenuePlan.objects.for_headquarters(headquarters)
        .filter(listing.in_fiscal_year("opening_date", fiscal_year))
        .prefetch_related("target_groups")
    )
    venues = list(Venue.objects.for_headquarters(headquarters))
    dates = list(
        VenueDate.objects.for_headquarters(headquarters)
        .filter(plan__in=[p.pk for p in plans])
        .select_related("venue", "plan")
    )
    marks = day_marks(d.date for d in dates)
    for d in dates:
        d.mark = marks[d.date]
        d.is_holiday = bool(d.mark) and d.mark not in ("土", "日")
        d.is_weekend = d.mark in ("土", "日")
        d.label = f"{jdates.slash_date(d.date)}（{jdates.weekday(d.date)}）"
        d.day_kind = (
            f"祝日・{d.mark}" if d.is_holiday else "週末" if d.is_weekend else "平日"
        )
    for plan in plans:
        plan.venue_rows = [
            (
                venue,
                [d for d in dates if d.plan_id == plan.pk and d.venue_id == venue.pk],
            )
            for venue in venues
        ]
        plan.venue_rows = [(v, ds) for v, ds in plan.venue_rows if ds]
    return plans


def booster_grid(*, headquarters) -> dict:
    """The grid of the seed: columns, rows (with rowspans for the category) and
    marked cells; and per row and column the days the rules give for the
    second-dose months of the column."""
    columns = list(GridColumn.objects.for_headquarters(headquarters))
    rows = list(GridRow.objects.for_headquarters(headquarters).select_related("group"))
    cells = {
        (c.row_id, c.column_id): c
        for c in GridCell.objects.for_headquarters(headquarters)
    }
    plain_by_group: dict[int, list[rules.Rule]] = {}
    for rule in IntervalRule.objects.for_headquarters(headquarters).filter(
        kind=IntervalRule.Kind.RECOMMENDED
    ):
        plain_by_group.setdefault(rule.group_id, []).append(rule.as_rule())
    for i, row in enumerate(rows):
        previous = rows[i - 1] if i else None
        row.show_category = previous is None or previous.category != row.category
        row.category_span = 1
        if row.show_category:
            for later in rows[i + 1 :]:
                if later.category != row.category:
                    break
                row.category_span += 1
        row.cell_list = [cells.get((row.pk, col.pk)) for col in columns]
        row.computed = []
        for col in columns:
            first = col.second_dose_first
            last_month = col.second_dose_last
            last = rules.add_months_ministry(last_month, 1) - dt.timedelta(days=1)
            early = rules.earliest_booster_date(
                plain_by_group.get(row.group_id, []), first
            )
            late = rules.earliest_booster_date(
                plain_by_group.get(row.group_id, []), last
            )
            row.computed.append(
                (early.eligible_from, late.eligible_from) if early and late else None
            )
    return {
        "columns": columns,
        "rows": rows,
        "disagreements": _disagreements(columns, rows),
    }


def _disagreements(columns, rows) -> list[dict]:
    """Where the printed grid and the rules disagree. A cell 「← nか月前倒し可」
    in column j says that those whose second dose was in the period of column
    j + n may have the booster in column j's month. Where the rules give them
    no day in that month, the two tables contradict each other. The printed
    grid is the ministry's table as its 事務連絡 gives it, so it decides; the
    computed grid marks the cell (row.disagree) and this list names it (for
    the page's note and the meeting's 準備チェックリスト)."""
    found = []
    for row in rows:
        row.disagree = [False] * len(columns)
        for j, cell in enumerate(row.cell_list):
            k = j + (cell.advance_months if cell else 0)
            if cell is None or not cell.advance_months or k >= len(columns):
                continue
            computed = row.computed[k]
            month = columns[j].booster_month
            month_end = rules.add_months_ministry(month, 1) - dt.timedelta(days=1)
            if computed is None or computed[0] > month_end:
                row.disagree[j] = True
                found.append(
                    {
                        "row": " ".join(x for x in (row.category, row.label) if x),
                        "column": columns[j].label,
                        "second_dose": columns[k].second_dose_label,
                        "printed": cell.text,
                        "computed": computed[0] if computed else None,
                    }
                )
        row.computed_cells = list(zip(row.computed, row.disagree, strict=True))
    return found


def timeline_chart(groups: list[TargetGroup], *, width: int = 900) -> dict | None:
    """Bars per group for an inline SVG: one segment per period, from the first
    effective date to two months after the last change."""
    periods = [p for g in groups for p in g.periods]
    if not periods:
        return None
    first = min(p.start for p in periods)
    last_change = max(p.start for p in periods)
    last = rules.add_months_ministry(last_change.replace(day=1), 2)
    label_w, row_h, top = 170, 30, 24
    span = (last - first).days or 1
    scale = (width - label_w - 10) / span

    def x(day: dt.date) -> float:
        return label_w + (min(day, last) - first).days * scale

    rows = []
    for i, group in enumerate(groups):
        y = top + i * row_h
        bars = []
        for p in group.periods:
            end = (p.end + dt.timedelta(days=1)) if p.end else last
            x0, x1 = x(p.start), x(end)
            bars.append(
                {
                    "x": round(x0, 1),
                    "w": round(max(x1 - x0, 1), 1),
                    "tx": round((x0 + x1) / 2, 1),
                    "months": p.rule.interval_months,
                    "floor": p.floor.interval_months if p.floor else None,
                    "title": f"{jdates.wareki(p.start)}から {p.rule.interval_months}か月"
                    f"（{jdates.wareki(p.rule.notice.date, with_weekday=False)}付）",
                }
            )
        rows.append({"group": group, "y": y, "ty": y + 19, "bars": bars})
    ticks = [
        {
            "x": round(x(m), 1),
            "label": f"{m.month}月" if m.month != 1 else f"{m.year}年1月",
        }
        for m in rules.month_range(first, last)
        if m >= first
    ]
    return {
        "width": width,
        "height": top + len(groups) * row_h + 6,
        "rows": rows,
        "ticks": ticks,
        "bar_h": row_h - 6,
        "label_w": label_w,
    }
