"""Load 資料4's vaccination data from fixtures/vaccination.toml.

Idempotent: every row is found by its natural key and updated in place, so
running it twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from onechamber.fixtures import fixture_path, read_fixture
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


def load(*, path: Path = FIXTURE) -> None:
    """Load groups, notices, rules, venues, the grid and the quoted texts."""
    data = read_fixture(path)
    groups = _load_groups(data["groups"])
    notices = _load_notices(data["notices"])
    _load_rules(data["rules"], groups, notices)
    _load_venues(data["venues"], data["venue_plans"], groups)
    _load_grid(data["grid_columns"], data["grid_rows"], groups)
    _load_passages(data["passages"])


def _text(value: str) -> str:
    return value.strip()


def _load_groups(rows: list[dict]) -> dict[str, TargetGroup]:
    groups = {}
    for order, row in enumerate(rows, start=1):
        group, _ = TargetGroup.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "description": row.get("description", ""),
                "order": order * 10,
            },
        )
        groups[group.code] = group
    return groups


def _load_notices(rows: list[dict]) -> dict[str, Notice]:
    notices = {}
    for row in rows:
        notice, _ = Notice.objects.update_or_create(
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
        IntervalRule.objects.update_or_create(
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


def _load_venues(venue_rows: list[dict], plan_rows: list[dict], groups) -> None:
    venues = {}
    for order, row in enumerate(venue_rows, start=1):
        venue, _ = Venue.objects.update_or_create(
            name=row["name"], defaults={"area": row["area"], "order": order * 10}
        )
        venues[venue.name] = venue
    for order, row in enumerate(plan_rows, start=1):
        plan, _ = VenuePlan.objects.update_or_create(
            title=row["title"],
            defaults={
                "announced_on": row.get("announced_on"),
                "opening_date": row["opening_date"],
                "opening_changed": row.get("opening_changed", False),
                "targets": _text(row.get("targets", "")),
                "order": order * 10,
            },
        )
        plan.target_groups.set([groups[code] for code in row.get("target_groups", [])])
        for date_row in row["dates"]:
            VenueDate.objects.update_or_create(
                plan=plan,
                venue=venues[date_row["venue"]],
                date=date_row["date"],
                defaults={
                    "added": date_row.get("added", False),
                    "target_note": date_row.get("note", ""),
                },
            )


def _load_grid(column_rows: list[dict], row_rows: list[dict], groups) -> None:
    columns = {}
    for order, row in enumerate(column_rows, start=1):
        first, last = row["second_dose"]
        column, _ = GridColumn.objects.update_or_create(
            booster_month=row["booster_month"],
            defaults={
                "second_dose_first": first,
                "second_dose_last": last,
                "order": order * 10,
            },
        )
        columns[f"{column.booster_month:%Y-%m}"] = column
    for order, row in enumerate(row_rows, start=1):
        grid_row, _ = GridRow.objects.update_or_create(
            order=order * 10,
            defaults={
                "category": row["category"],
                "label": row.get("label", ""),
                "group": groups[row["group"]],
            },
        )
        for month, advance in row.get("cells", {}).items():
            GridCell.objects.update_or_create(
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


def _load_passages(rows: list[dict]) -> None:
    for order, row in enumerate(rows, start=1):
        Passage.objects.update_or_create(
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
