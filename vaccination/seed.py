"""Load 資料4's vaccination data from fixtures/vaccination.toml.

Idempotent: every row is found by its natural key and updated in place, so
running it twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from meetings.models import Headquarters
from onechamber import seeding
from onechamber.fixtures import fixture_path, read_fixture
from onechamber.seeding import sync, sync_m2m
from vaccination.models import (
    GridCell,
    GridColumn,
    GridRow,
    IntervalRule,
    Notice,
    Passage,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)

FIXTURE = fixture_path("vaccination")


@seeding.register
def load_seed(context: dict) -> None:
    load(headquarters=context["headquarters"])


def load(*, headquarters: Headquarters, path: Path = FIXTURE) -> None:
    """Load the groups, notices, rules, venues, grid and quoted texts of
    `headquarters`."""
    data = read_fixture(path)
    hq = headquarters
    groups = _load_groups(hq, data["groups"])
    notices = _load_notices(hq, data["notices"])
    _load_rules(data["rules"], groups, notices)
    _load_venues(hq, data["venues"], data["venue_plans"], groups)
    _load_grid(hq, data["grid_columns"], data["grid_rows"], groups)
    _load_passages(hq, data["passages"])


def _text(value: str) -> str:
    return value.strip()


def _load_groups(hq: Headquarters, rows: list[dict]) -> dict[str, TargetGroup]:
    groups = {}
    for order, row in enumerate(rows, start=1):
        group, _ = sync(
            TargetGroup,
            headquarters=hq,
            code=row["code"],
            defaults={
                "name": row["name"],
                "description": row.get("description", ""),
                "order": order * 10,
            },
        )
        groups[group.code] = group
    return groups


def _load_notices(hq: Headquarters, rows: list[dict]) -> dict[str, Notice]:
    notices = {}
    for row in rows:
        notice, _ = sync(
            Notice,
            headquarters=hq,
            date=row["date"],
            title=row["title"],
            defaults={
                "addressee": row.get("addressee", ""),
                "heading": row.get("heading", ""),
                "summary": _text(row.get("summary", "")),
                "text": _text(row.get("text", "")),
                "note": row.get("note", ""),
            },
        )
        notices[row["key"]] = notice
    return notices


def _load_rules(rows: list[dict], groups, notices) -> None:
    for order, row in enumerate(rows, start=1):
        sync(
            IntervalRule,
            group=groups[row["group"]],
            notice=notices[row["notice"]],
            kind=row.get("kind", IntervalRule.Kind.RECOMMENDED),
            interval_months=row["interval_months"],
            defaults={
                "effective_from": row["effective_from"],
                "effective_to": row.get("effective_to"),
                "condition": row.get("condition", ""),
                "order": order * 10,
            },
        )


def _load_venues(
    hq: Headquarters, venue_rows: list[dict], plan_rows: list[dict], groups
) -> None:
    venues = {}
    for order, row in enumerate(venue_rows, start=1):
        venue, _ = sync(
            Venue,
            headquarters=hq,
            name=row["name"],
            defaults={"area": row["area"], "order": order * 10},
        )
        venues[venue.name] = venue
    for order, row in enumerate(plan_rows, start=1):
        plan, _ = sync(
            VenuePlan,
            headquarters=hq,
            title=row["title"],
            defaults={
                "announced_on": row.get("announced_on"),
                "opening_date": row["opening_date"],
                "opening_changed": row.get("opening_changed", False),
                "dates_heading": row.get("dates_heading", "会場・日程"),
                "targets": _text(row.get("targets", "")),
                "order": order * 10,
            },
        )
        sync_m2m(
            plan,
            "target_groups",
            [groups[code] for code in row.get("target_groups", [])],
        )
        for date_row in row["dates"]:
            sync(
                VenueDate,
                plan=plan,
                venue=venues[date_row["venue"]],
                date=date_row["date"],
                defaults={
                    "added": date_row.get("added", False),
                    "target_note": date_row.get("note", ""),
                },
            )


def _load_grid(
    hq: Headquarters, column_rows: list[dict], row_rows: list[dict], groups
) -> None:
    columns = {}
    for order, row in enumerate(column_rows, start=1):
        first, last = row["second_dose"]
        column, _ = sync(
            GridColumn,
            headquarters=hq,
            booster_month=row["booster_month"],
            defaults={
                "second_dose_first": first,
                "second_dose_last": last,
                "order": order * 10,
            },
        )
        columns[f"{column.booster_month:%Y-%m}"] = column
    for order, row in enumerate(row_rows, start=1):
        grid_row, _ = sync(
            GridRow,
            headquarters=hq,
            order=order * 10,
            defaults={
                "category": row["category"],
                "label": row.get("label", ""),
                "group": groups[row["group"]],
            },
        )
        for month, advance in row.get("cells", {}).items():
            sync(
                GridCell,
                row=grid_row,
                column=columns[month],
                defaults={
                    "advance_months": advance,
                    "text": _advance_text(advance),
                },
            )


def _advance_text(months: int) -> str:
    # The briefing writes 「2か月」 but 「1月」 (ひと月) for one month.
    return "← 1月前倒し可" if months == 1 else f"← {months}か月前倒し可"


def _load_passages(hq: Headquarters, rows: list[dict]) -> None:
    for order, row in enumerate(rows, start=1):
        sync(
            Passage,
            headquarters=hq,
            key=row["key"],
            defaults={
                "kind": row.get("kind", Passage.Kind.TEXT),
                "title": row.get("title", ""),
                "source": row.get("source", ""),
                "date": row.get("date"),
                "body": _text(row["body"]),
                "order": order * 10,
            },
        )
