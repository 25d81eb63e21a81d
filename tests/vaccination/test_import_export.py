"""The admin's import and export of the interval rules, the municipalities'
dates for them and the venues' dates: Japanese headers, rows matched by their
natural keys (a file imported twice changes nothing, a corrected file updates
in place), dates as people write them, all or nothing with the row number and
a Japanese message for a name not found, and the secretariat only imports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from vaccination.models import IntervalRule, MunicipalRuleDate, VenueDate

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")

RULE_HEADERS = [
    "対象",
    "事務連絡",
    "事務連絡の日付",
    "種別",
    "間隔（か月）",
    "適用開始日（国）",
    "適用終了日",
    "条件",
    "表示順",
]
MUNICIPAL_HEADERS = [
    "対象",
    "事務連絡",
    "事務連絡の日付",
    "種別",
    "間隔（か月）",
    "市町村",
    "市町村の適用開始日",
    "備考",
]
VENUE_HEADERS = ["日程（版）", "会場", "接種日", "追加された日", "対象の注記"]

MODELS = {
    "intervalrule": (IntervalRule, RULE_HEADERS),
    "municipalruledate": (MunicipalRuleDate, MUNICIPAL_HEADERS),
    "venuedate": (VenueDate, VENUE_HEADERS),
}


@pytest.fixture(autouse=True)
def own_import_folder(tmp_path, settings):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def records():
    """Two rules of one notice, a municipal date, and three venue days."""
    hq = factories.make_headquarters()
    group = factories.make_group()
    notice = factories.make_notice()
    rule = factories.make_rule(group=group, notice=notice, interval_months=8)
    floor = factories.make_rule(
        group=group,
        notice=notice,
        interval_months=6,
        kind=IntervalRule.Kind.FLOOR,
        condition="=地域の感染状況による",
    )
    toyama = factories.make_municipality(headquarters=hq)
    factories.make_municipality(name="高岡市", code="162027", order=20, headquarters=hq)
    factories.make_municipal_date(
        rule=rule, organization=toyama, effective_from=dt.date(2021, 11, 20)
    )
    factories.make_municipal_date(
        rule=floor, organization=toyama, effective_from=dt.date(2021, 11, 25)
    )
    for day, venue in [(11, "テスト会場"), (12, "テスト会場"), (11, "第二会場")]:
        factories.make_venue_date(venue_name=venue, date=dt.date(2022, 2, day))
    return {"rule": rule, "floor": floor}


@pytest.fixture
def staff(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


# Files as the secretariat has them, posted to the admin as a person would.


def _csv(rows, headers) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("cp932")


def _xlsx(rows, headers) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _format(form, label: str) -> str:
    return next(
        str(value) for value, text in form.fields["format"].choices if text == label
    )


def _post(client, model: str, data: bytes, fmt="csv"):
    url = reverse(f"admin:vaccination_{model}_import")
    form = client.get(url).context["form"]
    upload = SimpleUploadedFile(
        f"{model}.{fmt}", data, content_type="application/octet-stream"
    )
    return client.post(
        url, {"format": _format(form, fmt), "resource": "0", "import_file": upload}
    )


def _confirm(client, model: str, response):
    assert "confirm_form" in response.context, _errors(response)
    return client.post(
        reverse(f"admin:vaccination_{model}_process_import"),
        dict(response.context["confirm_form"].initial),
    )


def _errors(response) -> dict:
    """{row number: messages} of a preview, or the form's errors."""
    result = response.context.get("result")
    if result is None:
        return {"form": response.context["form"].errors}
    found = {}
    for row in result.invalid_rows:
        found[row.number] = " ".join(
            [e for errors in row.field_specific_errors.values() for e in errors]
            + list(row.non_field_specific_errors)
        )
    for number, errors in result.row_errors():
        found[number] = " ".join(str(e.error) for e in errors)
    return found


def _export(client, model: str, fmt="csv") -> bytes:
    url = reverse(f"admin:vaccination_{model}_export")
    form = client.get(url).context["form"]
    data = {
        name: "on" if field.initial is True else field.initial
        for name, field in form.fields.items()
        if field.initial not in (None, False)
    }
    data["format"] = _format(form, fmt)
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content


def _exported_rows(client, model: str) -> tuple[list[str], list[list[str]]]:
    text = _export(client, model).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def _state(model) -> list[tuple]:
    return sorted(
        tuple(str(v) for v in row)
        for row in model.objects.values_list(
            *[f.attname for f in model._meta.concrete_fields]
        )
    )


# Export and round trip.


@pytest.mark.parametrize("model", MODELS)
def test_the_export_has_the_admins_japanese_headers(staff, records, model):
    headers, rows = _exported_rows(staff, model)
    assert headers == MODELS[model][1]
    assert len(rows) == MODELS[model][0].objects.count()


def test_the_export_writes_names_labels_and_dates(staff, records):
    headers, rows = _exported_rows(staff, "municipalruledate")
    written = [dict(zip(headers, row, strict=True)) for row in rows]
    assert {
        "対象": "一般高齢者",
        "事務連絡": "テストの事務連絡",
        "事務連絡の日付": "2021-11-16",
        "種別": "有効とみなす下限",
        "間隔（か月）": "6",
        "市町村": "富山市",
        "市町村の適用開始日": "2021-11-25",
        "備考": "",
    } in written
    headers, rows = _exported_rows(staff, "intervalrule")
    floor = next(
        dict(zip(headers, row, strict=True)) for row in rows if row[3] != "接種間隔"
    )
    # Formula-like text is guarded in the CSV (and imports back as it was).
    assert floor["条件"] == "'=地域の感染状況による"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("model", MODELS)
def test_an_export_imports_back_unchanged(staff, records, model, fmt):
    klass = MODELS[model][0]
    if fmt == "csv":
        # The file as Excel saves it in Japanese Windows: CP932.
        data = _export(staff, model).decode("utf-8-sig").encode("cp932")
    else:
        data = _export(staff, model, "xlsx")
    before = _state(klass)
    response = _post(staff, model, data, fmt)
    assert response.status_code == 200
    totals = response.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (
        0,
        0,
        klass.objects.count(),
    ), _errors(response)
    _confirm(staff, model, response)
    assert _state(klass) == before


def test_the_seed_data_round_trips(staff):
    from tests.vaccination.conftest import load_vaccination_data

    load_vaccination_data()
    for model in ("intervalrule", "venuedate"):
        klass = MODELS[model][0]
        before = _state(klass)
        assert before
        data = _export(staff, model, "xlsx")
        response = _post(staff, model, data, "xlsx")
        totals = response.context["result"].totals
        assert totals["skip"] == klass.objects.count(), _errors(response)
        assert totals["new"] == totals["update"] == 0
        _confirm(staff, model, response)
        assert _state(klass) == before


# Corrections.


def test_a_corrected_rule_is_updated_in_place(staff, records):
    headers, rows = _exported_rows(staff, "intervalrule")
    rule = records["rule"]
    for row in rows:
        if row[headers.index("種別")] == "接種間隔":
            row[headers.index("適用終了日")] = "令和4年3月31日"
            row[headers.index("条件")] = "2回目から8か月以上"
    response = _post(staff, "intervalrule", _csv(rows, headers))
    totals = response.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 1, 1)
    _confirm(staff, "intervalrule", response)
    assert IntervalRule.objects.count() == 2
    rule.refresh_from_db()
    assert rule.effective_to == dt.date(2022, 3, 31)
    assert rule.condition == "2回目から8か月以上"
    floor = records["floor"]
    floor.refresh_from_db()
    assert floor.condition == "=地域の感染状況による"


def test_a_corrected_venue_day_is_updated_in_place(staff, records):
    headers, rows = _exported_rows(staff, "venuedate")
    ids = sorted(VenueDate.objects.values_list("pk", flat=True))
    rows[0][headers.index("追加された日")] = "○"
    rows[0][headers.index("対象の注記")] = "高齢者施設の入所者・従事者等を優先"
    response = _post(staff, "venuedate", _xlsx(rows, headers), "xlsx")
    totals = response.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 1, 2)
    _confirm(staff, "venuedate", response)
    assert sorted(VenueDate.objects.values_list("pk", flat=True)) == ids
    day = VenueDate.objects.get(target_note="高齢者施設の入所者・従事者等を優先")
    assert day.added is True
    assert VenueDate.objects.filter(added=True).count() == 1


def test_a_municipal_date_is_corrected_and_added_by_code_in_wareki(staff, records):
    headers, rows = _exported_rows(staff, "municipalruledate")
    for row in rows:
        if row[headers.index("種別")] == "接種間隔":
            # 富山市's date corrected, written R3.11.22 in full-width digits.
            row[headers.index("市町村の適用開始日")] = "R3.11.22".translate(FULL_WIDTH)
            added = list(row)
    # 高岡市 by its 団体コード (full-width), 令和 with full-width digits.
    added[headers.index("市町村")] = "１６２０２７"
    added[headers.index("市町村の適用開始日")] = "令和3年11月30日".translate(FULL_WIDTH)
    added[headers.index("備考")] = "市の判断で前倒し"
    response = _post(staff, "municipalruledate", _csv([*rows, added], headers))
    totals = response.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (1, 1, 1)
    _confirm(staff, "municipalruledate", response)
    rule = records["rule"]
    assert dict(
        rule.municipal_dates.values_list("organization__name", "effective_from")
    ) == {"富山市": dt.date(2021, 11, 22), "高岡市": dt.date(2021, 11, 30)}
    assert rule.municipal_dates.get(organization__code="162027").note == (
        "市の判断で前倒し"
    )


def test_a_venue_day_in_reiwa_with_full_width_digits_is_added(staff, records):
    row = [
        "テストの日程",
        "第二会場",
        "令和4年2月20日".translate(FULL_WIDTH),
        "はい",
        "",
    ]
    response = _post(staff, "venuedate", _csv([row], VENUE_HEADERS))
    _confirm(staff, "venuedate", response)
    day = VenueDate.objects.get(date=dt.date(2022, 2, 20))
    assert (day.plan.title, day.venue.name, day.added) == (
        "テストの日程",
        "第二会場",
        True,
    )


# Names not found: the row, the value, and nothing saved.


def test_an_unknown_venue_names_the_row_and_saves_nothing(staff, records):
    rows = [
        ["テストの日程", "テスト会場", "2022/2/13", "いいえ", ""],
        ["テストの日程", "ない会場", "2022/2/14", "いいえ", ""],
    ]
    before = _state(VenueDate)
    response = _post(staff, "venuedate", _csv(rows, VENUE_HEADERS))
    assert "confirm_form" not in response.context
    errors = _errors(response)
    assert list(errors) == [2]
    assert "会場「ない会場」が見つかりません" in errors[2]
    assert _state(VenueDate) == before


def test_an_unknown_municipality_names_the_row_and_saves_nothing(staff, records):
    headers, rows = _exported_rows(staff, "municipalruledate")
    wrong = list(rows[0])
    wrong[headers.index("市町村")] = "架空町"
    before = _state(MunicipalRuleDate)
    response = _post(staff, "municipalruledate", _xlsx([*rows, wrong], headers), "xlsx")
    assert "confirm_form" not in response.context
    errors = _errors(response)
    assert list(errors) == [len(rows) + 1]
    assert "市町村「架空町」が見つかりません" in errors[len(rows) + 1]
    assert _state(MunicipalRuleDate) == before


def test_a_rule_of_an_unknown_notice_names_the_row(staff, records):
    headers, rows = _exported_rows(staff, "intervalrule")
    rows[1][headers.index("事務連絡")] = "ない事務連絡"
    before = _state(IntervalRule)
    response = _post(staff, "intervalrule", _csv(rows, headers))
    errors = _errors(response)
    assert list(errors) == [2]
    assert "事務連絡「ない事務連絡」が見つかりません" in errors[2]
    assert _state(IntervalRule) == before


def test_the_preview_page_shows_the_message(staff, records):
    rows = [["テストの日程", "ない会場", "2022/2/14", "いいえ", ""]]
    preview = _post(staff, "venuedate", _csv(rows, VENUE_HEADERS))
    assert "confirm_form" not in preview.context
    page = preview.content.decode()
    assert "会場「ない会場」が見つかりません" in page


# Who imports.


@pytest.mark.parametrize("model", MODELS)
def test_a_department_account_cannot_import(client, department_user, records, model):
    client.force_login(department_user)
    klass = MODELS[model][0]
    before = _state(klass)
    url = reverse(f"admin:vaccination_{model}_import")
    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("x.csv", _csv([], MODELS[model][1]))
    response = client.post(url, {"format": "0", "resource": "0", "import_file": upload})
    assert response.status_code == 403
    confirm = reverse(f"admin:vaccination_{model}_process_import")
    assert client.post(confirm, {"format": "0"}).status_code == 403
    assert _state(klass) == before


@pytest.mark.parametrize("model", MODELS)
def test_a_viewer_cannot_import(client, viewer_user, records, model):
    client.force_login(viewer_user)
    url = reverse(f"admin:vaccination_{model}_import")
    assert client.get(url).status_code == 302  # to the admin's login
    assert client.post(url, {"format": "0"}).status_code == 302


@pytest.mark.parametrize("model", MODELS)
def test_only_the_secretariat_may_import(rf, department_user, secretariat_user, model):
    from django.contrib import admin

    model_admin = admin.site._registry[MODELS[model][0]]
    request = rf.get("/")
    request.user = department_user
    assert not model_admin.has_import_permission(request)
    # Even a department account given the model's add and change permissions.
    from django.contrib.auth.models import Permission

    opts = MODELS[model][0]._meta
    department_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="vaccination",
            codename__in=[f"add_{opts.model_name}", f"change_{opts.model_name}"],
        )
    )
    department_user = type(department_user).objects.get(pk=department_user.pk)
    request.user = department_user
    assert department_user.has_perm(f"vaccination.change_{opts.model_name}")
    assert not model_admin.has_import_permission(request)
    request.user = secretariat_user
    assert model_admin.has_import_permission(request)


def test_a_municipality_of_another_headquarters_is_not_found(staff, records):
    other = factories.make_headquarters(
        name="他県の本部", prefecture="石川県", prefecture_code="170003"
    )
    factories.make_municipality(name="金沢市", code="172014", headquarters=other)
    headers, rows = _exported_rows(staff, "municipalruledate")
    rows[0][headers.index("市町村")] = "172014"
    before = _state(MunicipalRuleDate)
    response = _post(staff, "municipalruledate", _csv(rows, headers))
    errors = _errors(response)
    assert list(errors) == [1]
    assert "市町村「172014」が見つかりません" in errors[1]
    assert _state(MunicipalRuleDate) == before
