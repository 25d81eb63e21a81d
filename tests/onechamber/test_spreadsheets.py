"""Exported cells never run as a formula, and the guard comes off on import."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import tablib
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from meetings.models import Person
from meetings.resources import PersonResource
from onechamber.spreadsheets import FORMULA_STARTS, neutralise, restore
from tests import factories

PAYLOADS = [
    '=HYPERLINK("http://example.com","x")',
    "==1+1",
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-2+3",
    "\t=1",
    "\r=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "'=already guarded",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_cell_is_kept_as_text(payload):
    guarded = neutralise(payload)
    assert guarded[0] not in FORMULA_STARTS
    assert guarded.startswith("'")
    assert restore(guarded) == payload


def test_plain_text_numbers_and_empty_cells_pass_unchanged():
    for value in ("議題", "'引用", "", 12, 3.5, None):
        assert neutralise(value) == value
        assert restore(value) == value
    # A legitimate bullet stays readable: one apostrophe before it.
    assert neutralise("- 議題") == "'- 議題"


@given(st.text())
def test_the_guard_round_trips_any_text(text):
    assert restore(neutralise(text)) == text
    out = neutralise(text)
    assert not out or out[0] not in FORMULA_STARTS


@pytest.fixture
def people(db):
    for payload in [*PAYLOADS, "- 議題", "藤井 裕久"]:
        Person.objects.create(
            headquarters=factories.make_headquarters(), name=payload, kana=payload
        )
    return sorted(Person.objects.values_list("name", "kana"))


def _export(client, file_format: str) -> bytes:
    url = reverse("admin:meetings_person_export")
    form = client.get(url).context["form"]
    data = {
        name: "on" if field.initial is True else field.initial
        for name, field in form.fields.items()
        if field.initial not in (None, False)
    }
    data["format"] = next(
        str(value)
        for value, label in form.fields["format"].choices
        if label == file_format
    )
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content


def test_the_csv_export_holds_no_formula(client, people, secretariat_user):
    client.force_login(secretariat_user)
    text = _export(client, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    cells = [cell for row in rows for cell in row]
    assert len(rows) == len(people)
    assert all(not cell or cell[0] not in FORMULA_STARTS for cell in cells)
    assert "'- 議題" in cells and "藤井 裕久" in cells


def test_the_xlsx_export_holds_no_formula(client, people, secretariat_user):
    client.force_login(secretariat_user)
    book = openpyxl.load_workbook(io.BytesIO(_export(client, "xlsx")))
    cells = [cell for row in book.active.iter_rows(min_row=2) for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    # Formula-like text is a text cell marked "typed as text" (quote prefix),
    # shown as typed.
    risky = [c for c in cells if c.value and str(c.value)[0] in FORMULA_STARTS]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_an_exported_file_imports_back_unchanged(people):
    hq = factories.make_headquarters()
    exported = PersonResource(headquarters=hq).export()
    Person.objects.update(kana="")
    dataset = tablib.Dataset().load(exported.csv, format="csv")
    result = PersonResource(headquarters=hq).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert sorted(Person.objects.values_list("name", "kana")) == people
