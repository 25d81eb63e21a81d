"""Cells that a spreadsheet would run as a formula, and the guard that keeps
them text.

Excel (and LibreOffice, Google Sheets) start a formula at a cell whose text
begins with = + - @, and a tab or carriage return at the start hides what
follows; Japanese input also produces the full-width forms. django-import-export's
own setting strips one leading "=" only (and turns every cell into text). An
exported text cell that begins with any of these is prefixed with an
apostrophe, the form spreadsheets keep as text; an imported cell that begins
with apostrophes before one of these characters loses one of them again, so
an exported file imports back unchanged (a cell that already begins with an
apostrophe before one of them gets one more).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.formats import base_formats

FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
GUARD = "'"


def _needs_guard(text: str) -> bool:
    body = text.lstrip(GUARD)
    return bool(body) and body[0] in FORMULA_STARTS


def neutralise(value):
    """`value` as an exported cell: text that would start a formula is guarded."""
    if isinstance(value, str) and _needs_guard(value):
        return GUARD + value
    return value


def restore(value):
    """An imported cell's text with an export's guard taken off again."""
    if isinstance(value, str) and value.startswith(GUARD) and _needs_guard(value):
        return value[1:]
    return value


# ---------------------------------------------------------------------------
# Reading the files people upload (django-import-export's import formats).
#
# Japanese Excel saves CSV in CP932 (Shift_JIS) unless told otherwise, and
# UTF-8 with or without a BOM otherwise; the text is decoded by trying each,
# strictly (a CP932 file is never valid UTF-8 once it holds a kana). A file that
# is not what it claims, or is larger than the settings allow, ends in a
# SpreadsheetError whose message the import page shows.


ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp932", "Shift_JIS（CP932）"))


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message is for the user."""


def limits() -> dict:
    return {
        "bytes": getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024),
        "rows": getattr(settings, "IMPORT_MAX_ROWS", 5000),
        "cell": getattr(settings, "IMPORT_MAX_CELL_CHARS", 2000),
        "columns": getattr(settings, "IMPORT_MAX_COLUMNS", 100),
    }


def _kind_of(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "PDF"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return None


def _check_size(data: bytes) -> None:
    if not data:
        raise SpreadsheetError(_("ファイルが空です。"))
    most = limits()["bytes"]
    if len(data) > most:
        raise SpreadsheetError(
            _(
                "ファイルが大きすぎます（%(size)s KB）。%(most)s KB までのファイルにしてください。"
            )
            % {"size": f"{len(data) // 1024:,}", "most": f"{most // 1024:,}"}
        )


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of an uploaded CSV and the name of its encoding."""
    kind = _kind_of(data)
    if kind == "PDF":
        raise SpreadsheetError(
            _(
                "CSVファイルではありません（PDFのファイルです）。CSVかExcel（.xlsx）のファイルを選んでください。"
            )
        )
    if kind in ("zip", "xls"):
        raise SpreadsheetError(
            _(
                "CSVファイルではありません（Excelのファイルです）。形式に「xlsx」を選んでください。"
            )
        )
    if b"\x00" in data:
        raise SpreadsheetError(
            _(
                "ファイルにNUL文字が含まれています。CSVとして保存し直したファイルを選んでください。"
            )
        )
    for encoding, label in ENCODINGS:
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _(
            "文字コードを判別できません。UTF-8（BOM付きも可）かShift_JIS（CP932）で保存したCSVを選んでください。"
        )
    )


def _check_cells(headers, rows) -> None:
    most = limits()
    if len(headers) > most["columns"]:
        raise SpreadsheetError(
            _("列が多すぎます（%(count)s列）。%(most)s列までにしてください。")
            % {"count": len(headers), "most": most["columns"]}
        )
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            if isinstance(value, str) and len(value) > most["cell"]:
                name = headers[column] if column < len(headers) else column + 1
                raise SpreadsheetError(
                    _(
                        "%(row)s行目「%(column)s」：セルの文字が多すぎます（%(count)s文字）。%(most)s文字までにしてください。"
                    )
                    % {
                        "row": number,
                        "column": name,
                        "count": f"{len(value):,}",
                        "most": f"{most['cell']:,}",
                    }
                )


def _too_many_rows(count: int) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "行が多すぎます（%(count)s行以上）。%(most)s行までに分けて取り込んでください。"
        )
        % {"count": f"{count:,}", "most": f"{limits()['rows']:,}"}
    )


def _dataset(headers, rows) -> tablib.Dataset:
    headers = [("" if h is None else str(h)).strip() for h in headers]
    if not any(headers):
        raise SpreadsheetError(
            _(
                "1行目に見出し（列の名前）がありません。書き出したファイルの1行目をそのまま使ってください。"
            )
        )
    width = len(headers)
    _check_cells(headers, rows)
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        row = list(row)[:width] + [None] * (width - len(row))
        if all(v in (None, "") for v in row):
            continue  # a blank line, as Excel leaves at the end
        dataset.append(row)
    return dataset


class CSV(base_formats.CSV):
    """CSV in UTF-8, UTF-8 with a BOM or CP932, read as bytes and decoded here."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream.encode() if isinstance(in_stream, str) else bytes(in_stream)
        _check_size(data)
        text, _encoding = decode_text(data)
        most = limits()["rows"]
        try:
            reader = csv.reader(io.StringIO(text, newline=""), strict=True)
            rows = []
            headers = next(reader, None)
            for row in reader:
                rows.append(row)
                if len(rows) > most:
                    raise _too_many_rows(len(rows))
        except csv.Error as exc:
            raise SpreadsheetError(
                _(
                    "CSVとして読めません（%(line)s行目）。Excelで「CSV」として保存し直してください。"
                )
                % {"line": reader.line_num}
            ) from exc
        if headers is None:
            raise SpreadsheetError(_("ファイルが空です。"))
        return _dataset(headers, rows)

    def export_data(self, dataset, **kwargs):
        # Excel in Japanese reads a CSV as CP932 unless it starts with a BOM.
        return ("\ufeff" + super().export_data(dataset, **kwargs)).encode("utf-8")


class XLSX(base_formats.XLSX):
    """The first sheet of an .xlsx file, checked before it is opened: a zip
    archive holding a workbook, not larger unpacked than the settings allow
    (openpyxl parses its XML with defusedxml, which refuses entity bombs).
    A formula cell gives the value Excel saved with it; one without a saved
    value is an error, not an empty cell."""

    def create_dataset(self, in_stream, **kwargs):
        import openpyxl

        data = bytes(in_stream)
        _check_size(data)
        if _kind_of(data) != "zip":
            kind = _kind_of(data)
            what = {"PDF": "PDF", "xls": _("古い形式（.xls）")}.get(kind)
            if what:
                raise SpreadsheetError(
                    _(
                        "Excel（.xlsx）のファイルではありません（%(what)sのファイルです）。.xlsx で保存し直してください。"
                    )
                    % {"what": what}
                )
            raise SpreadsheetError(
                _(
                    "Excel（.xlsx）のファイルではありません。CSVなら形式に「csv」を選んでください。"
                )
            )
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
                if "xl/workbook.xml" not in archive.namelist():
                    raise SpreadsheetError(
                        _("Excelのブックが入っていないzipファイルです。")
                    )
        except zipfile.BadZipFile as exc:
            raise SpreadsheetError(
                _(
                    "Excelのファイルが壊れていて開けません。Excelで開いて保存し直してください。"
                )
            ) from exc
        if unpacked > 20 * limits()["bytes"]:
            raise SpreadsheetError(
                _(
                    "Excelのファイルの中身が大きすぎます（展開すると %(size)s MB）。行を分けて取り込んでください。"
                )
                % {"size": f"{unpacked // (1024 * 1024):,}"}
            )
        try:
            values = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True
            )
            formulas = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False
            )
            return self._read(values.active, formulas.active)
        except SpreadsheetError:
            raise
        except Exception as exc:  # openpyxl raises many kinds on a bad file
            raise SpreadsheetError(
                _(
                    "Excelのファイルを読めません（%(reason)s）。Excelで開いて保存し直してください。"
                )
                % {"reason": type(exc).__name__}
            ) from exc

    def export_data(self, dataset, **kwargs):
        """The rows as one sheet: numbers and dates as typed cells (dates shown
        2022/1/20), and text as text cells, never formulas. The resources
        guard formula-like text with an apostrophe for CSV; here it comes off
        again and the cell is written as a string marked quote-prefixed,
        which Excel shows as it stands ("- 議題" stays readable) and never
        runs, not even after the cell is edited."""
        import datetime as dt

        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = (dataset.title or "Sheet1")[:31]
        for column, header in enumerate(dataset.headers or [], start=1):
            cell = sheet.cell(row=1, column=column, value=str(header))
            cell.data_type = "s"
            cell.font = Font(bold=True)
        for number, row in enumerate(dataset, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=number, column=column)
                if isinstance(value, str):
                    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", restore(value))
                    cell.value = text
                    cell.data_type = "s"
                    if _needs_guard(text):
                        # Excel's own mark for "typed as text": it stays text
                        # when someone edits the cell, too.
                        cell.quotePrefix = True
                elif isinstance(value, (dt.date, dt.datetime)):
                    cell.value = value
                    cell.number_format = "yyyy/m/d"
                else:
                    cell.value = value
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def _read(self, sheet, formula_sheet):
        if sheet is None:
            raise SpreadsheetError(_("Excelのファイルにシートがありません。"))
        from openpyxl.utils import get_column_letter

        most = limits()["rows"]
        rows = sheet.iter_rows(values_only=True)
        shown = formula_sheet.iter_rows(values_only=True)
        headers = next(rows, None)
        next(shown, None)
        if headers is None:
            raise SpreadsheetError(_("ファイルが空です。"))
        body = []
        for number, (row, raw) in enumerate(zip(rows, shown, strict=False), start=2):
            row = list(row)
            for column, (value, written) in enumerate(zip(row, raw, strict=False)):
                if (
                    value is None
                    and isinstance(written, str)
                    and written.startswith("=")
                ):
                    raise SpreadsheetError(
                        _(
                            "%(row)s行目 %(column)s列：数式の結果が保存されていません。Excelで開いて保存し直すか、値として貼り付けてください。"
                        )
                        % {"row": number, "column": get_column_letter(column + 1)}
                    )
            body.append(row)
            if len(body) > most:
                raise _too_many_rows(len(body))
        return _dataset(headers, body)


FORMATS = [CSV, XLSX]


# ---------------------------------------------------------------------------
# Cells as people type them.


TRUE_WORDS = frozenset({"はい", "○", "〇", "◯", "1", "true", "yes", "有", "あり"})
FALSE_WORDS = frozenset({"いいえ", "×", "✕", "0", "false", "no", "無", "なし"})


class JapaneseBooleanWidget(widgets.BooleanWidget):
    """はい/いいえ, ○/×, 1/0, TRUE/FALSE (full-width too); anything else is an
    error, not a silent False. An empty cell is `empty` (None: the resource's
    default). Exported as はい / いいえ."""

    def __init__(self, empty=None, **kwargs):
        super().__init__(**kwargs)
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return self.empty
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = unicodedata.normalize("NFKC", str(value)).strip().lower()
        if not text:
            return self.empty
        if text in TRUE_WORDS or str(value).strip() in TRUE_WORDS:
            return True
        if text in FALSE_WORDS or str(value).strip() in FALSE_WORDS:
            return False
        raise ValueError(
            _(
                "「%(value)s」は はい / いいえ（○ / ×、1 / 0、TRUE / FALSE）のどれかで入力してください。"
            )
            % {"value": str(value)[:20]}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return bool(value)
        return _("はい") if value else _("いいえ")


class JapaneseDateWidget(widgets.DateWidget):
    """Dates as people type them: 2021-08-31, 2021/8/31, 令和3年8月31日, R3.8.31,
    full-width digits too, or a date cell of Excel."""

    def clean(self, value, row=None, **kwargs):
        from onechamber.forms import clean_date

        if value in (None, ""):
            return None
        try:
            return clean_date(value)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None


class JapaneseIntegerWidget(widgets.IntegerWidget):
    """Whole numbers, full-width digits too (１２), with a Japanese message."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise ValueError(_("数を入力してください。"))
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise ValueError(
                _(
                    "「%(value)s」は数ではありません。半角か全角の数字で入力してください。"
                )
                % {"value": str(value)[:20]}
            ) from None
        if not number.is_integer():
            raise ValueError(
                _("「%(value)s」：整数を入力してください。") % {"value": text}
            )
        return int(number)
