"""A table as a file: CSV that Japanese Excel opens (UTF-8 with a BOM, CRLF
rows, formulae guarded), or JSON with the same rows."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from onechamber.spreadsheets import neutralise


def filename(title: str, subject: str, extension: str) -> str:
    """``次第_令和3年度第4回….csv``: what, of what, and the day it was taken."""
    parts = [title, subject, timezone.localdate().strftime("%Y%m%d")]
    name = "_".join(p for p in parts if p)
    for bad in '\\/:*?"<>|\r\n\t':
        name = name.replace(bad, "")
    return f"{name[:120]}.{extension}"


def content_disposition(name: str) -> str:
    """An attachment with the Japanese name (RFC 5987) and an ASCII fallback."""
    ascii_name = name.encode("ascii", "ignore").decode() or "export"
    ascii_name = ascii_name.lstrip("_.") or f"export.{name.rsplit('.', 1)[-1]}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, int):
        return value
    return neutralise(str(value))


def csv_bytes(headings, keys, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([_cell(row.get(k)) for k in keys])
    # The BOM is what makes Excel read UTF-8 rather than Shift_JIS.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(table, subject, rows) -> HttpResponse:
    response = HttpResponse(
        csv_bytes(table.headings, table.keys, rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition(
        filename(str(table.title), subject, "csv")
    )
    response["Cache-Control"] = "private, no-store"
    return response


def json_response(table, subject, rows) -> HttpResponse:
    body = {
        "table": table.name,
        "title": str(table.title),
        "subject": subject,
        "columns": [{"key": k, "label": str(label)} for k, label in table.columns],
        "count": len(rows),
        "rows": [{k: _json(row.get(k)) for k in table.keys} for row in rows],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition(
        filename(str(table.title), subject, "json")
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _json(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)
