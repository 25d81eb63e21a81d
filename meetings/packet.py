"""The meeting packet as one PDF: 次第, 出席者名簿, 配席図, then every material in order.

Each part is rendered on its own from the templates the pages use (with the
print stylesheet) and cached in the database under the sha256 of its HTML and
of the stylesheet and fonts, so that after one material is edited only that
material is rendered again. The packet is those parts merged, with the page
numbers stamped at the foot, an outline and metadata; it is cached too, under
the keys of its parts. Section kinds come from the registry in
``meetings.sections``: a kind no app registers prints a placeholder line.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from meetings import pdf, reports, sections, versioning
from meetings.models import Material, Meeting, PacketPart
from meetings.text import render_markdown
from onechamber import jdates

logger = logging.getLogger(__name__)

# Bump when the assembly (numbering, stamping, outline) changes: every cached
# document is then built again from its parts.
FORMAT_VERSION = "2"
# Files the parts read through the fetcher: a change in any re-renders them all.
ASSETS = (
    "css/print.css",
    "fonts/BIZUDPGothic-Regular.ttf",
    "fonts/BIZUDPGothic-Bold.ttf",
)
# Cached PDFs nobody used for this long are deleted when new ones are stored.
KEEP_UNUSED = dt.timedelta(days=30)


def roots() -> pdf.Roots:
    """The folders the fetcher may read: static files and uploaded media."""
    static = [str(p) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        static.append(str(settings.STATIC_ROOT))
    return {"static": static, "media": [str(settings.MEDIA_ROOT)]}


_asset_digests: dict[tuple[str, int, int], str] = {}


def asset_version(paths: pdf.Roots | None = None) -> str:
    """A digest of the stylesheet, the fonts and the renderer's version."""
    digest = hashlib.sha256(
        f"weasyprint {pdf.WEASYPRINT_VERSION} format {FORMAT_VERSION}".encode()
    )
    for name in ASSETS:
        found = pdf.find_file(paths or roots(), "static", name)
        if found is None:
            raise FileNotFoundError(f"static/{name} is missing")
        stat = found.stat()
        memo = (str(found), stat.st_mtime_ns, stat.st_size)
        if memo not in _asset_digests:
            _asset_digests[memo] = hashlib.sha256(found.read_bytes()).hexdigest()
        digest.update(f"{name} {_asset_digests[memo]}\n".encode())
    return digest.hexdigest()


def _key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass
class Upload:
    """An uploaded PDF material, to be stamped with its label."""

    material: Material
    label: str
    draft: bool


@dataclass
class Part:
    """One part of a document: its outline entry, cache key and source."""

    title: str
    key: str
    html: str = ""
    upload: Upload | None = None


@dataclass
class BuildResult:
    pdf: bytes
    filename: str
    key: str
    page_count: int
    # Keys of the parts rendered by this build; empty when all came from the cache.
    rendered: list[str] = field(default_factory=list)
    from_cache: bool = False


def front_parts(context: dict, *, draft: bool, assets: str) -> list[Part]:
    """次第, 出席者名簿 and 配席図, from the meeting context the pages use."""
    meeting = context["meeting"]
    common = {**context, "draft": draft, "label": ""}
    pages = [
        (
            _("次第"),
            "print/agenda.html",
            {"time_range": jdates.time_range(meeting.start_time, meeting.end_time)},
        ),
        (_("出席者名簿"), "print/attendees.html", {}),
        (
            _("配席図"),
            "print/seating.html",
            {
                # The seating chart writes the time on a 24-hour clock: 15時～.
                "start_clock": _clock24(meeting.start_time)
            },
        ),
    ]
    parts = []
    for title, template, extra in pages:
        html = render_to_string(template, {**common, **extra})
        parts.append(Part(title=title, key=_key("html", assets, html), html=html))
    return parts


def _clock24(t: dt.time | None) -> str:
    if t is None:
        return ""
    return f"{t.hour}時" + (f"{t.minute}分" if t.minute else "")


@functools.lru_cache(maxsize=256)
def _markdown(text: str):
    # A pure function of the text, and the packet asks for every material's
    # HTML on each download to find its cache key.
    return render_markdown(text)


def material_body(material: Material) -> tuple[str, str]:
    """The HTML of a section or text material, or ("", placeholder text)."""
    if material.content == Material.Content.SECTION:
        kind = sections.registry.get(material.section_kind)
        if kind is None:
            return "", _(
                "「%(kind)s」の内容はこのポータルでは作成できないため、印刷していません。"
            ) % {"kind": material.section_kind or "-"}
        try:
            # No request: the packet is the same for every reader.
            return kind.render(material, request=None), ""
        except Exception:
            logger.exception("section %s of material %s", kind.key, material.pk)
            return "", _(
                "この資料は作成中にエラーが発生したため、印刷できませんでした。"
                "事務局にお知らせください。"
            )
    body = _markdown(material.text)
    return body, "" if body else _("この資料の内容はまだ登録されていません。")


def material_html(
    material: Material,
    *,
    draft: bool,
    placeholder: str = "",
    body: str | None = None,
    continued: bool = False,
) -> tuple[str, bool]:
    """The print HTML of a material, or of `body` (one run of it), or of its
    placeholder; and whether it prints landscape."""
    landscape = False
    if not placeholder:
        if body is None:
            body, placeholder = material_body(material)
        kind = sections.registry.get(material.section_kind)
        landscape = bool(
            body and material.content == Material.Content.SECTION and kind.landscape
        )
    html = render_to_string(
        "print/material.html",
        {
            "material": material,
            "label": material.label,
            "draft": draft,
            "landscape": landscape,
            "body": body or "",
            "continued": continued,
            "placeholder": placeholder,
        },
    )
    return html, landscape


def _upload_key(material: Material, *, label: str, draft: bool, assets: str) -> str:
    storage = material.file.storage
    name = material.file.name
    # Stored files are never overwritten (the storage picks a new name), so the
    # name, size and time identify the content without reading it.
    try:
        stamp = f"{storage.size(name)} {storage.get_modified_time(name).isoformat()}"
    except (OSError, NotImplementedError):
        stamp = "missing"
    return _key("upload", assets, name, stamp, label, "draft" if draft else "final")


def material_parts(material: Material, *, draft: bool, assets: str) -> list[Part]:
    """The parts of one material: an uploaded PDF, or its HTML split where the
    section marks a page break (each run rendered and cached on its own)."""
    title = f"{material.label}　{material.title}"
    if material.content == Material.Content.PDF and material.file:
        return [
            Part(
                title=title,
                key=_upload_key(
                    material, label=material.label, draft=draft, assets=assets
                ),
                upload=Upload(material=material, label=material.label, draft=draft),
            )
        ]
    if material.content == Material.Content.PDF:
        html, _landscape = material_html(
            material,
            draft=draft,
            placeholder=_("PDFファイルはまだ登録されていません。"),
        )
        return [Part(title=title, key=_key("html", assets, html), html=html)]
    body, placeholder = material_body(material)
    # The runs are pieces of HTML the section or Markdown renderer made safe.
    runs = [
        mark_safe(run)  # noqa: S308
        for run in body.split(sections.PAGE_BREAK)
        if run.strip()
    ] or [""]
    parts = []
    for n, run in enumerate(runs):
        html, _landscape = material_html(
            material, draft=draft, placeholder=placeholder, body=run, continued=n > 0
        )
        # Only the first run carries the outline entry.
        parts.append(
            Part(title="" if n else title, key=_key("html", assets, html), html=html)
        )
    return parts


def packet_parts(meeting: Meeting, *, draft: bool, assets: str) -> list[Part]:
    """Every part of a meeting's packet, in print order."""
    context = reports.meeting_context(meeting)
    parts = front_parts(context, draft=draft, assets=assets)
    for material in context["materials"]:
        parts += material_parts(material, draft=draft, assets=assets)
    return parts


def is_draft(meeting: Meeting) -> bool:
    """Unpublished meetings print 「案」 on every page."""
    return not meeting.published


def document_key(title: str, parts: list[Part]) -> str:
    return _key(
        "document", FORMAT_VERSION, title, *(f"{p.title}\n{p.key}" for p in parts)
    )


def _filename(meeting: Meeting, what: str, *, draft: bool) -> str:
    suffix = "（案）" if draft else ""
    return f"{meeting.fiscal_year_label}{meeting.short_title}_{what}{suffix}.pdf"


def build_packet(meeting: Meeting) -> BuildResult:
    """The whole packet of `meeting`, from the cache when nothing changed."""
    draft = is_draft(meeting)
    assets = asset_version()
    filename = _filename(meeting, _("資料一式"), draft=draft)
    alias = _alias_key("packet", meeting.pk, draft, assets)
    if found := _by_alias(alias, filename):
        return found
    parts = packet_parts(meeting, draft=draft, assets=assets)
    title = meeting.name + ("（案）" if draft else "")
    result = _build(
        parts,
        title=title,
        filename=filename,
        author=_author(meeting),
        assets=assets,
    )
    _remember(alias, result)
    return result


def build_material(meeting: Meeting, material: Material) -> BuildResult:
    """One material alone (`material` numbered by ``reports.number_materials``)."""
    draft = is_draft(meeting)
    assets = asset_version()
    filename = _filename(meeting, material.label, draft=draft)
    alias = _alias_key("material", material.pk, material.label, draft, assets)
    if found := _by_alias(alias, filename):
        return found
    result = _build(
        material_parts(material, draft=draft, assets=assets),
        title=f"{meeting.name} {material.label}" + ("（案）" if draft else ""),
        filename=filename,
        author=_author(meeting),
        assets=assets,
    )
    _remember(alias, result)
    return result


def _alias_key(*what) -> str:
    # Read before the HTML is rendered: a write during the build moves the
    # version on, and the next download renders again.
    return _key(
        "alias",
        str(versioning.current()),
        versioning.code_version(),
        *(str(w) for w in what),
    )


def _by_alias(alias: str, filename: str) -> BuildResult | None:
    """The document built at this content version, without rendering any HTML."""
    document = (
        PacketPart.objects.filter(
            kind=PacketPart.Kind.DOCUMENT,
            key__in=PacketPart.objects.filter(
                key=alias, kind=PacketPart.Kind.ALIAS
            ).values("document_key"),
        )
        .values_list("key", "pdf", "page_count")
        .first()
    )
    if document is None:
        return None
    key, data, page_count = document
    return BuildResult(
        pdf=bytes(data),
        filename=filename,
        key=key,
        page_count=page_count,
        from_cache=True,
    )


def _remember(alias: str, result: BuildResult) -> None:
    if not PacketPart.objects.filter(
        key=result.key, kind=PacketPart.Kind.DOCUMENT
    ).exists():
        return  # a part failed: nothing stored to point at
    PacketPart.objects.bulk_create(
        [PacketPart(key=alias, kind=PacketPart.Kind.ALIAS, document_key=result.key)],
        ignore_conflicts=True,
    )


def _author(meeting: Meeting) -> str:
    hq = meeting.headquarters
    return hq.secretariat.name if hq.secretariat_id else hq.name


def _build(
    parts: list[Part], *, title: str, filename: str, author: str, assets: str
) -> BuildResult:
    now = timezone.now()
    doc_key = document_key(title, parts)
    cached = (
        PacketPart.objects.filter(key=doc_key)
        .values_list("pdf", "page_count", "used_at")
        .first()
    )
    if cached:
        data, page_count, used_at = cached
        if used_at < now - dt.timedelta(days=1):
            PacketPart.objects.filter(key=doc_key).update(used_at=now)
        return BuildResult(
            pdf=bytes(data),
            filename=filename,
            key=doc_key,
            page_count=page_count,
            from_cache=True,
        )

    stored = dict(
        PacketPart.objects.filter(key__in=[p.key for p in parts]).values_list(
            "key", "pdf"
        )
    )
    pdfs: dict[str, bytes] = {key: bytes(value) for key, value in stored.items()}
    new_rows: dict[str, pdf.Rendered] = {}

    # Uploaded PDFs not stamped yet: read them, and plan one overlay per page size.
    uploads: dict[str, tuple[Part, bytes, dict]] = {}
    for part in parts:
        if part.upload is None or part.key in pdfs:
            continue
        data, reader, problem = _read_upload(part.upload.material)
        if problem:
            _use_placeholder(part, problem, assets)
            continue
        overlays = {}
        for page in reader.pages:
            size = pdf.rounded(pdf.page_size(page))
            if size not in overlays:
                html = render_to_string(
                    "print/stamp.html",
                    {
                        "label": part.upload.label,
                        "draft": part.upload.draft,
                        "width": f"{size[0]:.1f}",
                        "height": f"{size[1]:.1f}",
                    },
                )
                overlays[size] = Part(
                    title="", key=_key("html", assets, html), html=html
                )
        uploads[part.key] = (part, data, overlays)

    # Everything made from HTML that is not stored yet, rendered on every core.
    overlay_parts = [o for _p, _d, ov in uploads.values() for o in ov.values()]
    html_parts = {p.key: p for p in [*parts, *overlay_parts] if p.upload is None}
    unknown = [key for key in html_parts if key not in pdfs]
    if unknown:
        more = PacketPart.objects.filter(key__in=unknown).values_list("key", "pdf")
        pdfs.update({key: bytes(value) for key, value in more})
    to_render = [p for key, p in html_parts.items() if key not in pdfs]
    failed: set[str] = set()
    results = pdf.render_many([p.html for p in to_render], roots())
    for part, rendered in zip(to_render, results, strict=True):
        if rendered is None:
            # Cached neither as the part nor in the document: the next build
            # tries again.
            rendered = pdf.render_html(_failed_html(part), roots())
            pdfs[part.key] = rendered.pdf
            failed.add(part.key)
            continue
        if rendered.refused:
            logger.warning(
                "packet part %s: refused %d resource(s): %s",
                part.title or part.key[:12],
                len(rendered.refused),
                ", ".join(u[:80] for u in rendered.refused[:5]),
            )
        pdfs[part.key] = rendered.pdf
        new_rows[part.key] = rendered

    for key, (part, data, overlays) in uploads.items():
        try:
            stamped = pdf.stamp_pages(
                data, {size: pdfs[o.key] for size, o in overlays.items()}
            )
        except Exception as exc:  # a file pypdf reads but cannot rewrite
            name = part.upload.material.file.name
            logger.exception("stamping uploaded PDF %s", name)
            _use_placeholder(
                part, _unreadable(Path(name).name, exc.__class__.__name__), assets
            )
            if part.key not in pdfs:
                rendered = pdf.render_html(part.html, roots())
                pdfs[part.key] = rendered.pdf
                new_rows[part.key] = rendered
            continue
        pdfs[key] = stamped.pdf
        new_rows[key] = stamped

    data, page_count = pdf.assemble(
        [
            pdf.Piece(
                pdf=pdfs[p.key], title=p.title, key="" if p.key in failed else p.key
            )
            for p in parts
        ],
        title=title,
        roots=roots(),
        author=author,
    )
    _store(
        new_rows,
        None if failed else (doc_key, data, page_count),
        now,
        used=[p.key for p in parts],
    )
    return BuildResult(
        pdf=data,
        filename=filename,
        key=doc_key,
        page_count=page_count,
        rendered=list(new_rows),
    )


def _failed_html(part: Part) -> str:
    return render_to_string(
        "print/material.html",
        {
            "material": {"title": part.title, "label": ""},
            "placeholder": _(
                "この部分は印刷用に組版できませんでした。事務局にお知らせください。"
            ),
        },
    )


def _unreadable(name: str, reason: str) -> str:
    return _(
        "PDFファイル「%(name)s」は壊れているか読み込めない形式のため、"
        "印刷できませんでした（%(reason)s）。事務局はファイルを差し替えてください。"
    ) % {"name": name, "reason": reason}


def _read_upload(material: Material):
    """The bytes and pages of an uploaded PDF, or why it cannot be printed."""
    name = Path(material.file.name).name
    try:
        with material.file.open("rb") as f:
            data = f.read()
    except OSError:
        return (
            b"",
            None,
            _("PDFファイル「%(name)s」が見つからないため、印刷できませんでした。")
            % {"name": name},
        )
    try:
        return data, pdf.read_pdf(data), ""
    except pdf.UnreadablePdf as exc:
        return b"", None, _unreadable(name, exc.detail or exc.code)


def _use_placeholder(part: Part, problem: str, assets: str) -> None:
    material = part.upload.material
    html, _landscape = material_html(
        material, draft=part.upload.draft, placeholder=problem
    )
    part.html = html
    part.key = _key("html", assets, html)
    part.upload = None


def _store(
    rows: dict[str, pdf.Rendered],
    document: tuple[str, bytes, int] | None,
    now,
    *,
    used: list[str],
) -> None:
    objs = [
        PacketPart(
            key=key,
            kind=PacketPart.Kind.PART,
            pdf=r.pdf,
            page_count=r.page_count,
            used_at=now,
        )
        for key, r in rows.items()
    ]
    if document:
        doc_key, data, page_count = document
        objs.append(
            PacketPart(
                key=doc_key,
                kind=PacketPart.Kind.DOCUMENT,
                pdf=data,
                page_count=page_count,
                used_at=now,
            )
        )
    with transaction.atomic():
        PacketPart.objects.bulk_create(objs, ignore_conflicts=True)
        PacketPart.objects.filter(
            key__in=used, used_at__lt=now - dt.timedelta(days=1)
        ).update(used_at=now)
        PacketPart.objects.filter(used_at__lt=now - KEEP_UNUSED).delete()
