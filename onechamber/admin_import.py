"""The admin's import pages (django-import-export) as the secretariat needs them.

- Files are read by onechamber.spreadsheets' formats (CSV in UTF-8 or CP932,
  .xlsx); a file that cannot be read gets that module's Japanese message on
  the form, not the library's "UnicodeDecodeError encountered…".
- All or nothing: the preview and the confirm step both import in a
  transaction rolled back on any row's error (the resources set
  rollback_on_validation_errors); a confirm step that meets an error (the
  data changed since the preview) saves nothing and says so.
- The uploaded file is kept between preview and confirm in a folder of its
  own under the system's temporary directory (ImportFileStorage), removed
  when the import ends either way, and files left by a preview nobody
  confirmed are swept after IMPORT_TMP_MAX_AGE seconds.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.results import RowResult
from import_export.tmp_storages import BaseStorage

from onechamber.spreadsheets import FORMATS, XLSX, SpreadsheetError

NAME = re.compile(r"^[0-9a-f]{32}$")


def import_folder() -> str:
    folder = getattr(settings, "IMPORT_TMP_DIR", None) or os.path.join(
        tempfile.gettempdir(), "onechamber-import"
    )
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def sweep(max_age: float | None = None) -> int:
    """Remove kept files older than `max_age` seconds; how many went."""
    if max_age is None:
        max_age = getattr(settings, "IMPORT_TMP_MAX_AGE", 3600)
    folder = import_folder()
    limit = time.time() - max_age
    removed = 0
    for entry in os.scandir(folder):
        if entry.is_file() and NAME.match(entry.name) and entry.stat().st_mtime < limit:
            try:
                os.remove(entry.path)
                removed += 1
            except FileNotFoundError:
                pass
    return removed


class ImportFileStorage(BaseStorage):
    """An uploaded file between preview and confirm, as bytes, under a random
    name that the confirm form posts back (any other name is refused, so a
    tampered form cannot read another file)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.name is not None and not NAME.match(str(self.name)):
            raise SpreadsheetError(
                _(
                    "取り込むファイルが見つかりません。もう一度ファイルを選んでください。"
                )
            )

    def _path(self) -> str:
        return os.path.join(import_folder(), self.name)

    def save(self, data):
        sweep()
        if self.name is None:
            self.name = uuid.uuid4().hex
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(self._path(), "wb") as file:
            file.write(data)

    def read(self):
        try:
            with open(self._path(), "rb") as file:
                return file.read()
        except FileNotFoundError:
            raise SpreadsheetError(
                _(
                    "取り込むファイルの有効期限が切れました。もう一度ファイルを選んでください。"
                )
            ) from None

    def remove(self):
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path())


class SpreadsheetImportMixin:
    """For every ModelAdmin with django-import-export's import and export: see
    the module. Exports to .xlsx keep numbers, dates and yes/no as typed cells."""

    tmp_storage_class = ImportFileStorage
    formats = FORMATS

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        kwargs.pop("encoding", None)
        data = self.get_data_for_export(
            request,
            queryset,
            force_native_type=isinstance(file_format, XLSX),
            **kwargs,
        )
        return file_format.export_data(data)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                _(
                    "ファイルを表として読めません。形式（csv / xlsx）が合っているか確かめてください。"
                ),
            )

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        # A preview that cannot be confirmed keeps no file.
        if (
            request.method == "POST"
            and form is not None
            and "confirm_form" not in context
        ):
            # The library names the kept file on the upload itself.
            name = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
            if name:
                ImportFileStorage(name=name).remove()
        return response

    def _import_page(self):
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
        )

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except SpreadsheetError as exc:
            name = request.POST.get("import_file_name", "")
            if NAME.match(name):
                ImportFileStorage(name=name).remove()
            messages.error(request, str(exc))
            return self._import_page()

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Rolled back: nothing of the file was saved.
            lines = []
            for row in result.invalid_rows[:5]:
                for field, errors in row.field_specific_errors.items():
                    lines.append(
                        _("%(row)s行目「%(field)s」：%(error)s")
                        % {
                            "row": row.number + 1,
                            "field": field,
                            "error": " ".join(errors),
                        }
                    )
                for error in row.non_field_specific_errors:
                    lines.append(
                        _("%(row)s行目：%(error)s")
                        % {"row": row.number + 1, "error": error}
                    )
            for number, errors in result.row_errors()[:5]:
                for error in errors:
                    lines.append(
                        _("%(row)s行目：%(error)s")
                        % {"row": number + 1, "error": error.error}
                    )
            messages.error(
                request,
                _("取り込みを中止しました。1件も保存していません。")
                + " ".join(lines[:5]),
            )
            return self._import_page()
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _(
                "取り込みました：追加 %(new)s件、更新 %(update)s件、変更なし %(skip)s件（%(model)s）。"
            )
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
                "model": self.model._meta.verbose_name_plural,
            },
        )
