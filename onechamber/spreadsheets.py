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
