"""Building a packet or one material as a PDF, from the cache where it can.

A build looks up the finished document by alias, then by the keys of its
parts; failing both, it loads the parts already stored, renders the missing
HTML parts on every core, stamps uploaded PDFs with their label, merges
everything with page numbers and an outline, and stores what was new.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Material, Meeting
from meetings.packet import cache, engine, parts
from meetings.packet.parts import Part

logger = logging.getLogger(__name__)


@dataclass
class BuildResult:
    pdf: bytes
    filename: str
    key: str
    page_count: int
    # Keys of the parts rendered by this build; empty when all came from the cache.
    rendered: list[str] = field(default_factory=list)
    from_cache: bool = False


def build_packet(meeting: Meeting) -> BuildResult:
    """The whole packet of `meeting`, from the cache when nothing changed."""
    draft = parts.is_draft(meeting)
    assets = parts.asset_version()
    filename = _filename(meeting, _("資料一式"), draft=draft)
    alias = cache.alias_key(meeting, "packet", meeting.pk, draft, assets)
    if found := cache.by_alias(alias):
        return _cached(found, filename)
    result = _build(
        parts.packet_parts(meeting, draft=draft, assets=assets),
        title=meeting.name + ("（案）" if draft else ""),
        filename=filename,
        author=_author(meeting),
        assets=assets,
    )
    cache.remember(alias, result.key)
    return result


def build_material(meeting: Meeting, material: Material) -> BuildResult:
    """One material alone (`material` numbered by ``reports.number_materials``)."""
    draft = parts.is_draft(meeting)
    assets = parts.asset_version()
    filename = _filename(meeting, material.label, draft=draft)
    alias = cache.alias_key(
        meeting, "material", material.pk, material.label, draft, assets
    )
    if found := cache.by_alias(alias):
        return _cached(found, filename)
    result = _build(
        parts.material_parts(material, draft=draft, assets=assets),
        title=f"{meeting.name} {material.label}" + ("（案）" if draft else ""),
        filename=filename,
        author=_author(meeting),
        assets=assets,
    )
    cache.remember(alias, result.key)
    return result


def _filename(meeting: Meeting, what: str, *, draft: bool) -> str:
    suffix = "（案）" if draft else ""
    return f"{meeting.fiscal_year_label}{meeting.short_title}_{what}{suffix}.pdf"


def _author(meeting: Meeting) -> str:
    hq = meeting.headquarters
    return hq.secretariat.name if hq.secretariat_id else hq.name


def _cached(stored: cache.Stored, filename: str) -> BuildResult:
    return BuildResult(
        pdf=stored.pdf,
        filename=filename,
        key=stored.key,
        page_count=stored.page_count,
        from_cache=True,
    )


# --- The build, step by step ---------------------------------------------------


@dataclass
class Stamping:
    """An uploaded PDF to stamp: its bytes and one overlay per page size."""

    part: Part
    data: bytes
    overlays: dict[tuple[float, float], Part]


def _build(
    document_parts: list[Part], *, title: str, filename: str, author: str, assets: str
) -> BuildResult:
    now = timezone.now()
    doc_key = parts.document_key(title, document_parts)
    if found := cache.document(doc_key, now=now):
        return _cached(found, filename)
    pdfs = cache.stored_parts(p.key for p in document_parts)
    stampings = _plan_stamps(document_parts, pdfs, assets)
    new_rows, failed = _render_missing(document_parts, stampings, pdfs)
    new_rows.update(_stamp_uploads(stampings, pdfs, assets))
    data, page_count = _assemble(
        document_parts, pdfs, failed, title=title, author=author
    )
    cache.store(
        new_rows,
        None if failed else cache.Stored(doc_key, data, page_count),
        now=now,
        used=[p.key for p in document_parts],
    )
    return BuildResult(
        pdf=data,
        filename=filename,
        key=doc_key,
        page_count=page_count,
        rendered=list(new_rows),
    )


def _plan_stamps(
    document_parts: list[Part], pdfs: dict[str, bytes], assets: str
) -> dict[str, Stamping]:
    """Read the uploads not stamped yet and plan one overlay per page size;
    an upload that cannot be read becomes its placeholder page."""
    stampings = {}
    for part in document_parts:
        if part.upload is None or part.key in pdfs:
            continue
        data, reader, problem = parts.read_upload(part.upload.material)
        if problem:
            parts.use_placeholder(part, problem, assets)
            continue
        overlays = {}
        for page in reader.pages:
            size = engine.rounded(engine.page_size(page))
            if size not in overlays:
                overlays[size] = parts.stamp_overlay(part.upload, size, assets=assets)
        stampings[part.key] = Stamping(part=part, data=data, overlays=overlays)
    return stampings


def _render_missing(
    document_parts: list[Part], stampings: dict[str, Stamping], pdfs: dict[str, bytes]
) -> tuple[dict[str, engine.Rendered], set[str]]:
    """Render every HTML part (overlays included) not stored yet, on every core.

    Adds the PDFs to `pdfs`; returns the new rows to store, and the keys of the
    parts WeasyPrint failed on (printed as a placeholder, stored nowhere).
    """
    overlays = [o for s in stampings.values() for o in s.overlays.values()]
    html_parts = {p.key: p for p in [*document_parts, *overlays] if p.upload is None}
    pdfs.update(cache.stored_parts(key for key in html_parts if key not in pdfs))
    to_render = [p for key, p in html_parts.items() if key not in pdfs]
    new_rows: dict[str, engine.Rendered] = {}
    failed: set[str] = set()
    results = engine.render_many([p.html for p in to_render], parts.roots())
    for part, rendered in zip(to_render, results, strict=True):
        if rendered is None:
            # Cached neither as the part nor in the document: the next build
            # tries again.
            pdfs[part.key] = engine.render_html(
                parts.failed_html(part), parts.roots()
            ).pdf
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
    return new_rows, failed


def _stamp_uploads(
    stampings: dict[str, Stamping],
    pdfs: dict[str, bytes],
    assets: str,
) -> dict[str, engine.Rendered]:
    """Lay the overlays on the uploads' pages; one pypdf cannot rewrite prints
    its placeholder page instead. Adds the PDFs to `pdfs`; returns the new rows."""
    stamped_rows: dict[str, engine.Rendered] = {}
    for key, stamping in stampings.items():
        part = stamping.part
        try:
            stamped = engine.stamp_pages(
                stamping.data,
                {size: pdfs[o.key] for size, o in stamping.overlays.items()},
            )
        except Exception as exc:  # a file pypdf reads but cannot rewrite
            name = part.upload.material.file.name
            logger.exception("stamping uploaded PDF %s", name)
            parts.use_placeholder(
                part,
                parts.unreadable(Path(name).name, exc.__class__.__name__),
                assets,
            )
            if part.key not in pdfs:
                rendered = engine.render_html(part.html, parts.roots())
                pdfs[part.key] = rendered.pdf
                stamped_rows[part.key] = rendered
            continue
        pdfs[key] = stamped.pdf
        stamped_rows[key] = stamped
    return stamped_rows


def _assemble(
    document_parts: list[Part],
    pdfs: dict[str, bytes],
    failed: set[str],
    *,
    title: str,
    author: str,
) -> tuple[bytes, int]:
    """Merge the parts' PDFs in order, numbered, outlined, with metadata."""
    return engine.assemble(
        [
            engine.Piece(
                pdf=pdfs[p.key], title=p.title, key="" if p.key in failed else p.key
            )
            for p in document_parts
        ],
        title=title,
        roots=parts.roots(),
        author=author,
    )
