"""The snapshot an edition is built from: every item of the packet (次第,
出席者名簿, 配席図, each material) as the HTML to print, the HTML its page
shows, the text to compare, and a digest of what it prints.

The snapshot is taken in one transaction (REPEATABLE READ on PostgreSQL, where
the worker starts it), so a save that lands meanwhile is in all of it or in
none; the rendering afterwards reads only what the snapshot stored. Uploaded
PDFs are copied into the editions storage, so that replacing a material's file
later never changes what was distributed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import reports
from meetings.models import Edition, EditionItem, EditionPart, Material
from meetings.packet import cache, parts
from meetings.packet.parts import Part
from meetings.text import html_lines

FRONT_TITLES = (_("次第"), _("出席者名簿"), _("配席図"))


def storage():
    return storages["editions"]


def folder(edition: Edition) -> str:
    return f"{edition.meeting.headquarters_id}/{edition.meeting_id}/{edition.pk}"


def put(name: str, data: bytes) -> str:
    """Write `data` under exactly `name` in the editions storage (a build run
    again after a kill writes the same names over what it left)."""
    store = storage()
    if store.exists(name):
        store.delete(name)
    saved = store.save(name, ContentFile(data))
    if saved != name:  # pragma: no cover - only if another writer raced us
        raise RuntimeError(f"edition file {name} was stored as {saved}")
    return saved


def read(name: str) -> bytes:
    with storage().open(name, "rb") as f:
        return f.read()


@dataclass
class Item:
    """One item of the packet, as the live data shows it now."""

    role: str
    title: str
    digest: str
    text: str
    html: str = ""
    material: Material | None = None
    label: str = ""
    parts: list[Part] = field(default_factory=list)
    upload: bytes | None = None


def _digest(*pieces: str | bytes) -> str:
    return parts.content_key("item", *pieces)


def live_items(meeting, *, draft: bool) -> list[Item]:
    """The items of `meeting`'s packet from today's data. The digests leave out
    「案」, 「差替」 and the assets, so they change only when what an item says
    changes."""
    assets = parts.asset_version()
    context = reports.meeting_context(meeting)
    plain = parts.front_parts(context, draft=False, assets=assets)
    printed = parts.front_parts(context, draft=True, assets=assets) if draft else plain
    items = [
        Item(
            role=EditionItem.Role.FRONT,
            title=p.title,
            digest=_digest(p.html),
            text="\n".join(html_lines(p.html)),
            parts=[q],
        )
        for p, q in zip(plain, printed, strict=True)
    ]
    for material in context["materials"]:
        items.append(_material_item(material, draft=draft))
    return items


def mark_replaced(meeting, items: list[Item], changed: set, *, draft: bool) -> None:
    """Print the items in `changed` (by `item_key`) with 「差替」."""
    assets = parts.asset_version()
    titles = frozenset(t for role, t in changed if role == EditionItem.Role.FRONT)
    front = {}
    if titles:
        context = reports.meeting_context(meeting)
        front = {
            p.title: p
            for p in parts.front_parts(
                context, draft=draft, assets=assets, replaced=titles
            )
        }
    for item in items:
        if item_key(item) not in changed:
            continue
        if item.role == EditionItem.Role.FRONT:
            item.parts = [front[item.title]]
        elif (
            item.upload is None
            and item.material.file
            and (item.material.content == Material.Content.PDF)
        ):
            item.parts = [
                _placeholder_part(item.material, item.text, draft, True, assets)
            ]
        else:
            item.parts = parts.material_parts(
                item.material, draft=draft, assets=assets, replaced=True
            )


def item_key(item) -> tuple[str, object]:
    """What identifies an item from one edition to the next: a material by its
    record, a front page by its title."""
    if item.role == EditionItem.Role.MATERIAL:
        if isinstance(item, EditionItem):
            return ("material", item.material_id)
        return ("material", item.material.pk)
    return (item.role, item.title)


def _material_item(material: Material, *, draft: bool) -> Item:
    assets = parts.asset_version()
    printed = parts.material_parts(material, draft=draft, assets=assets)
    body, placeholder = parts.material_body(material)
    upload = None
    if material.content == Material.Content.PDF and material.file:
        data, _reader, problem = parts.read_upload(material)
        if problem:
            # Printed as its placeholder page, in this edition and for ever.
            printed = [_placeholder_part(material, problem, draft, False, assets)]
            digest = _digest(material.label, material.title, problem)
            text = problem
        else:
            upload = data
            digest = _digest(
                material.label,
                material.title,
                material.department.name if material.department else "",
                hashlib.sha256(data).hexdigest(),
            )
            text = _("（PDFファイル %(name)s、SHA-256 %(sha)s）") % {
                "name": material.file.name.rsplit("/", 1)[-1],
                "sha": hashlib.sha256(data).hexdigest()[:16],
            }
        page_html = ""
    else:
        plain = (
            parts.material_parts(material, draft=False, assets=assets)
            if draft
            else printed
        )
        digest = _digest(*(p.html for p in plain))
        text = "\n".join(html_lines(body)) if body else placeholder
        # The page shows the body the packet prints (rendered for no reader).
        page_html = str(body)
    return Item(
        role=EditionItem.Role.MATERIAL,
        title=material.title,
        digest=digest,
        text=text,
        html=page_html,
        material=material,
        label=material.label,
        parts=printed,
        upload=upload,
    )


def _placeholder_part(material, problem, draft, marked, assets) -> Part:
    html, _landscape = parts.material_html(
        material, draft=draft, placeholder=problem, replaced=marked
    )
    return parts.html_part(
        html, assets=assets, title=f"{material.label}　{material.title}"
    )


def page_html(meeting) -> str:
    """The meeting page's 次第, 出席者 and 配席図 as they are now."""
    return render_to_string(
        "meetings/_meeting_record.html", reports.meeting_context(meeting)
    )


# --- Taking the snapshot -------------------------------------------------------


def take(edition: Edition, *, previous: Edition | None) -> None:
    """Freeze `edition`'s items and parts from today's data, in one snapshot.

    Items whose digest matches `previous` keep its PDF (nothing to render);
    the others are printed with 「差替」 when `edition` follows a distributed
    edition."""
    with _snapshot_transaction():
        meeting = edition.meeting
        before = {}
        if previous is not None:
            before = {
                item_key(i): i for i in previous.items.exclude(role="replacements")
            }
        items = live_items(meeting, draft=edition.draft)
        changed = set()
        if previous is not None and edition.number:
            changed = {
                item_key(i)
                for i in items
                if (old := before.get(item_key(i))) is None or old.digest != i.digest
            }
            mark_replaced(meeting, items, changed, draft=edition.draft)
        _store(edition, items, before=before, changed=changed)
        edition.page_html = page_html(meeting)
        edition.content_version = edition.content_version or cache.content_version(
            meeting
        )
        edition.snapshot_at = timezone.now()
        edition.save(update_fields=["page_html", "content_version", "snapshot_at"])


def _store(edition: Edition, items: list[Item], *, before, changed) -> None:
    base = folder(edition)
    part_rows = []
    position = 0
    for n, item in enumerate(items, start=1):
        old = before.get(item_key(item))
        reuse = old is not None and item_key(item) not in changed and old.body_name
        row = EditionItem.objects.create(
            edition=edition,
            position=n,
            role=item.role,
            material=item.material,
            series=item.material.series if item.material else "",
            number=getattr(item.material, "number", None) if item.material else None,
            label=item.label,
            title=item.title,
            department=(
                item.material.department.name
                if item.material and item.material.department
                else ""
            ),
            content=item.material.content if item.material else "",
            html=item.html,
            text=item.text,
            digest=item.digest,
            replaced_in=(
                (old.replaced_in if reuse else edition.number)
                if edition.number and edition.number > 1
                else None
            ),
            # Unchanged since the edition before: its pages and file as they were.
            body_name=old.body_name if reuse else "",
            page_count=old.page_count if reuse else 0,
            file_name=old.file_name if reuse else "",
            sha256=old.sha256 if reuse else "",
            size=old.size if reuse else 0,
        )
        if reuse:
            continue
        for part in item.parts:
            position += 1
            upload_name = ""
            if part.upload is not None:
                upload_name = put(f"{base}/src/{position}.pdf", item.upload)
            part_rows.append(
                EditionPart(
                    edition=edition,
                    item=row,
                    position=position,
                    title=part.title,
                    key=part.key,
                    html=part.html,
                    upload_name=upload_name,
                    upload_label=(
                        _upload_mark(part.upload) if part.upload is not None else ""
                    ),
                )
            )
    EditionPart.objects.bulk_create(part_rows)


def _upload_mark(upload: parts.Upload) -> str:
    """How an upload's stamp is recorded: label, draft and 差替 flags."""
    return "|".join(
        [
            upload.label,
            "draft" if upload.draft else "",
            "replaced" if upload.replaced else "",
        ]
    )


class _snapshot_transaction:
    """atomic(), at REPEATABLE READ on PostgreSQL when it starts the transaction
    (SQLite's transactions read one snapshot already)."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        outermost = not connection.in_atomic_block
        self.atomic.__enter__()
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return self

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)
