"""A file chosen for upload is kept across a failed save.

A browser never fills a file input again: when a form comes back with an error
elsewhere (a title left empty, an attendee's seat taken twice), the PDF the user
had chosen would be lost and must be chosen again. Instead, a file that passed
its own checks is put aside in the storage under ``pending/`` and the form
carries a signed key to it; the next save of the same form takes it from there.

The key is signed (nobody can point it at another stored file), names the user
who chose the file, and lasts a day; files put aside longer ago are removed when
another file is put aside.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from pathlib import PurePosixPath

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.forms import ClearableFileInput
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SALT = "onechamber.pending-upload"
FOLDER = "pending"
MAX_AGE = dt.timedelta(days=1)


def put_aside(upload, user_id) -> str:
    """Store `upload` under pending/ and return the signed key to it."""
    original = PurePosixPath(upload.name or "file").name[:120]
    upload.seek(0)
    stored = default_storage.save(
        f"{FOLDER}/{secrets.token_hex(16)}", ContentFile(upload.read())
    )
    upload.seek(0)
    _remove_stale()
    return signing.dumps([stored, original, user_id], salt=SALT, compress=True)


def take(key: str, user_id):
    """The file a key names, as an upload named as the user's file was, or
    None where the key is not valid, not this user's, too old or its file gone."""
    try:
        stored, original, owner = signing.loads(
            key, salt=SALT, max_age=MAX_AGE.total_seconds()
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if owner != user_id or not str(stored).startswith(f"{FOLDER}/"):
        return None
    try:
        with default_storage.open(stored, "rb") as stream:
            data = stream.read()
    except OSError:
        return None
    # Taken back: the form stores its own copy, or puts it aside again.
    default_storage.delete(stored)
    return ContentFile(data, name=original)


def original_name(key: str) -> str:
    """The user's name of the file a key names ('' if the key is not valid)."""
    try:
        return signing.loads(key, salt=SALT, max_age=MAX_AGE.total_seconds())[1]
    except (signing.BadSignature, ValueError, TypeError, IndexError):
        return ""


def _remove_stale() -> None:
    try:
        _, names = default_storage.listdir(FOLDER)
    except (OSError, NotImplementedError):
        return
    limit = timezone.now() - MAX_AGE
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            logger.warning("could not remove the pending upload %s", path)


class KeepingFileInput(ClearableFileInput):
    """A file input that names the file put aside after a failed save and sends
    its key back with the next save (``<name>-pending``)."""

    pending_key = ""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.pending_key:
            return html
        return format_html(
            '{}<input type="hidden" name="{}-pending" value="{}">'
            '<p class="pending-file">{}</p>',
            html,
            name,
            self.pending_key,
            _("選んだファイル「%(name)s」は、保存すると登録されます。")
            % {"name": original_name(self.pending_key)},
        )


class KeepUploadMixin:
    """For a ModelForm: keep what the user chose in `keep_upload_field` across a
    failed save (see the module's docstring). The admin sets `upload_user_id`."""

    keep_upload_field = "file"
    upload_user_id = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.keep_upload_field)
        if field is not None and isinstance(field.widget, ClearableFileInput):
            field.widget = KeepingFileInput(attrs=field.widget.attrs)
        self._fresh_upload = None

    def _pending_key(self) -> str:
        return self.data.get(f"{self.add_prefix(self.keep_upload_field)}-pending", "")

    def keep_upload(self, upload, *, fresh: bool = False):
        """Called with the field's cleaned value (`fresh`: a file just chosen
        and checked): a fresh upload is remembered (and put aside only if the
        form is shown again); with no new file, the one put aside by the last
        failed save is taken back."""
        if fresh:
            self._fresh_upload = upload
            return upload
        if upload is False:  # 「クリア」 ticked
            return upload
        key = self._pending_key()
        if key and self.upload_user_id is not None:
            kept = take(key, self.upload_user_id)
            if kept is not None:
                self._fresh_upload = kept
                return kept
        return upload

    def __getitem__(self, name):
        if name == self.keep_upload_field and self.is_bound:
            self._show_pending()
        return super().__getitem__(name)

    def _show_pending(self) -> None:
        widget = self.fields[self.keep_upload_field].widget
        if not isinstance(widget, KeepingFileInput) or widget.pending_key:
            return
        if self._fresh_upload is not None and self.upload_user_id is not None:
            # The form is shown again: the save failed. Put the file aside.
            widget.pending_key = put_aside(self._fresh_upload, self.upload_user_id)
