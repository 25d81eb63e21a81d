"""Load the seed meeting and its schedule from fixtures/meetings.toml.

Idempotent: every row is found by its natural key and updated in place, so
running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meetings.models import (
    AgendaItem,
    Attendance,
    Headquarters,
    Material,
    Meeting,
    Organization,
    Person,
    Position,
    Tenure,
)
from meetings.reports import number_materials
from onechamber import seeding
from onechamber.fixtures import fixture_path, read_fixture
from onechamber.seeding import sync, sync_m2m

FIXTURE = fixture_path("meetings")


@seeding.register
def load_seed(context: dict) -> None:
    """The headquarters and its seed meeting, for the loaders that follow."""
    context["meeting"] = load()
    context["headquarters"] = context["meeting"].headquarters


def load(*, path: Path = FIXTURE) -> Meeting:
    """Load the headquarters, its organisations, people, the schedule and the
    seed meeting; return the meeting."""
    data = read_fixture(path)
    hq_data = data["headquarters"]
    hq, _ = sync(Headquarters, name=hq_data["name"])
    orgs = _load_organizations(hq, data["organizations"])
    sync(
        Headquarters,
        pk=hq.pk,
        defaults={
            "organization": orgs[hq_data["organization"]],
            "secretariat": orgs.get(hq_data.get("secretariat", "")),
        },
    )
    hq.refresh_from_db()
    seed_meeting = None
    for row in data["meetings"]:
        meeting = _load_meeting(hq, row)
        if row.get("seed"):
            seed_meeting = meeting
    _load_materials(seed_meeting, data["materials"], orgs)
    _load_agenda(seed_meeting, data["agenda"])
    _load_attendees(seed_meeting, data["attendees"], orgs)
    return seed_meeting


def _load_organizations(hq: Headquarters, rows: list[dict]) -> dict[str, Organization]:
    orgs: dict[str, Organization] = {}
    for order, row in enumerate(rows, start=1):
        org, _ = sync(
            Organization,
            headquarters=hq,
            name=row["name"],
            kind=row["kind"],
            defaults={
                "short_name": row.get("short_name", ""),
                "code": row.get("code", ""),
                "parent": orgs[row["parent"]] if "parent" in row else None,
                "order": order * 10,
            },
        )
        orgs[org.name] = org
    return orgs


def _load_meeting(hq: Headquarters, row: dict) -> Meeting:
    kind = row.get("kind", Meeting.Kind.REGULAR)
    when = (
        {"date": row["date"], "approx_month": None, "approx_part": 0}
        if "date" in row
        else {"date": None, "approx_month": row["month"], "approx_part": row["part"]}
    )
    key = (
        {"fiscal_year": row["fiscal_year"], "number": row["number"], "kind": kind}
        if kind == Meeting.Kind.REGULAR
        else {"kind": kind, "date": row["date"]}
    )
    meeting, _ = sync(
        Meeting,
        headquarters=hq,
        **key,
        defaults={
            **when,
            "fiscal_year": row["fiscal_year"],
            "number": row.get("number"),
            "topic": row.get("topic", ""),
            "format": row["format"],
            "start_time": _time(row.get("start_time")),
            "end_time": _time(row.get("end_time")),
            "venue": row.get("venue", ""),
            "venue_short": row.get("venue_short", ""),
            "status": row["status"],
            "note": row.get("note", ""),
            "published": True,
        },
    )
    for order, title in enumerate(row.get("agenda", []), start=1):
        sync(
            AgendaItem,
            meeting=meeting,
            parent=None,
            order=order,
            defaults={"title": title},
        )
    return meeting


def _time(text: str | None) -> dt.time | None:
    return dt.time.fromisoformat(text) if text else None


def _load_materials(meeting: Meeting, rows: list[dict], orgs) -> None:
    counters: dict[str, int] = {}
    for row in rows:
        counters[row["series"]] = counters.get(row["series"], 0) + 1
        content = (
            Material.Content.SECTION if "section" in row else Material.Content.TEXT
        )
        sync(
            Material,
            meeting=meeting,
            series=row["series"],
            order=counters[row["series"]],
            defaults={
                "title": row["title"],
                "department": orgs[row["department"]],
                "content": content,
                "section_kind": row.get("section", ""),
                "text": row.get("text", "").strip(),
            },
        )


def _material_by_label(meeting: Meeting) -> dict[str, Material]:
    return {m.label: m for m in number_materials(meeting.materials.all())}


def _load_agenda(meeting: Meeting, rows: list[dict]) -> None:
    by_label = _material_by_label(meeting)
    for order, row in enumerate(rows, start=1):
        item, _ = sync(
            AgendaItem,
            meeting=meeting,
            parent=None,
            order=order,
            defaults={"title": row["title"], "is_report": row.get("report", False)},
        )
        sync_m2m(
            item, "materials", [by_label[label] for label in row.get("materials", [])]
        )
        for sub_order, child in enumerate(row.get("children", []), start=1):
            sub, _ = sync(
                AgendaItem,
                meeting=meeting,
                parent=item,
                order=sub_order,
                defaults={
                    "title": child["title"],
                    "is_report": child.get("report", False),
                },
            )
            sync_m2m(
                sub,
                "materials",
                [by_label[label] for label in child.get("materials", [])],
            )


def _load_attendees(meeting: Meeting, rows: list[dict], orgs) -> None:
    counters: dict[str, int] = {}
    title_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        group = row["group"]
        counters[group] = counters.get(group, 0) + 1
        org = orgs[row["organization"]]
        # Two positions may share a title (two 副知事): number them apart.
        nth = title_seen[(org.name, row["title"])] = (
            title_seen.get((org.name, row["title"]), 0) + 1
        )
        position, _ = sync(
            Position,
            organization=org,
            title=row["title"],
            order=counters[group] * 10 + (nth - 1),
        )
        person, _ = sync(Person, headquarters=meeting.headquarters, name=row["name"])
        sync(Tenure, position=position, person=person)
        side, seat_order = row.get("seat", ["none", 0])
        sync(
            Attendance,
            meeting=meeting,
            group=group,
            order=counters[group],
            defaults={
                "position": position,
                "title": row["title"],
                "name": row["name"],
                "seat_side": side,
                "seat_order": seat_order,
            },
        )
