"""The parts of a meeting's packet: 次第, 出席者名簿 and 配席図, then each
material as HTML runs or an uploaded PDF, each with the key it is cached under.

A part's key is the sha256 of what it is made from (its HTML, or the upload's
name, size and time, with the label) and of the assets every part reads (the
stylesheet, the fonts and the renderer's version), so an unchanged part is
never rendered twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from meetings import reports, sections
from meetings.models import Material, Meeting
from meetings.packet import engine, typeset
from meetings.text import figures_of, render_markdown
from onechamber import jdates

logger = logging.getLogger(__name__)

# Bump when the assembly (numbering, stamping, outline, fonts) changes: every cached
# document is then built again from its parts.
FORMAT_VERSION = "4"  # 4: tagged (PDF/UA-1); 3: uploads in bands, one font a face
# Files the parts read through the fetcher: a change in any re-renders them all.
ASSETS = (
    "css/print.css",
    "fonts/BIZUDPGothic-Regular.ttf",
    "fonts/BIZUDPGothic-Bold.ttf",
)


def roots() -> engine.Roots:
    """The folders the fetcher may read: static files and uploaded media."""
    static = [str(p) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        static.append(str(settings.STATIC_ROOT))
    return {"static": static, "media": [str(settings.MEDIA_ROOT)]}


_asset_digests: dict[tuple[str, int, int], str] = {}


def asset_version(paths: engine.Roots | None = None) -> str:
    """A digest of the stylesheet, the fonts and the renderer's version."""
    digest = hashlib.sha256(
        f"weasyprint {engine.WEASYPRINT_VERSION} format {FORMAT_VERSION}".encode()
    )
    for name in ASSETS:
        found = engine.find_file(paths or roots(), "static", name)
        if found is None:
            raise FileNotFoundError(f"static/{name} is missing")
        stat = found.stat()
        memo = (str(found), stat.st_mtime_ns, stat.st_size)
        if memo not in _asset_digests:
            _asset_digests[memo] = hashlib.sha256(found.read_bytes()).hexdigest()
        digest.update(f"{name} {_asset_digests[memo]}\n".encode())
    return digest.hexdigest()


def content_key(*parts: str | bytes) -> str:
    """The sha256 of `parts`, each length-prefixed so that no two lists collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def html_key(html: str, assets: str) -> str:
    return content_key("html", assets, html)


@dataclass
class Upload:
    """An uploaded PDF material, to be stamped with its label."""

    material: Material
    label: str
    draft: bool
    # Replaced in a later edition (差し替え): 「差替」 beside the label.
    replaced: bool = False


@dataclass
class Part:
    """One part of a document: its outline entry, cache key and source."""

    title: str
    key: str
    html: str = ""
    upload: Upload | None = None


def html_part(html: str, *, assets: str, title: str = "") -> Part:
    html = typeset.keep_words(html)
    return Part(title=title, key=html_key(html, assets), html=html)


def document_key(title: str, parts: list[Part]) -> str:
    """The key of a document made of `parts`, in order, under `title`."""
    return content_key(
        "document", FORMAT_VERSION, title, *(f"{p.title}\n{p.key}" for p in parts)
    )


def is_draft(meeting: Meeting) -> bool:
    """Unpublished meetings print 「案」 on every page."""
    return not meeting.published


# --- Front pages ---------------------------------------------------------------


def front_parts(
    context: dict, *, draft: bool, assets: str, replaced: frozenset[str] = frozenset()
) -> list[Part]:
    """次第, 出席者名簿 and 配席図, from the meeting context the pages use;
    those titled in `replaced` carry 「差替」."""
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
    return [
        html_part(
            render_to_string(
                template, {**common, **extra, "replaced": title in replaced}
            ),
            assets=assets,
            title=title,
        )
        for title, template, extra in pages
    ]


def _clock24(t: dt.time | None) -> str:
    if t is None:
        return ""
    return f"{t.hour}時" + (f"{t.minute}分" if t.minute else "")


# --- Materials -----------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _markdown(text: str, figures: tuple = ()):
    # A pure function of the text and its figures, and the packet asks for
    # every material's HTML on each download to find its cache key.
    return render_markdown(text, dict(figures))


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
    figures = tuple(sorted(figures_of(material).items()))
    body = _markdown(material.text, figures)
    return body, "" if body else _("この資料の内容はまだ登録されていません。")


def material_html(
    material: Material,
    *,
    draft: bool,
    placeholder: str = "",
    body: str | None = None,
    continued: bool = False,
    replaced: bool = False,
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
            "replaced": replaced,
        },
    )
    return html, landscape


def material_parts(
    material: Material, *, draft: bool, assets: str, replaced: bool = False
) -> list[Part]:
    """The parts of one material: an uploaded PDF, or its HTML split where the
    section marks a page break (each run rendered and cached on its own);
    `replaced` prints 「差替」 beside the label."""
    title = f"{material.label}　{material.title}"
    if material.content == Material.Content.PDF and material.file:
        return [
            Part(
                title=title,
                key=upload_key(
                    material,
                    label=material.label,
                    draft=draft,
                    assets=assets,
                    replaced=replaced,
                ),
                upload=Upload(
                    material=material,
                    label=material.label,
                    draft=draft,
                    replaced=replaced,
                ),
            )
        ]
    if material.content == Material.Content.PDF:
        html, _landscape = material_html(
            material,
            draft=draft,
            placeholder=_("PDFファイルはまだ登録されていません。"),
            replaced=replaced,
        )
        return [html_part(html, assets=assets, title=title)]
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
            material,
            draft=draft,
            placeholder=placeholder,
            body=run,
            continued=n > 0,
            replaced=replaced,
        )
        # Only the first run carries the outline entry.
        parts.append(html_part(html, assets=assets, title="" if n else title))
    return parts


def packet_parts(meeting: Meeting, *, draft: bool, assets: str) -> list[Part]:
    """Every part of a meeting's packet, in print order."""
    context = reports.meeting_context(meeting)
    parts = front_parts(context, draft=draft, assets=assets)
    for material in context["materials"]:
        parts += material_parts(material, draft=draft, assets=assets)
    return parts


# --- Uploads -------------------------------------------------------------------


def upload_key(
    material: Material, *, label: str, draft: bool, assets: str, replaced: bool = False
) -> str:
    storage = material.file.storage
    name = material.file.name
    # Stored files are never overwritten (the storage picks a new name), so the
    # name, size and time identify the content without reading it.
    try:
        stamp = f"{storage.size(name)} {storage.get_modified_time(name).isoformat()}"
    except (OSError, NotImplementedError):
        stamp = "missing"
    return content_key(
        "upload",
        assets,
        name,
        stamp,
        label,
        "draft" if draft else "final",
        *(["replaced"] if replaced else []),
    )


def read_upload(material: Material):
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
        return data, engine.read_pdf(data, max_pages=settings.PDF_MAX_PAGES), ""
    except engine.UnreadablePdf as exc:
        return b"", None, unreadable(name, exc.detail or exc.code)


def unreadable(name: str, reason: str) -> str:
    """Why the uploaded file `name` is not printed, for its placeholder page."""
    return _(
        "PDFファイル「%(name)s」は壊れているか読み込めない形式のため、"
        "印刷できませんでした（%(reason)s）。事務局はファイルを差し替えてください。"
    ) % {"name": name, "reason": reason}


def stamp_overlay(upload: Upload, size: tuple[float, float], *, assets: str) -> Part:
    """The page laid over each upload page of `size`: its label and 「案」."""
    html = render_to_string(
        "print/stamp.html",
        {
            "label": upload.label,
            "draft": upload.draft,
            "replaced": upload.replaced,
            "width": f"{size[0]:.1f}",
            "height": f"{size[1]:.1f}",
        },
    )
    return html_part(html, assets=assets)


def use_placeholder(part: Part, problem: str, assets: str) -> None:
    """Turn an upload part into the HTML page that says why it is not printed."""
    material = part.upload.material
    html, _landscape = material_html(
        material,
        draft=part.upload.draft,
        placeholder=problem,
        replaced=part.upload.replaced,
    )
    part.html = html
    part.key = html_key(html, assets)
    part.upload = None


def failed_html(part: Part) -> str:
    """The page printed in place of a part WeasyPrint could not render."""
    return render_to_string(
        "print/material.html",
        {
            "material": {"title": part.title, "label": ""},
            "placeholder": _(
                "この部分は印刷用に組版できませんでした。事務局にお知らせください。"
            ),
        },
    )
