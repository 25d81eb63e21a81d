"""The admin's imports read the files the secretariat has (CSV in CP932,
UTF-8 with or without BOM, .xlsx), save all rows or none, on the preview and
on the confirm step, answer every malformed file with a message, never a
server error, and leave no uploaded file behind; exports open in Japanese
Excel with no cell run as a formula."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Attendance
from onechamber import admin_import
from onechamber.spreadsheets import JapaneseBooleanWidget
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = ["会議ID", "区分", "順番", "職名", "氏名", "出席の形", "席の位置", "席順"]
IMPORT = "admin:meetings_attendance_import"
CONFIRM = "admin:meetings_attendance_process_import"


@pytest.fixture(autouse=True)
def own_import_folder(tmp_path, settings):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def meeting():
    return factories.make_meeting(number=9, published=True)


@pytest.fixture
def staff(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def _rows(meeting, names=("藤井 裕久", "夏野 修", "新田 八朗")):
    return [
        [meeting.pk, "市町村等", i, f"{name}の職", name, "出席", "左側", i]
        for i, name in enumerate(names, start=1)
    ]


def _csv(rows, encoding="cp932", headers=HEADERS) -> bytes:
    lines = [",".join(headers)] + [",".join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post(client, data: bytes, name="出席者.csv", fmt="0"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(
        reverse(IMPORT), {"format": fmt, "resource": "0", "import_file": upload}
    )


def _confirm(client, response):
    return client.post(reverse(CONFIRM), dict(response.context["confirm_form"].initial))


def _form_errors(response) -> str:
    return " ".join(response.context["form"].errors.get("import_file", []))


def _kept(folder) -> list[str]:
    return os.listdir(folder) if folder.exists() else []


@pytest.mark.parametrize(
    "encoding", ["cp932", "utf-8", "utf-8-sig"], ids=["CP932", "UTF-8", "UTF-8 BOM"]
)
def test_a_csv_in_each_encoding_imports_the_same_rows(
    staff, meeting, encoding, own_import_folder
):
    response = _post(staff, _csv(_rows(meeting), encoding))
    assert response.status_code == 200
    assert "confirm_form" in response.context, _form_errors(response)
    assert not meeting.attendances.exists()  # the preview saves nothing
    _confirm(staff, response)
    assert list(
        meeting.attendances.order_by("order").values_list("name", flat=True)
    ) == ["藤井 裕久", "夏野 修", "新田 八朗"]
    assert _kept(own_import_folder) == []


def test_an_xlsx_imports_and_the_same_file_twice_changes_nothing(staff, meeting):
    data = _xlsx(_rows(meeting))
    _confirm(staff, _post(staff, data, "出席者.xlsx", fmt="1"))
    assert meeting.attendances.count() == 3
    ids = sorted(meeting.attendances.values_list("pk", flat=True))
    again = _post(staff, data, "出席者.xlsx", fmt="1")
    totals = again.context["result"].totals
    assert totals["new"] == 0 and totals["update"] == 0 and totals["skip"] == 3
    _confirm(staff, again)
    assert sorted(meeting.attendances.values_list("pk", flat=True)) == ids


@pytest.mark.parametrize("bad_row", [0, 1, 2], ids=["first", "middle", "last"])
def test_one_bad_row_saves_nothing_on_preview_or_confirm(staff, meeting, bad_row):
    rows = _rows(meeting)
    rows[bad_row][5] = "遅刻"  # not a 出席の形
    response = _post(staff, _csv(rows))
    assert "confirm_form" not in response.context
    result = response.context["result"]
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == bad_row + 1
    assert "「遅刻」は選べません" in " ".join(invalid.field_specific_errors["mode"])
    assert not meeting.attendances.exists()


def test_a_confirm_step_that_meets_an_error_saves_nothing(staff, meeting):
    response = _post(staff, _csv(_rows(meeting)))
    confirm = dict(response.context["confirm_form"].initial)
    # Between preview and confirm the meeting's 2nd row was taken by hand.
    factories.make_attendance(meeting=meeting, order=2, name="先に入れた人")
    # and the kept file now holds a row that no longer validates.
    path = os.path.join(admin_import.import_folder(), confirm["import_file_name"])
    rows = _rows(meeting)
    rows[2][6] = "天井"
    with open(path, "wb") as f:
        f.write(_csv(rows))
    answer = staff.post(reverse(CONFIRM), confirm, follow=True)
    assert "1件も保存していません" in answer.content.decode()
    assert "4行目" in answer.content.decode()
    assert list(meeting.attendances.values_list("name", flat=True)) == ["先に入れた人"]
    assert not os.path.exists(path)


def _bomb() -> bytes:
    """An .xlsx whose sheet declares nested entities (billion laughs)."""
    good = io.BytesIO(_xlsx([[1, "市町村等", 1, "x", "y", "出席", "左側", 1]]))
    out = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                entities = '<!ENTITY a "lol">' + "".join(
                    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                    for i in range(8)
                )
                data = data.replace(
                    b"<worksheet",
                    f"<!DOCTYPE worksheet [{entities}]><worksheet".encode(),
                    1,
                ).replace(b">y<", b">&i;<")
            dst.writestr(info, data)
    return out.getvalue()


def _broken_xlsx() -> bytes:
    return _xlsx([[1, "市町村等", 1, "x", "y", "出席", "左側", 1]])[:400]


@pytest.mark.parametrize(
    "name,data,fmt,message",
    [
        ("資料.csv", b"%PDF-1.7\n1 0 obj\n", "0", "PDFのファイルです"),
        ("資料.xlsx", b"%PDF-1.7\n1 0 obj\n", "1", "PDFのファイルです"),
        ("壊れた.xlsx", _broken_xlsx(), "1", "壊れていて開けません"),
        ("爆弾.xlsx", _bomb(), "1", "Excelのファイルを読めません"),
        ("nul.csv", "会議ID,区分\r\n1,\x00県\r\n".encode(), "0", "NUL文字"),
        ("latin.csv", "会議ID\r\n".encode("utf-16"), "0", "NUL文字"),
        (
            "euc.csv",
            "会議ID,氏名\r\n1,髙\udcff".encode("utf-8", "surrogateescape"),
            "0",
            "文字コードを判別できません",
        ),
        ("空.csv", b"", "0", "空です"),
        ("見出しなし.csv", b",,\r\n", "0", "見出し"),
        ("引用符.csv", b'a,b\r\n"x,1\r\n', "0", "CSVとして読めません"),
        ("表.xlsx", b"a,b\r\n1,2\r\n", "1", "CSVなら"),
        ("表.csv", b"PK\x03\x04rest", "0", "Excelのファイルです"),
    ],
    ids=[
        "pdf as csv",
        "pdf as xlsx",
        "broken xlsx",
        "xml bomb",
        "nul bytes",
        "utf-16",
        "undecodable",
        "empty",
        "no headers",
        "open quote",
        "csv as xlsx",
        "xlsx as csv",
    ],
)
def test_a_malformed_file_gets_a_message(
    staff, name, data, fmt, message, own_import_folder
):
    response = _post(staff, data, name, fmt)
    assert response.status_code == 200
    assert message in _form_errors(response)
    assert not Attendance.objects.exists()
    assert _kept(own_import_folder) == []


def test_a_long_cell_and_too_many_rows_get_a_message(staff, meeting, settings):
    rows = _rows(meeting)
    rows[1][3] = "長" * 10_000
    response = _post(staff, _csv(rows, "utf-8"))
    assert "3行目「職名」：セルの文字が多すぎます（10,000文字）" in _form_errors(
        response
    )

    many = [
        [meeting.pk, "市町村等", i, "職", "名", "出席", "左側", i]
        for i in range(100_000)
    ]
    response = _post(staff, _csv(many, "utf-8"))
    assert "行が多すぎます" in _form_errors(
        response
    ) or "ファイルが大きすぎます" in _form_errors(response)
    settings.IMPORT_MAX_BYTES = 50 * 1024 * 1024
    response = _post(staff, _csv(many, "utf-8"))
    assert "行が多すぎます（5,001行以上）。5,000行まで" in _form_errors(response)
    response = _post(staff, _xlsx(many[:6000]), "多い.xlsx", "1")
    assert "行が多すぎます" in _form_errors(response)
    assert not Attendance.objects.exists()


def test_a_big_file_is_refused_by_its_size(staff, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = _post(staff, _csv([["1"] * 8] * 200, "utf-8"))
    assert "ファイルが大きすぎます" in _form_errors(response)


def test_a_formula_without_a_saved_value_is_an_error_not_an_empty_cell(staff, meeting):
    rows = _rows(meeting)
    rows[0][4] = '=CONCAT("藤井"," 裕久")'
    response = _post(staff, _xlsx(rows), "式.xlsx", "1")
    assert "2行目 E列：数式の結果が保存されていません" in _form_errors(response)


def test_a_tampered_confirm_form_reads_no_other_file(staff, meeting, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_bytes(_csv(_rows(meeting)))
    response = _post(staff, _csv(_rows(meeting)))
    confirm = dict(response.context["confirm_form"].initial)
    confirm["import_file_name"] = "../" + str(secret)
    answer = staff.post(reverse(CONFIRM), confirm, follow=True)
    assert answer.status_code == 200
    assert "もう一度ファイルを選んでください" in answer.content.decode()
    assert not meeting.attendances.exists()


def test_a_preview_left_unconfirmed_is_swept(staff, meeting, own_import_folder):
    _post(staff, _csv(_rows(meeting)))
    kept = _kept(own_import_folder)
    assert len(kept) == 1
    old = own_import_folder / kept[0]
    os.utime(old, (0, 0))
    assert admin_import.sweep() == 1
    assert _kept(own_import_folder) == []


@pytest.mark.parametrize(
    "text,value",
    [
        ("はい", True),
        ("いいえ", False),
        ("○", True),
        ("×", False),
        ("1", True),
        ("0", False),
        ("TRUE", True),
        ("false", False),
        ("ＴＲＵＥ", True),
        ("１", True),
        (True, True),
        (0, False),
        ("", None),
    ],
)
def test_booleans_as_people_write_them(text, value):
    assert JapaneseBooleanWidget().clean(text) is value


@pytest.mark.parametrize("text", ["多分", "2", "yes please", "△"])
def test_any_other_boolean_is_an_error(text):
    with pytest.raises(ValueError, match="はい / いいえ"):
        JapaneseBooleanWidget().clean(text)


def test_xlsx_export_keeps_numbers_typed_and_no_cell_is_a_formula(staff, meeting):
    factories.make_attendance(meeting=meeting, name='=HYPERLINK("http://x","y")')
    url = reverse("admin:meetings_attendance_export")
    form = staff.get(url).context["form"]
    data = {
        n: "on" if f.initial is True else f.initial
        for n, f in form.fields.items()
        if f.initial not in (None, False)
    }
    data["format"] = "1"
    response = staff.post(url, data)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["順番"].data_type == "n" and row["順番"].value == 1
    assert row["会議ID"].value == meeting.pk
    for cells in sheet.iter_rows():
        for cell in cells:
            assert cell.data_type != "f", cell.value
    # A text cell, shown as typed, never a formula.
    assert row["氏名"].value == '=HYPERLINK("http://x","y")'
    assert row["氏名"].data_type == "s"

    data["format"] = "0"
    text = staff.post(url, data).content
    assert text.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in text.decode("utf-8-sig")


PAYLOADS = [
    '=HYPERLINK("http://example.com","x")',
    "==1+1",
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1",
    "＝1+1",
    "- 議題",
]


@pytest.mark.parametrize("fmt", [0, 1], ids=["csv", "xlsx"])
def test_formula_payloads_never_become_formulas_and_come_back_as_typed(staff, fmt):
    from meetings.models import Person
    from meetings.resources import PersonResource
    from onechamber.spreadsheets import CSV, XLSX

    hq = factories.make_headquarters()
    for i, text in enumerate(PAYLOADS):
        Person.objects.create(headquarters=hq, name=f"{text}{i}", kana="")
    exported = PersonResource(headquarters=hq).export()
    data = (CSV(), XLSX())[fmt].export_data(exported)
    if fmt == 1:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
        assert all(c.data_type != "f" for c in cells)
        names = [c.value for c in cells if c.column == 1]
        assert "- 議題6" in names  # readable as typed
        assert all(c.quotePrefix for c in cells if c.column == 1)
    else:
        text = data.decode("utf-8-sig")
        for line in text.splitlines()[1:]:
            first = line.lstrip('"')
            assert first[0] not in "=+-@\t\r＝＋－＠", line
    back = (CSV(), XLSX())[fmt].create_dataset(data)
    result = PersonResource(headquarters=hq).import_data(back, dry_run=False)
    assert result.totals["skip"] == len(PAYLOADS), [r.errors for r in result.rows]
    assert sorted(Person.objects.values_list("name", flat=True)) == sorted(
        f"{t}{i}" for i, t in enumerate(PAYLOADS)
    )
