"""Every table of the portal's pages as CSV and JSON, on the seed: the rows
the page shows, a file Japanese Excel opens, formulae kept as text."""

import csv
import io
import json
import re
from urllib.parse import quote

import pytest

from api import tables
from meetings.models import Material
from tests import factories
from workitems.models import WorkItem

CITY = "162019"


def _params(seed) -> dict[str, str]:
    item = WorkItem.objects.get(name="有害鳥獣の市町村による連携捕獲の推進")
    return {"pk": str(seed.pk), "code": CITY, "fiscal_year": "2022", "item": item}


def _query(table, seed) -> str:
    params = _params(seed)
    values = {}
    for name in table.params:
        if name == "pk" and table.name.startswith("item"):
            values[name] = str(params["item"].pk)
        else:
            values[name] = params[name]
    return "&".join(f"{k}={v}" for k, v in values.items())


def _csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("name", sorted(tables.registry))
def test_every_table_exports_csv_and_json_with_the_same_rows(
    client, seed, viewer_user, name
):
    table = tables.registry[name]
    client.force_login(viewer_user)
    query = _query(table, seed)
    response = client.get(f"/export/{name}.csv?{query}")
    assert response.status_code == 200, response.content.decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert f"filename*=UTF-8''{quote(str(table.title))}" in disposition
    rows = _csv(response)
    assert rows[0] == [str(h) for h in table.headings]
    data = client.get(f"/export/{name}.json?{query}")
    assert data.status_code == 200
    body = json.loads(data.content)
    assert body["table"] == name
    assert [c["label"] for c in body["columns"]] == rows[0]
    assert body["count"] == len(rows) - 1 == len(body["rows"])
    # Same rows, cell for cell (CSV writes no None and guards formulae).
    for line, row in zip(rows[1:], body["rows"], strict=True):
        assert len(line) == len(row)


def test_tables_of_the_seed_hold_rows(client, seed, viewer_user):
    client.force_login(viewer_user)
    empty = []
    for name, table in tables.registry.items():
        body = json.loads(
            client.get(f"/export/{name}.json?{_query(table, seed)}").content
        )
        if not body["rows"]:
            empty.append(name)
    # The seed's 富山市 has no dates of its own and attended no meeting by its
    # position; the item asked for holds no trainings.
    allowed = {"municipality-rules", "municipality-meetings", "item-trainings"}
    assert set(empty) <= allowed, empty


def test_meeting_materials_are_the_pages_rows(client, seed, viewer_user):
    client.force_login(viewer_user)
    page = client.get(f"/meetings/{seed.pk}/").content.decode()
    labels = re.findall(r'<th scope="row">((?:参考)?資料\d+)', page)
    rows = _csv(client.get(f"/export/meeting-materials.csv?pk={seed.pk}"))
    assert [r[0] for r in rows[1:]] == labels
    assert 'data-testid="export-meeting-materials"' in page
    assert f'href="/export/meeting-materials.csv?pk={seed.pk}"' in page


def test_item_list_export_keeps_the_page_filters_and_all_pages(
    client, seed, viewer_user
):
    client.force_login(viewer_user)
    page = client.get("/items/?fy=2021").content.decode()
    assert 'href="/export/items.csv?fy=2021"' in page
    names = re.findall(r'<th scope="row"><a href="/items/\d+/">([^<]+)</a>', page)
    rows = _csv(client.get("/export/items.csv?fy=2021"))
    assert [r[0] for r in rows[1:]] == names
    every = _csv(client.get("/export/items.csv?fy=all"))
    assert len(every) - 1 == WorkItem.objects.count()


def test_meeting_list_export_is_the_pages_year(client, seed, viewer_user):
    client.force_login(viewer_user)
    rows = _csv(client.get("/export/meetings.csv?fy=令和3年度"))
    assert {r[1] for r in rows[1:]} == {"令和3年度"}
    assert "第4回本部会議" in [r[2] for r in rows[1:]]
    assert rows[0][:4] == ["年度", "年度（和暦）", "会議", "開催日"]


def test_cells_that_start_a_formula_are_guarded(client, seed, viewer_user):
    for n, title in enumerate(
        ['=HYPERLINK("x")', "+1", "-2", "@SUM", "＝全角", "\tタブ"]
    ):
        factories.make_material(meeting=seed, title=title, order=100 + n, text="本文")
    client.force_login(viewer_user)
    rows = _csv(client.get(f"/export/meeting-materials.csv?pk={seed.pk}"))
    titles = [r[1] for r in rows[1:] if r[1].startswith("'")]
    assert titles == [
        '\'=HYPERLINK("x")',
        "'+1",
        "'-2",
        "'@SUM",
        "'＝全角",
        "'\tタブ",
    ]
    body = json.loads(
        client.get(f"/export/meeting-materials.json?pk={seed.pk}").content
    )
    # JSON is data, not a spreadsheet: the text as it is.
    assert '=HYPERLINK("x")' in [r["title"] for r in body["rows"]]
    assert Material.objects.filter(title="+1").exists()


def test_bad_parameters_are_japanese_400s_and_others_records_404(
    client, seed, viewer_user
):
    client.force_login(viewer_user)
    response = client.get("/export/meeting-agenda.csv")
    assert response.status_code == 400
    assert response.content.decode() == "pk を指定してください。"
    response = client.get("/export/meeting-agenda.json?pk=abc")
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "errors": {"pk": ["pk は数字で指定してください。"]}
    }
    response = client.get("/export/meetings.csv?fy=あした")
    assert response.status_code == 400
    assert client.get("/export/no-such-table.csv").status_code == 404
    hidden = factories.make_meeting(
        headquarters=seed.headquarters, number=9, published=False
    )
    assert client.get(f"/export/meeting-agenda.csv?pk={hidden.pk}").status_code == 404


def test_exports_need_a_login_like_the_pages(client, seed):
    response = client.get("/export/meetings.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
