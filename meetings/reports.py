"""What the meeting pages and the packet show: materials numbered in their two
series, the agenda tree, attendees in their groups and the seating chart.

The packet builds its front pages from ``meeting_context`` as the meeting page
does, so both print the same thing. The seating geometry is a plain function
on the attendance rows.
"""

from __future__ import annotations

from itertools import groupby

from django.db.models import Prefetch

from meetings.models import (
    Attendance,
    Material,
    Meeting,
    Organization,
    Position,
    Tenure,
    profile_of,
)
from onechamber import jdates


def number_materials(materials) -> list[Material]:
    """Set `number` and `label` (資料1, 参考資料2) on materials, in packet order."""
    counters: dict[str, int] = {}
    numbered = sorted(materials, key=lambda m: (m.series != "main", m.order, m.pk))
    for material in numbered:
        counters[material.series] = counters.get(material.series, 0) + 1
        material.number = counters[material.series]
        material.label = f"{material.get_series_display()}{material.number}"
    return numbered


def meeting_materials(meeting: Meeting) -> list[Material]:
    """The meeting's materials with their departments, numbered."""
    return number_materials(meeting.materials.select_related("department"))


def numbered_material(meeting: Meeting, series: str, number: int) -> Material | None:
    """The material 資料`number` (or 参考資料`number`) of the meeting, numbered."""
    return next(
        (
            m
            for m in meeting_materials(meeting)
            if m.series == series and m.number == number
        ),
        None,
    )


def meetings_by_fiscal_year(meetings) -> list[tuple[int, str, list[Meeting]]]:
    """(year, 令和3年度, meetings) for meetings already ordered by fiscal year."""
    return [
        (year, jdates.fiscal_year_label(year), list(items))
        for year, items in groupby(meetings, key=lambda m: m.fiscal_year)
    ]


def positions_with_tenures(organization):
    """The organisation's positions, each with its holders, latest first."""
    return Position.objects.filter(organization=organization).prefetch_related(
        Prefetch(
            "tenures",
            queryset=Tenure.objects.select_related("person").order_by("-start"),
        )
    )


def meeting_context(meeting: Meeting) -> dict:
    """Agenda, materials, attendees and seats of a meeting, as pages and print show them."""
    materials = meeting_materials(meeting)
    labels = {m.pk: m.label for m in materials}
    items = list(
        meeting.agenda_items.prefetch_related(
            Prefetch("materials", queryset=Material.objects.only("id"))
        )
    )
    top = [i for i in items if i.parent_id is None]
    for n, item in enumerate(top, start=1):
        item.number = str(n)
        item.subitems = [i for i in items if i.parent_id == item.pk]
        for m, sub in enumerate(item.subitems, start=1):
            sub.number = f"({m})"
    for item in items:
        item.material_labels = [
            labels[m.pk] for m in item.materials.all() if m.pk in labels
        ]
    attendances = list(meeting.attendances.all())
    groups = [
        (label, [a for a in attendances if a.group == value])
        for value, label in Attendance.Group.choices
    ]
    groups = [(label, rows) for label, rows in groups if rows]
    return {
        "meeting": meeting,
        "agenda": top,
        "materials": materials,
        "attendance_groups": groups,
        "seating": seating_chart(attendances),
    }


SEAT_W, SEAT_H, GAP, MARGIN = 190, 46, 6, 20


def seating_chart(attendances: list[Attendance]) -> dict:
    """Seat boxes around a hollow-square table, as an SVG draws them.

    The head of the table is at the top; the left and right sides run down
    from it in seat order; the foot is at the bottom.
    """
    sides = {side: [] for side in ("head", "left", "right", "foot")}
    for a in sorted(attendances, key=lambda a: (a.seat_order, a.order)):
        if a.seat_side in sides:
            sides[a.seat_side].append(a)
    rows = max(len(sides["left"]), len(sides["right"]), 1)
    across = max(len(sides["head"]), len(sides["foot"]), 2)
    inner_w = across * (SEAT_W + GAP)
    width = 2 * MARGIN + 2 * (SEAT_W + GAP * 4) + inner_w
    top = MARGIN + (SEAT_H + GAP * 4 if sides["head"] else 0)
    height = top + rows * (SEAT_H + GAP) + (SEAT_H + GAP * 4 if sides["foot"] else 0)
    height += MARGIN
    left_x = MARGIN
    right_x = width - MARGIN - SEAT_W
    inner_x = MARGIN + SEAT_W + GAP * 4
    seats = []

    def across_row(people, y):
        start = inner_x + (inner_w - len(people) * (SEAT_W + GAP)) / 2
        for i, a in enumerate(people):
            seats.append((a, start + i * (SEAT_W + GAP), y))

    across_row(sides["head"], MARGIN)
    for i, a in enumerate(sides["left"]):
        seats.append((a, left_x, top + i * (SEAT_H + GAP)))
    for i, a in enumerate(sides["right"]):
        seats.append((a, right_x, top + i * (SEAT_H + GAP)))
    across_row(sides["foot"], top + rows * (SEAT_H + GAP) + GAP * 3)
    return {
        "width": width,
        "height": height,
        "seat_w": SEAT_W,
        "seat_h": SEAT_H,
        # Long titles (理事・ワンチームとやま推進室長) are squeezed to fit the box.
        "text_w": SEAT_W - 12,
        "table": {
            "x": inner_x,
            "y": top,
            "w": inner_w - GAP,
            "h": rows * (SEAT_H + GAP) - GAP,
        },
        "seats": [
            {
                "attendance": a,
                "x": round(x),
                "y": round(y),
                "tx": round(x + SEAT_W / 2),
                "title_y": round(y + 18),
                "name_y": round(y + 38),
            }
            for a, x, y in seats
        ],
        "any": bool(seats),
    }


def user_organization(user) -> Organization | None:
    """The organisation an account belongs to, or None (cached on the user)."""
    profile = profile_of(user)
    return profile.organization if profile else None
