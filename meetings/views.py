"""Portal pages for meetings and municipalities."""

from __future__ import annotations

import io
from itertools import groupby

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from meetings import packet, sections
from meetings.models import (
    Attendance,
    Material,
    Meeting,
    Organization,
    Position,
    Tenure,
    headquarters_of,
    number_materials,
)
from meetings.text import render_markdown
from onechamber import jdates


def _today():
    return timezone.localdate()


def home(request):
    meetings = Meeting.objects.visible_to(request.user).select_related("headquarters")
    today = _today()
    return render(
        request,
        "meetings/home.html",
        {
            "next_meetings": list(meetings.upcoming(today)[:3]),
            "latest_meetings": list(meetings.past(today)[:5]),
        },
    )


def meeting_list(request):
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("headquarters")
        .order_by(
            "-fiscal_year",
            Coalesce("date", "approx_month"),
            "approx_part",
            "start_time",
        )
    )
    years = [
        (year, jdates.fiscal_year_label(year), list(items))
        for year, items in groupby(meetings, key=lambda m: m.fiscal_year)
    ]
    return render(request, "meetings/meeting_list.html", {"years": years})


def get_visible_meeting(request, pk: int) -> Meeting:
    """The meeting `pk` if the user may see it, else 404."""
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "headquarters__organization"
        ),
        pk=pk,
    )


def meeting_context(meeting: Meeting) -> dict:
    """Agenda, materials, attendees and seats of a meeting, as pages and print show them."""
    materials = number_materials(meeting.materials.select_related("department"))
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


def meeting_detail(request, pk: int):
    meeting = get_visible_meeting(request, pk)
    return render(request, "meetings/meeting_detail.html", meeting_context(meeting))


def _numbered_material(meeting: Meeting, series: str, number: int) -> Material:
    materials = number_materials(meeting.materials.select_related("department"))
    material = next(
        (m for m in materials if m.series == series and m.number == number), None
    )
    if material is None:
        raise Http404
    return material


def material_detail(request, pk: int, number: int, series: str = "main"):
    meeting = get_visible_meeting(request, pk)
    material = _numbered_material(meeting, series, number)
    if material.content == Material.Content.SECTION:
        body = sections.render(material, request=request)
    elif material.content == Material.Content.TEXT:
        body = render_markdown(material.text)
    else:
        body = ""
    return render(
        request,
        "meetings/material_detail.html",
        {"meeting": meeting, "material": material, "body": body},
    )


def material_file(request, pk: int, number: int, series: str = "main"):
    """The uploaded PDF of a material, to users who may see its meeting."""
    meeting = get_visible_meeting(request, pk)
    material = _numbered_material(meeting, series, number)
    if material.content != Material.Content.PDF or not material.file:
        raise Http404
    return FileResponse(
        material.file.open("rb"),
        content_type="application/pdf",
        filename=f"{meeting.fiscal_year}-{meeting.pk}-{material.label}.pdf",
    )


def municipality_list(request):
    municipalities = Organization.objects.for_headquarters(
        headquarters_of(request.user)
    ).municipalities()
    return render(
        request,
        "meetings/municipality_list.html",
        {"municipalities": municipalities},
    )


def municipality_detail(request, code: str):
    org = get_object_or_404(
        Organization.objects.for_headquarters(
            headquarters_of(request.user)
        ).local_governments(),
        code=code,
    )
    today = _today()
    positions = Position.objects.filter(organization=org).prefetch_related(
        Prefetch(
            "tenures",
            queryset=Tenure.objects.select_related("person").order_by("-start"),
        )
    )
    attended = (
        Meeting.objects.visible_to(request.user)
        .filter(attendances__position__organization=org)
        .distinct()
        .select_related("headquarters")
        .order_by("-date")
    )
    return render(
        request,
        "meetings/municipality_detail.html",
        {
            "organization": org,
            "positions": positions,
            "attended": attended,
            "today": today,
            "panels": [panel(request, org) for panel in sections.municipality_panels],
        },
    )


def _pdf_response(result: packet.BuildResult) -> HttpResponse:
    response = FileResponse(
        io.BytesIO(result.pdf),
        content_type="application/pdf",
        as_attachment=True,
        filename=result.filename,
    )
    # Drafts and published packets alike are for signed-in users only.
    response["Cache-Control"] = "private, no-cache"
    response["ETag"] = f'"{result.key}"'
    return response


def packet_pdf(request, pk: int):
    """The whole packet as one PDF; 「案」 on every page while unpublished."""
    meeting = get_visible_meeting(request, pk)
    return _pdf_response(packet.build_packet(meeting))


def material_pdf(request, pk: int, number: int, series: str = "main"):
    """One material alone as a PDF, labelled and numbered as in the packet."""
    meeting = get_visible_meeting(request, pk)
    material = _numbered_material(meeting, series, number)
    return _pdf_response(packet.build_material(meeting, material))
