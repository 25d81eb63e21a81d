"""Portal pages for meetings and municipalities."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from meetings import editions, news, reports, sections
from meetings.models import (
    Attendance,
    Material,
    MaterialImage,
    Meeting,
    Organization,
    headquarters_of,
)
from meetings.text import figures_of, render_markdown
from onechamber import images, listing
from onechamber.pagecache import cached_page


def _today():
    return timezone.localdate()


@cached_page
def home(request):
    meetings = Meeting.objects.visible_to(request.user).select_related("headquarters")
    today = _today()
    return render(
        request,
        "meetings/home.html",
        {
            "next_meetings": list(meetings.upcoming(today)[:3]),
            "latest_meetings": list(meetings.past(today)[:5]),
            "news": news.recent(request.user),
        },
    )


@cached_page
def meeting_list(request):
    """The meetings of one fiscal year (this one by default), in pages."""
    visible = Meeting.objects.visible_to(request.user)
    fy = meeting_year(request, _today())
    meetings = visible.select_related("headquarters").order_by(
        "-fiscal_year",
        Coalesce("date", "approx_month"),
        "approx_part",
        "start_time",
        "pk",
    )
    if fy.year is not None:
        meetings = meetings.filter(fiscal_year=fy.year)
    page = listing.page_of(request, meetings)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "fy": fy,
            "page": page,
            "years": reports.meetings_by_fiscal_year(page.object_list),
        },
    )


def get_visible_meeting(request, pk: int) -> Meeting:
    """The meeting `pk` if the user may see it, else 404."""
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "headquarters__organization"
        ),
        pk=pk,
    )


@cached_page
def meeting_detail(request, pk: int, edition_number: int | None = None):
    """A meeting as distributed (its current edition, or `edition_number`), or
    from today's data before it is distributed."""
    meeting = get_visible_meeting(request, pk)
    current = editions.current_edition(meeting)
    edition = current
    if edition_number is not None:
        edition = _edition(meeting, edition_number)
    context = {"meeting": meeting, "edition": edition}
    if edition is not None:
        items = list(edition.items.all())
        context["materials"] = [
            _item_row(meeting, edition, i) for i in items if i.role == "material"
        ]
        context["edition_summary"] = editions.edition_summary(edition)
        context["is_current"] = edition == current
        context["editions"] = [
            _with_summary(e)
            for e in meeting.editions.distributed().ready().prefetch_related("items")
        ]
    else:
        context.update(reports.meeting_context(meeting))
        context["materials"] = [_material_row(meeting, m) for m in context["materials"]]
        context["preview"] = editions.find_preview(meeting)
    secretariat = request.user.has_perm("meetings.view_unpublished_meeting")
    context["can_see_errors"] = secretariat
    # The next edition on its way: its progress for everyone; a failure is the
    # secretariat's to see (viewers keep the edition they have).
    pending = editions.pending_edition(meeting)
    if pending is not None and (secretariat or pending.state != "failed"):
        context["pending"] = pending
    else:
        context["pending"] = None
    if secretariat and edition is not None and edition == current:
        context["changes"] = editions.changes(meeting)
    building = [
        b
        for b in (context.get("preview"), context["pending"])
        if b is not None and b.state in ("queued", "building")
    ]
    context["refresh"] = bool(building)
    # 次第 before the materials, 出席者 and 配席図 after: as distributed, or live.
    record = (
        edition.page_html
        if edition is not None
        else render_to_string("meetings/_meeting_record.html", context)
    )
    before, _marker, after = record.partition("<!-- materials -->")
    context["record_before"] = mark_safe(before)  # noqa: S308 - our template's output
    context["record_after"] = mark_safe(after)  # noqa: S308
    return render(request, "meetings/meeting_detail.html", context)


def _with_summary(edition):
    edition.summary = editions.edition_summary(edition)
    return edition


def _edition(meeting: Meeting, number: int):
    """The distributed edition `number` of `meeting`, built, else 404."""
    return get_object_or_404(meeting.editions.distributed().ready(), number=number)


def _url_name(series: str, what: str) -> str:
    return f"meetings:{'material' if series == 'main' else 'reference'}_{what}"


def _material_row(meeting, material) -> dict:
    return {
        "label": material.label,
        "title": material.title,
        "series": material.series,
        "department_name": material.department.name if material.department else "",
        "page_url": reverse(
            _url_name(material.series, "detail"), args=[meeting.pk, material.number]
        ),
        "pdf_url": reverse(
            _url_name(material.series, "pdf"), args=[meeting.pk, material.number]
        ),
        "replaced_in": None,
    }


def _item_row(meeting, edition, item) -> dict:
    series = item.series or "main"
    return {
        "label": item.label,
        "title": item.title,
        "series": series,
        "department_name": item.department,
        "page_url": reverse(
            "meetings:edition_material_detail"
            if series == "main"
            else "meetings:edition_reference_detail",
            args=[meeting.pk, edition.number, item.number],
        ),
        "pdf_url": reverse(
            "meetings:edition_material_pdf"
            if series == "main"
            else "meetings:edition_reference_pdf",
            args=[meeting.pk, edition.number, item.number],
        ),
        "replaced_in": item.replaced_in,
    }


def _numbered_material(meeting: Meeting, series: str, number: int) -> Material:
    material = reports.numbered_material(meeting, series, number)
    if material is None:
        raise Http404
    return material


def _edition_item(edition, series: str, number: int):
    item = edition.items.filter(role="material", series=series, number=number).first()
    if item is None:
        raise Http404
    return item


@cached_page
def material_detail(
    request, pk: int, number: int, series: str = "main", edition_number=None
):
    """A material as distributed in the meeting's current (or given) edition,
    else as today's data shows it."""
    meeting = get_visible_meeting(request, pk)
    edition = (
        _edition(meeting, edition_number)
        if edition_number is not None
        else editions.current_edition(meeting)
    )
    if edition is not None:
        item = _edition_item(edition, series, number)
        return render(
            request,
            "meetings/material_detail.html",
            {
                "meeting": meeting,
                "edition": edition,
                "material": {
                    "label": item.label,
                    "title": item.title,
                    "department_name": item.department,
                    "content": item.content,
                    "replaced_in": item.replaced_in,
                },
                "body": mark_safe(item.html),  # noqa: S308 - frozen from the section or Markdown renderer
                "pdf_url": reverse(
                    "meetings:edition_material_pdf"
                    if series == "main"
                    else "meetings:edition_reference_pdf",
                    args=[meeting.pk, edition.number, number],
                ),
            },
        )
    material = _numbered_material(meeting, series, number)
    if material.content == Material.Content.SECTION:
        body = sections.render(material, request=request)
    elif material.content == Material.Content.TEXT:
        body = render_markdown(material.text, figures_of(material))
    else:
        body = ""
    return render(
        request,
        "meetings/material_detail.html",
        {
            "meeting": meeting,
            "material": {
                "label": material.label,
                "title": material.title,
                "department_name": material.department.name
                if material.department
                else "",
                "content": material.content,
            },
            "body": body,
            "pdf_url": reverse(_url_name(series, "pdf"), args=[meeting.pk, number]),
            "file_url": (
                reverse(_url_name(series, "file"), args=[meeting.pk, number])
                if material.content == Material.Content.PDF
                else ""
            ),
        },
    )


def material_file(request, pk: int, number: int, series: str = "main"):
    """The uploaded PDF of a material not distributed yet, to users who may see
    its meeting (once distributed, its edition's file is the one to fetch)."""
    meeting = get_visible_meeting(request, pk)
    if editions.current_edition(meeting) is not None:
        return redirect(_url_name(series, "pdf"), pk=pk, number=number)
    material = _numbered_material(meeting, series, number)
    if material.content != Material.Content.PDF or not material.file:
        raise Http404
    # A download, never shown inline from this origin, and not kept by shared
    # caches: it is an undistributed material of a meeting not every user sees.
    response = FileResponse(
        material.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{meeting.fiscal_year}-{meeting.pk}-{material.label}.pdf",
    )
    patch_cache_control(response, private=True)
    return response


@cached_page
def municipality_list(request):
    municipalities = Organization.objects.for_headquarters(
        headquarters_of(request.user)
    ).municipalities()
    return render(
        request,
        "meetings/municipality_list.html",
        {"municipalities": municipalities},
    )


def meeting_year(request, today=None) -> listing.FiscalYearChoice:
    """The fiscal year a page of meetings shows (its `fy`, else this one or the
    latest with meetings the user may see): the meeting list, the schedule, a
    municipality's page, and their exports (`today`: the caller's, else this
    module's)."""
    return listing.choose_fiscal_year(
        request.GET.get("fy"),
        years=Meeting.objects.visible_to(request.user)
        .order_by()
        .values_list("fiscal_year", flat=True)
        .distinct(),
        today=today or _today(),
    )


def attended_meetings(user, org, fy: listing.FiscalYearChoice):
    """The meetings `org` attended that `user` may see, in the year `fy` chose,
    latest first."""
    attended = (
        Meeting.objects.visible_to(user)
        .filter(
            pk__in=Attendance.objects.filter(position__organization=org).values(
                "meeting_id"
            )
        )
        .select_related("headquarters")
        .order_by("-fiscal_year", "-date", "-pk")
    )
    return attended if fy.year is None else attended.filter(fiscal_year=fy.year)


@cached_page
def municipality_detail(request, code: str):
    org = get_object_or_404(
        Organization.objects.for_headquarters(
            headquarters_of(request.user)
        ).local_governments(),
        code=code,
    )
    fy = meeting_year(request, _today())
    attended = attended_meetings(request.user, org, fy)
    return render(
        request,
        "meetings/municipality_detail.html",
        {
            "organization": org,
            "positions": reports.positions_with_tenures(org),
            "fy": fy,
            "attended": listing.page_of(request, attended),
            "panels": [
                panel(request, org, fy.year) for panel in sections.municipality_panels
            ],
        },
    )


# --- Files of editions ----------------------------------------------------------


def _filename(meeting: Meeting, what: str, edition) -> str:
    if edition.number is None:
        suffix = "（案）" if edition.draft else ""
    else:
        suffix = f"_{edition.label}"
    return f"{meeting.fiscal_year_label}{meeting.short_title}_{what}{suffix}.pdf"


def serve_file(request, *, edition, name, sha256, size, filename, immutable):
    """A file of an edition, after the caller's permission check: 304 when the
    reader holds it already, else the file; the download is recorded (in its
    own short write: the file views run outside a request transaction)."""
    etag = f'"{sha256}"'
    modified = edition.distributed_at or edition.created_at
    last_modified = int(modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        try:
            handle = editions.open_file(name)
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            content_type="application/pdf",
            as_attachment=True,
            filename=filename,
        )
        response["Content-Length"] = str(size)
        editions.record_download(edition=edition, user=request.user)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # For signed-in readers only; an edition's own URL never changes content,
    # the current packet's URL does when a 差し替え is distributed.
    response["Cache-Control"] = (
        "private, max-age=86400" if immutable else "private, no-cache"
    )
    return response


def _building(request, meeting, build, *, what: str):
    """The page shown instead of a file still being built (or failed)."""
    status = 503 if build.state == "failed" else 202
    response = render(
        request,
        "meetings/edition_building.html",
        {
            "meeting": meeting,
            "build": build,
            "what": what,
            "can_see_errors": request.user.has_perm(
                "meetings.view_unpublished_meeting"
            ),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = "60"
    return response


def _current_or_preview(meeting):
    """The current edition of `meeting`; else its first edition on its way;
    else (not distributed) the preview of today's data."""
    if current := editions.current_edition(meeting):
        return current
    pending = editions.pending_edition(meeting)
    if pending is not None and pending.state != "failed":
        return pending
    return editions.preview(meeting)


@transaction.non_atomic_requests
def packet_pdf(request, pk: int):
    """The whole packet as one PDF: the current edition, or (not distributed
    yet) the preview of today's data, with 「案」 on every page while
    unpublished. Built by a worker: until then, its progress."""
    meeting = get_visible_meeting(request, pk)
    edition = _current_or_preview(meeting)
    if edition.state != "ready":
        return _building(request, meeting, edition, what=_("資料一式"))
    return _serve_packet(request, meeting, edition, immutable=False)


@transaction.non_atomic_requests
def material_pdf(request, pk: int, number: int, series: str = "main"):
    """One material alone as a PDF, labelled and numbered as in the packet."""
    meeting = get_visible_meeting(request, pk)
    edition = _current_or_preview(meeting)
    if edition.state != "ready":
        return _building(request, meeting, edition, what=_("資料"))
    return _serve_item(request, meeting, edition, series, number, immutable=False)


def _serve_packet(request, meeting, edition, *, immutable):
    return serve_file(
        request,
        edition=edition,
        name=edition.file_name,
        sha256=edition.sha256,
        size=edition.size,
        filename=_filename(meeting, _("資料一式"), edition),
        immutable=immutable,
    )


def _serve_item(request, meeting, edition, series, number, *, immutable):
    item = _edition_item(edition, series, number)
    return serve_file(
        request,
        edition=edition,
        name=item.file_name,
        sha256=item.sha256,
        size=item.size,
        filename=_filename(meeting, item.label, edition),
        immutable=immutable,
    )


@transaction.non_atomic_requests
def edition_packet(request, pk: int, edition_number: int):
    """The packet of one distributed edition, byte for byte as distributed."""
    meeting = get_visible_meeting(request, pk)
    edition = _edition(meeting, edition_number)
    return _serve_packet(request, meeting, edition, immutable=True)


@transaction.non_atomic_requests
def edition_material_pdf(
    request, pk: int, edition_number: int, number: int, series: str = "main"
):
    """One material of one distributed edition, as distributed."""
    meeting = get_visible_meeting(request, pk)
    edition = _edition(meeting, edition_number)
    return _serve_item(request, meeting, edition, series, number, immutable=True)


@transaction.non_atomic_requests
def material_image(request, name: str):
    """A text material's figure, by its stored file's name, to those who may
    see its meeting. The name of an image since replaced still answers (from
    the history), as a distributed edition's pages show it."""
    path = f"{MaterialImage._meta.get_field('image').upload_to}{name}"
    meeting_id = images.owner_of(MaterialImage, path, "material__meeting_id")
    if meeting_id is None:
        raise Http404
    get_visible_meeting(request, meeting_id)
    return images.file_response(path)
