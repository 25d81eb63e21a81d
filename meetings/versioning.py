"""The content version: a counter bumped by every write to the portal's data.

The packet is cached under the sha256 of its HTML, which is right but costs a
render of every part's HTML to look up. A download first looks under the
content version instead (meetings/packet.py): while nothing was written, the
packet built at that version is still the packet. This is cache bookkeeping,
not a business rule, which is why it may live in signals: every save, delete
and many-to-many change of a model of these apps bumps the number. Writes that
send no signal (bulk_create, QuerySet.update) call `bump()` themselves.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

TRACKED_APPS = ("meetings", "workitems", "vaccination")
UNTRACKED_MODELS = ("packetpart", "contentversion", "userprofile")
_code: list[str] = []


def current() -> int:
    """The content version now (0 before the first write)."""
    from meetings.models import ContentVersion

    row = ContentVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return row or 0


def bump() -> None:
    """Mark the portal's data as changed."""
    from meetings.models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": 1})


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
    )


def _on_write(sender, **kwargs) -> None:
    if _tracked(sender):
        bump()


def _on_m2m(sender, action, **kwargs) -> None:
    # The sender of m2m_changed is the through model; its app is the app of
    # the model that declares the field.
    if action.startswith("post_") and _tracked(sender):
        bump()


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="onechamber_version_save")
    post_delete.connect(_on_write, dispatch_uid="onechamber_version_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="onechamber_version_m2m")
