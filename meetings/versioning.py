"""The content version: a counter per headquarters that every write to its data
moves on.

The packet is cached under the sha256 of its HTML, which is right but costs a
render of every part's HTML to look up. A download first looks under the
content version instead (see the packet's cache): while nothing of the
headquarters was written, the packet built at that version is still the packet.

This is cache bookkeeping, not a business rule, which is why it lives in
signals. Nothing depends on a writer remembering to call it: saves, deletes and
many-to-many changes send Django's model signals, and the bulk writes that send
none (QuerySet.update, delete, bulk_create, bulk_update) send
`onechamber.tenancy.data_changed` from the QuerySet every model uses. Each
write moves only its own headquarters' number, so one headquarters' edits never
invalidate another's packets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_save, pre_delete

from meetings.models import ContentVersion
from onechamber.tenancy import data_changed, headquarters_id_of, headquarters_path

TRACKED_APPS = ("meetings", "workitems", "vaccination")
UNTRACKED_MODELS = (
    "packetpart",
    "contentversion",
    "userprofile",
    "edition",
    "editionitem",
    "editionpart",
    "editiondownload",
    # The steps of a material's 提出 print nothing (the material itself does).
    "submission",
)
_code: list[str] = []


def current(headquarters_id: int) -> int:
    """The content version of a headquarters now (0 before its first write)."""
    row = (
        ContentVersion.objects.filter(headquarters_id=headquarters_id)
        .values_list("number", flat=True)
        .first()
    )
    return row or 0


def bump(headquarters_ids: Iterable[int]) -> None:
    """Mark the data of these headquarters as changed."""
    for pk in sorted(set(headquarters_ids)):
        if ContentVersion.objects.filter(headquarters_id=pk).update(
            number=F("number") + 1
        ):
            continue
        try:
            with transaction.atomic():
                ContentVersion.objects.create(headquarters_id=pk, number=1)
        except IntegrityError:  # created meanwhile by another write
            ContentVersion.objects.filter(headquarters_id=pk).update(
                number=F("number") + 1
            )


def code_version() -> str:
    """A digest of the templates and code that make the HTML, taken once a
    process: a deployment restarts the processes and so changes it."""
    if not _code:
        digest = hashlib.sha256()
        base = Path(settings.BASE_DIR)
        for folder in ("templates", *TRACKED_APPS, "onechamber"):
            for path in sorted((base / folder).rglob("*")):
                if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                    stat = path.stat()
                    digest.update(
                        f"{path} {stat.st_mtime_ns} {stat.st_size}\n".encode()
                    )
        _code.append(digest.hexdigest())
    return _code[0]


def _tracked(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return bool(
        meta
        and meta.app_label in TRACKED_APPS
        and meta.model_name not in UNTRACKED_MODELS
        and headquarters_path(sender) is not None
    )


def _on_write(sender, instance, signal=None, **kwargs) -> None:
    if not _tracked(sender):
        return
    if kwargs.get("raw"):
        # loaddata: the rows a record points through may not be there yet, so
        # its headquarters cannot be followed; move every headquarters on.
        ContentVersion.objects.update(number=F("number") + 1)
        return
    if signal is pre_delete and headquarters_path(sender) == "pk":
        return  # a headquarters being deleted takes its version with it
    pk = headquarters_id_of(instance)
    if pk is not None:
        bump([pk])


def _on_m2m(sender, instance, action, **kwargs) -> None:
    # The sender of m2m_changed is the through model; the instance is the
    # record on the side the change was made from.
    if action.startswith("post_") and _tracked(type(instance)):
        pk = headquarters_id_of(instance)
        if pk is not None:
            bump([pk])


def _on_bulk(sender, headquarters_ids, **kwargs) -> None:
    if _tracked(sender):
        bump(headquarters_ids)


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="onechamber_version_save")
    # Before the delete, while the path to the headquarters still exists.
    pre_delete.connect(_on_write, dispatch_uid="onechamber_version_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="onechamber_version_m2m")
    data_changed.connect(_on_bulk, dispatch_uid="onechamber_version_bulk")
