"""Building an edition's files from its snapshot, in a worker.

Every part is kept in the part cache the moment it is rendered, so a build
killed half-way and run again renders only what it had not finished; the
edition's files are written under fixed names and the edition is marked ready
in one transaction at the end, so a reader never sees half an edition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import signing
from meetings.models import Edition, EditionItem, EditionPart, Meeting, PacketPart
from meetings.packet import cache, engine, parts, snapshot

logger = logging.getLogger(__name__)


# --- A build, as the worker's task runs it -------------------------------------


def is_stalled(edition: Edition, *, now: dt.datetime | None = None) -> bool:
    """A build whose worker stopped reporting (it was killed)."""
    if edition.state not in (Edition.State.QUEUED, Edition.State.BUILDING):
        return False
    seen = edition.heartbeat_at or edition.created_at
    limit = dt.timedelta(seconds=settings.EDITION_STALE_SECONDS)
    return seen < (now or timezone.now()) - limit


def run_build(edition_id: int) -> str:
    """Build edition `edition_id` (the worker's task): from its snapshot, taking
    one first; resuming from the parts already rendered after a kill."""
    now = timezone.now()
    with transaction.atomic():
        edition = (
            Edition.objects.select_for_update(of=("self",))
            .select_related("meeting__headquarters__secretariat")
            .filter(pk=edition_id)
            .first()
        )
        if edition is None:
            return "gone"
        if edition.state == Edition.State.READY:
            return "ready"
        if edition.state == Edition.State.BUILDING and not is_stalled(edition, now=now):
            return "building elsewhere"
        edition.state = Edition.State.BUILDING
        edition.error = ""
        edition.heartbeat_at = now
        edition.save(update_fields=["state", "error", "heartbeat_at"])
    try:
        if not edition.items.exists():
            snapshot.take(edition, previous=_previous(edition))
        build(edition)
    except Exception as exc:
        logger.exception("building %s", edition)
        message = (
            str(exc)
            if isinstance(exc, BuildFailed)
            else _("作成中にエラーが発生しました（%(kind)s: %(detail)s）。")
            % {"kind": type(exc).__name__, "detail": str(exc)[:300]}
        )
        Edition.objects.filter(pk=edition.pk).update(
            state=Edition.State.FAILED, error=message, heartbeat_at=timezone.now()
        )
        return "failed"
    _prune_previews(edition)
    return "ready"


def _previous(edition: Edition) -> Edition | None:
    if not edition.number:
        return None
    return (
        Edition.objects.filter(
            meeting_id=edition.meeting_id,
            number__lt=edition.number,
            state=Edition.State.READY,
        )
        .order_by("-number")
        .first()
    )


def _prune_previews(edition: Edition) -> None:
    """Delete the meeting's older previews and their files."""
    older = Edition.objects.filter(
        meeting_id=edition.meeting_id, number=None, pk__lt=edition.pk
    ).exclude(state=Edition.State.BUILDING)
    if edition.number:
        older = Edition.objects.filter(meeting_id=edition.meeting_id, number=None)
    for stale in older:
        remove_files(stale)
        stale.delete()


def discard_previews(meeting: Meeting) -> None:
    """Delete the previews of `meeting` and their files."""
    for stale in Edition.objects.filter(meeting=meeting, number=None):
        remove_files(stale)
        stale.delete()


def remove_files(edition: Edition) -> None:
    """The files of a preview (a distributed edition's are kept for ever)."""
    if edition.number:
        raise ValueError("a distributed edition's files are kept")
    store = snapshot.storage()
    folder = snapshot.folder(edition)
    for name in [edition.file_name, *edition.items.values_list("file_name", flat=True)]:
        if name and name.startswith(folder) and store.exists(name):
            store.delete(name)
    for name in edition.items.values_list("body_name", flat=True):
        if name and name.startswith(folder) and store.exists(name):
            store.delete(name)
    for name in edition.parts.exclude(upload_name="").values_list(
        "upload_name", flat=True
    ):
        if store.exists(name):
            store.delete(name)


class BuildFailed(Exception):
    """A part of the edition cannot be printed; the message says which."""


def build(edition: Edition) -> None:
    """Render, merge and store `edition`'s files; mark it ready."""
    meeting = edition.meeting
    roots = parts.roots()
    rows = list(edition.parts.select_related("item").order_by("position"))
    pdfs = cache.stored_parts({r.key for r in rows})
    _progress(edition, done=sum(r.key in pdfs for r in rows), total=len(rows))
    for row in rows:
        if row.upload_name and row.key not in pdfs:
            pdfs[row.key] = _stamp(row, roots)
            with transaction.atomic():  # stored and counted together
                _keep(row.key, pdfs[row.key])
                _progress(edition, done=F("progress_done") + 1, rendered=1)
    todo = [r for r in rows if not r.upload_name and r.key not in pdfs]
    todo = list({r.key: r for r in todo}.values())
    for i, rendered in engine.render_each([r.html for r in todo], roots):
        row = todo[i]
        if rendered is None:
            raise BuildFailed(
                _("「%(title)s」を組版できませんでした。内容を確認してください。")
                % {"title": row.item.title}
            )
        pdfs[row.key] = rendered.pdf
        with transaction.atomic():  # stored and counted together
            _keep(row.key, rendered.pdf, rendered.page_count)
            _progress(edition, done=F("progress_done") + 1, rendered=1)
    _assemble(edition, meeting, rows, pdfs, roots)


def _progress(edition: Edition, *, done=None, total=None, rendered=0) -> None:
    changes = {"heartbeat_at": timezone.now()}
    if done is not None:
        changes["progress_done"] = done
    if total is not None:
        changes["progress_total"] = total
    if rendered:
        changes["rendered_count"] = F("rendered_count") + rendered
    Edition.objects.filter(pk=edition.pk).update(**changes)


def _keep(key: str, pdf: bytes, page_count: int = 0) -> None:
    """Store one rendered part at once: the point a killed build resumes from."""
    PacketPart.objects.bulk_create(
        [PacketPart(key=key, pdf=pdf, page_count=page_count)], ignore_conflicts=True
    )


def _stamp(row: EditionPart, roots) -> bytes:
    """The uploaded PDF of `row` with its label (and 「案」, 「差替」) on each page."""
    label, draft, replaced = row.upload_label.split("|")
    upload = parts.Upload(
        material=None, label=label, draft=bool(draft), replaced=bool(replaced)
    )
    data = snapshot.read(row.upload_name)
    reader = engine.read_pdf(data, max_pages=settings.PDF_MAX_PAGES)
    assets = parts.asset_version()
    overlays = {}
    for page in reader.pages:
        size = engine.rounded(engine.page_size(page))
        if size not in overlays:
            overlay = parts.stamp_overlay(upload, size, assets=assets)
            found = cache.stored_parts([overlay.key]).get(overlay.key)
            if found is None:
                found = engine.render_html(overlay.html, roots).pdf
                _keep(overlay.key, found)
            overlays[size] = found
    try:
        return engine.stamp_pages(data, overlays).pdf
    except Exception as exc:  # a file pypdf reads but cannot rewrite
        logger.exception("stamping uploaded PDF %s", row.upload_name)
        raise BuildFailed(
            _("「%(title)s」のPDFファイルに資料番号を付けられませんでした（%(why)s）。")
            % {"title": row.item.title, "why": exc.__class__.__name__}
        ) from exc


def _assemble(edition, meeting, rows, pdfs, roots) -> None:
    base = snapshot.folder(edition)
    items = list(edition.items.exclude(role=EditionItem.Role.REPLACEMENTS))
    by_item: dict[int, list[bytes]] = {}
    for row in rows:
        by_item.setdefault(row.item_id, []).append(pdfs[row.key])
    bodies = {}
    for item in items:
        if item.pk in by_item:
            body, item.page_count = engine.merge(by_item[item.pk])
            item.body_name = snapshot.put(
                f"{base}/items/{item.position}-body.pdf", body
            )
        else:  # unchanged since the edition before: its pages as they were
            body = snapshot.read(item.body_name)
        bodies[item.pk] = body
    author = (
        meeting.headquarters.secretariat.name
        if (meeting.headquarters.secretariat_id)
        else meeting.headquarters.name
    )
    title = meeting.name + ("（案）" if edition.draft else "")
    pieces, replacements = _pieces(edition, meeting, items, bodies, roots)
    packet, page_count = engine.assemble(
        pieces, title=title, roots=roots, author=author
    )
    packet = _finish(packet, edition=edition)
    for item in items:
        if item.role != EditionItem.Role.MATERIAL or (item.file_name and item.sha256):
            continue  # unchanged: the file of the edition before
        data, _count = engine.assemble(
            [engine.Piece(pdf=bodies[item.pk], title=_outline(item))],
            title=f"{title} {item.label}",
            roots=roots,
            author=author,
        )
        data = _finish(data, edition=edition)
        item.file_name = snapshot.put(f"{base}/items/{item.position}.pdf", data)
        item.sha256 = hashlib.sha256(data).hexdigest()
        item.size = len(data)
    name = snapshot.put(f"{base}/packet.pdf", packet)
    now = timezone.now()
    with transaction.atomic():
        if replacements is not None:
            replacements.save()
        EditionItem.objects.bulk_update(
            items,
            ["page_count", "first_page", "body_name", "file_name", "sha256", "size"],
        )
        edition.file_name = name
        edition.sha256 = hashlib.sha256(packet).hexdigest()
        edition.size = len(packet)
        edition.page_count = page_count
        edition.signed = bool(edition.number) and signing_configured()
        edition.state = Edition.State.READY
        edition.error = ""
        edition.heartbeat_at = now
        edition.distributed_at = now
        edition.progress_done = edition.progress_total = len(rows)
        # Not rendered_count: the build counted it in the database as it went.
        edition.save(
            update_fields=[
                "file_name",
                "sha256",
                "size",
                "page_count",
                "signed",
                "state",
                "error",
                "heartbeat_at",
                "distributed_at",
                "progress_done",
                "progress_total",
            ]
        )
        # The rendered parts stay cached (for the next edition's unchanged
        # parts and previews) until nobody used them for a while.
        cache.touch_and_prune({r.key for r in rows}, now=now)
        edition.rendered_count = (
            Edition.objects.filter(pk=edition.pk)
            .values_list("rendered_count", flat=True)
            .get()
        )


def _outline(item: EditionItem) -> str:
    return f"{item.label}　{item.title}" if item.label else item.title


def _pieces(edition, meeting, items, bodies, roots):
    """The pieces of the packet in order, with each item's first page set; for
    a 差し替え, the 差し替え一覧 page in front."""
    if not edition.number or edition.number < 2:
        _number_pages(items, start=1)
        return [
            engine.Piece(
                pdf=bodies[i.pk], title=_outline(i), key=_piece_key(bodies[i.pk])
            )
            for i in items
        ], None
    guess = 1
    for _attempt in range(3):
        _number_pages(items, start=guess + 1)
        html = _replacements_html(edition, meeting, items)
        rendered = engine.render_html(html, roots)
        if rendered.page_count == guess:
            break
        guess = rendered.page_count
    replacements = EditionItem(
        edition=edition,
        position=0,
        role=EditionItem.Role.REPLACEMENTS,
        title=_("差し替え一覧"),
        text="\n".join(_replacement_lines(edition, items)),
        digest="",
        first_page=1,
        page_count=rendered.page_count,
    )
    EditionItem.objects.filter(edition=edition, position=0).delete()
    pieces = [engine.Piece(pdf=rendered.pdf, title=replacements.title)]
    pieces += [
        engine.Piece(pdf=bodies[i.pk], title=_outline(i), key=_piece_key(bodies[i.pk]))
        for i in items
    ]
    return pieces, replacements


def _piece_key(body: bytes) -> str:
    """Names the body's bytes, for the merge's cache of parsed parts."""
    return hashlib.sha256(body).hexdigest()


def _number_pages(items, *, start: int) -> None:
    page = start
    for item in items:
        item.first_page = page
        page += item.page_count


def replacement_history(edition, items) -> list[dict]:
    """Each 差し替え up to `edition`: its label, date, note, and the items it
    replaced with their pages in `edition` (where they still are)."""
    earlier = list(
        Edition.objects.filter(
            meeting=edition.meeting,
            number__gte=2,
            number__lt=edition.number,
            state=Edition.State.READY,
        ).order_by("number")
    )
    history = []
    for each in [*earlier, edition]:
        when = each.distributed_at or timezone.now()
        changed = [i for i in items if i.replaced_in == each.number]
        history.append({"edition": each, "when": when, "items": changed})
    return history


def _replacement_lines(edition, items) -> list[str]:
    return [
        f"{h['edition'].label} "
        + "、".join(f"{i.label or i.title}" for i in h["items"])
        for h in replacement_history(edition, items)
    ]


def _replacements_html(edition, meeting, items) -> str:
    first = Edition.objects.filter(meeting=meeting, number=1).first()
    return render_to_string(
        "print/replacements.html",
        {
            "meeting": meeting,
            "edition": edition,
            "first": first,
            "history": replacement_history(edition, items),
            "draft": edition.draft,
            "label": "",
        },
    )


def signing_configured() -> bool:
    return signing.configured()


def _finish(data: bytes, *, edition: Edition) -> bytes:
    """The file as distributed: signed (PAdES) where the prefecture configured a
    certificate; previews are never signed."""
    if not edition.number or not signing.configured():
        return data
    hq = edition.meeting.headquarters
    return signing.sign_pdf(
        data,
        reason=_("%(hq)s 配付資料 %(label)s") % {"hq": hq.name, "label": edition.label},
        location=hq.name,
    )
