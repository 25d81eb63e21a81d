"""Portal pages for meetings and municipalities."""

from __future__ import annotations

import io

from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from meetings import packet, reports, sections
from meetings.models import Material, Meeting, Organization, headquarters_of
from meetings.text import render_markdown


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
    return render(
        request,
        "meetings/meeting_list.html",
        {"years": reports.meetings_by_fiscal_year(meetings)},
    )


def get_visible_meeting(request, pk: int) -> Meeting:
    """The meeting `pk` if the user may see it, else 404."""
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "headquarters__organization"
        ),
        pk=pk,
    )


def meeting_detail(request, pk: int):
    meeting = get_visible_meeting(request, pk)
    return render(
        request, "meetings/meeting_detail.html", reports.meeting_context(meeting)
    )


def _numbered_material(meeting: Meeting, series: str, number: int) -> Material:
    material = reports.numbered_material(meeting, series, number)
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
    positions = reports.positions_with_tenures(org)
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
