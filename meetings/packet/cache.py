"""The packet's cache in the database (PacketPart): rendered parts and built
documents under their content keys, and aliases that find a document by the
content version it was built at, without rendering any HTML.

Rows nobody used for KEEP_UNUSED are deleted when new ones are stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from meetings import versioning
from meetings.models import Meeting, PacketPart
from meetings.packet import engine
from meetings.packet.parts import content_key

# Cached PDFs nobody used for this long are deleted when new ones are stored.
KEEP_UNUSED = dt.timedelta(days=30)
# used_at is written at most this often per row: reads stay reads.
TOUCH_EVERY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Stored:
    """A built document as the cache holds it."""

    key: str
    pdf: bytes
    page_count: int


def content_version(meeting: Meeting) -> str:
    """The version of the data `meeting`'s documents are built from.

    The one place the packet reads the content version.
    """
    hq = meeting.headquarters_id
    return f"{hq}:{versioning.current(hq)}"


def alias_key(meeting: Meeting, *what) -> str:
    """The alias of a document of `meeting` (`what` says which) at this version."""
    # Read before the HTML is rendered: a write during the build moves the
    # version on, and the next download renders again.
    return content_key(
        "alias",
        content_version(meeting),
        versioning.code_version(),
        *(str(w) for w in what),
    )


def by_alias(alias: str) -> Stored | None:
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
    return Stored(key=key, pdf=bytes(data), page_count=page_count)


def remember(alias: str, document_key: str) -> None:
    """Point `alias` at the stored document `document_key`, if it was stored."""
    if not PacketPart.objects.filter(
        key=document_key, kind=PacketPart.Kind.DOCUMENT
    ).exists():
        return  # a part failed: nothing stored to point at
    PacketPart.objects.bulk_create(
        [PacketPart(key=alias, kind=PacketPart.Kind.ALIAS, document_key=document_key)],
        ignore_conflicts=True,
    )


def document(key: str, *, now: dt.datetime) -> Stored | None:
    """The document stored under `key`, marked as used."""
    cached = (
        PacketPart.objects.filter(key=key)
        .values_list("pdf", "page_count", "used_at")
        .first()
    )
    if cached is None:
        return None
    data, page_count, used_at = cached
    if used_at < now - TOUCH_EVERY:
        PacketPart.objects.filter(key=key).update(used_at=now)
    return Stored(key=key, pdf=bytes(data), page_count=page_count)


def stored_parts(keys) -> dict[str, bytes]:
    """The PDFs stored under `keys`, by key (the keys not stored are left out)."""
    keys = list(keys)
    if not keys:
        return {}
    return {
        key: bytes(value)
        for key, value in PacketPart.objects.filter(key__in=keys).values_list(
            "key", "pdf"
        )
    }


def store(
    rows: dict[str, engine.Rendered],
    document: Stored | None,
    *,
    now: dt.datetime,
    used: list[str],
) -> None:
    """Store new parts (and the document), mark `used` as used, prune the rest."""
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
        objs.append(
            PacketPart(
                key=document.key,
                kind=PacketPart.Kind.DOCUMENT,
                pdf=document.pdf,
                page_count=document.page_count,
                used_at=now,
            )
        )
    with transaction.atomic():
        PacketPart.objects.bulk_create(objs, ignore_conflicts=True)
        touch_and_prune(used, now=now)


def touch_and_prune(used, *, now: dt.datetime) -> None:
    """Mark the rows under `used` as used now; delete those unused for
    KEEP_UNUSED."""
    PacketPart.objects.filter(key__in=list(used), used_at__lt=now - TOUCH_EVERY).update(
        used_at=now
    )
    PacketPart.objects.filter(used_at__lt=now - KEEP_UNUSED).delete()
