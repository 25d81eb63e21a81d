"""Admin: every screen for the secretariat; department accounts limited to their items."""

import pytest
import tablib
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from workitems.models import (
    Agreement,
    FiscalYearPlan,
    Highlight,
    Indicator,
    ItemYear,
    Measure,
    Milestone,
    Proposal,
    ResultRow,
    ResultTable,
    Session,
    WorkItem,
)
from workitems.resources import SessionResource

pytestmark = pytest.mark.django_db

MODELS = [
    WorkItem,
    ItemYear,
    Measure,
    Session,
    ResultTable,
    ResultRow,
    Highlight,
    Indicator,
    Milestone,
    Proposal,
    Agreement,
    FiscalYearPlan,
]


def _url(model, action, *args):
    return reverse(f"admin:workitems_{model._meta.model_name}_{action}", args=args)


def test_secretariat_opens_every_admin_screen(client, seed, secretariat_user):
    client.force_login(secretariat_user)
    for model in MODELS:
        assert client.get(_url(model, "changelist")).status_code == 200, model
        assert client.get(_url(model, "add")).status_code == 200, model
        obj = model.objects.first()
        assert client.get(_url(model, "change", obj.pk)).status_code == 200, model
    assert client.get(_url(WorkItem, "changelist") + "?q=防災").status_code == 200


def _row_of(item_name):
    return ResultRow.objects.filter(table__item_year__item__name=item_name).first()


def test_department_sees_only_its_own_items(client, seed, department_user):
    client.force_login(department_user)
    response = client.get(_url(WorkItem, "changelist"))
    assert response.status_code == 200
    names = {obj.name for obj in response.context["cl"].result_list}
    assert names == {
        "県単医療費助成制度のあり方検討",
        "防災・危機管理体制の連携・強化",
        "自治体行政のデジタル化",
    }
    rows = client.get(_url(ResultRow, "changelist")).context["cl"].result_list
    assert {r.table.item_year.item.name for r in rows} == {
        "防災・危機管理体制の連携・強化",
        "自治体行政のデジタル化",
    }
    other = WorkItem.objects.get(name="有害鳥獣の市町村による連携捕獲の推進")
    assert client.get(_url(WorkItem, "change", other.pk)).status_code == 302
    assert client.get(_url(WorkItem, "add")).status_code == 403


def _row_post(row, **changes):
    data = {
        "table": row.table_id,
        "order": row.order,
        "heading": row.heading,
        "label": row.label,
        "results": row.results,
        "next_steps": row.next_steps,
    }
    data.update(changes)
    return data


def test_department_edits_a_result_row_of_its_own_item(client, seed, department_user):
    row = _row_of("自治体行政のデジタル化")
    client.force_login(department_user)
    response = client.post(
        _url(ResultRow, "change", row.pk), _row_post(row, results="・(2月)更新した成果")
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.results == "・(2月)更新した成果"


def test_department_cannot_change_another_departments_row_by_posting(
    client, seed, department_user
):
    row = _row_of("有害鳥獣の市町村による連携捕獲の推進")
    before = row.results
    client.force_login(department_user)
    response = client.post(
        _url(ResultRow, "change", row.pk), _row_post(row, results="書き換え")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    row.refresh_from_db()
    assert row.results == before


def test_department_cannot_move_a_row_into_another_departments_table(
    client, seed, department_user
):
    own = _row_of("自治体行政のデジタル化")
    foreign_table = ResultTable.objects.filter(
        item_year__item__name="ゼロカーボンシティ富山の実現"
    ).first()
    client.force_login(department_user)
    response = client.post(
        _url(ResultRow, "change", own.pk), _row_post(own, table=foreign_table.pk)
    )
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    own.refresh_from_db()
    assert own.table.item_year.item.name == "自治体行政のデジタル化"


def test_department_cannot_add_a_session_to_another_departments_measure(
    client, seed, department_user
):
    foreign = Measure.objects.get(item__name="ゼロカーボンシティ富山の実現")
    client.force_login(department_user)
    count = Session.objects.count()
    response = client.post(
        _url(Session, "add"),
        {
            "measure": foreign.pk,
            "fiscal_year": 2021,
            "order": 9,
            "kind": "wg",
            "date": "2022-03-01",
            "approx_part": 0,
        },
    )
    assert response.status_code == 200
    assert Session.objects.count() == count


def test_roll_over_action_continues_the_selected_year(client, seed, secretariat_user):
    year = ItemYear.objects.get(item__name="自治体行政のデジタル化", fiscal_year=2022)
    client.force_login(secretariat_user)
    response = client.post(
        _url(ItemYear, "changelist"),
        {"action": "roll_over", ACTION_CHECKBOX_NAME: [year.pk]},
        follow=True,
    )
    assert "1件の項目を次年度に引き継ぎました。" in response.content.decode()
    new = ItemYear.objects.get(item=year.item, fiscal_year=2023)
    assert new.status == "continued"


def test_roll_over_action_reports_an_existing_year(client, seed, secretariat_user):
    year = ItemYear.objects.get(item__name="自治体行政のデジタル化", fiscal_year=2021)
    client.force_login(secretariat_user)
    response = client.post(
        _url(ItemYear, "changelist"),
        {"action": "roll_over", ACTION_CHECKBOX_NAME: [year.pk]},
        follow=True,
    )
    assert "令和4年度の状態は既にあります。" in response.content.decode()


def test_data_check_page_for_the_secretariat_only(
    client, seed, secretariat_user, department_user
):
    client.force_login(secretariat_user)
    response = client.get(reverse("admin:workitems_check"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "予定のまま日付が過ぎた会合（2件）" in html
    assert "提案市町村の記載の食い違い（1件）" in html
    client.force_login(department_user)
    assert client.get(reverse("admin:workitems_check")).status_code == 403


def _dataset(rows):
    headers = [
        "施策",
        "年度",
        "順番",
        "種類",
        "開催日",
        "開催予定月",
        "旬",
        "予定",
        "協議の内容",
        "会議名",
        "参加団体",
        "参加団体（表記）",
        "備考",
    ]
    return tablib.Dataset(*rows, headers=headers)


def test_session_import_updates_and_adds_rows(seed):
    data = _dataset(
        [
            [
                "防災・危機管理体制の連携・強化：③",
                2021,
                4,
                "wg",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "延期",
            ],
            [
                "防災・危機管理体制の連携・強化：③",
                2021,
                5,
                "",
                "R4.3.15",
                "",
                "",
                "1",
                "",
                "災害廃棄物WG",
                "富山市、高岡市",
                "",
                "",
            ],
        ]
    )
    # Row 1 has neither a date nor a month: the whole import is refused.
    result = SessionResource().import_data(data, dry_run=False)
    assert result.has_validation_errors()
    assert not Session.objects.filter(name="災害廃棄物WG").exists()

    data[0] = [
        "防災・危機管理体制の連携・強化：③",
        2021,
        4,
        "wg",
        "2022/2/4",
        "",
        "",
        "0",
        "",
        "",
        "",
        "",
        "開催済",
    ]
    result = SessionResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    feb4 = Session.objects.get(
        measure__code="③", measure__item__name__startswith="防災", order=4
    )
    assert (feb4.planned, feb4.note) == (False, "開催済")
    new = Session.objects.get(name="災害廃棄物WG")
    assert [o.name for o in new.participants.all()] == ["富山市", "高岡市"]


def test_session_import_names_an_unknown_measure(seed):
    data = _dataset(
        [["ない項目：①", 2021, 1, "wg", "2021-05-01", "", "", "", "", "", "", "", ""]]
    )
    result = SessionResource().import_data(data, dry_run=True)
    assert result.has_errors()
    errors = [str(e.error) for row in result.rows for e in row.errors]
    assert errors == [
        "施策「ない項目：①」が見つかりません。「項目名：番号」の形で入力してください。"
    ]


def test_session_export_writes_measure_as_item_and_code(seed):
    dataset = SessionResource().export(
        Session.objects.filter(measure__item__name__startswith="防災").order_by("pk")
    )
    assert dataset.dict[0]["施策"] == "防災・危機管理体制の連携・強化：①"
    assert dataset.dict[0]["開催日"] == "2021-02-19"


def test_session_form_explains_a_date_and_a_month_together(
    client, seed, secretariat_user
):
    measure = Measure.objects.get(item__name="ゼロカーボンシティ富山の実現")
    client.force_login(secretariat_user)
    count = Session.objects.count()
    response = client.post(
        _url(Session, "add"),
        {
            "measure": measure.pk,
            "fiscal_year": 2021,
            "order": 9,
            "kind": "wg",
            "date": "2022-02-10",
            "approx_month": "2022-02-01",
            "approx_part": 0,
            "planned": "on",
        },
    )
    assert response.status_code == 200
    assert (
        "開催日か開催予定月のどちらか一方を入力してください。"
        in response.content.decode()
    )
    assert Session.objects.count() == count


def test_department_changes_a_session_of_its_own_measure(client, seed, department_user):
    # 防災's measure ② (被災地支援) is 厚生部's.
    session = Session.objects.get(
        measure__item__name="防災・危機管理体制の連携・強化", date="2022-01-17"
    )
    client.force_login(department_user)
    response = client.post(
        _url(Session, "change", session.pk),
        {
            "measure": session.measure_id,
            "fiscal_year": 2021,
            "order": session.order,
            "kind": "wg",
            "date": "2022-01-17",
            "approx_part": 0,
            "note": "開催済",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.note == "開催済"


def test_department_cannot_change_a_session_of_another_departments_measure(
    client, seed, department_user
):
    """厚生部 is one of 防災's four departments, but 除排雪 is 土木部's measure:
    its session 「4/28 道路除雪担当者会議」 is not 厚生部's to change."""
    session = Session.objects.filter(name__contains="道路除雪担当者会議").first()
    client.force_login(department_user)
    assert client.get(_url(Session, "change", session.pk)).status_code != 200
    client.post(
        _url(Session, "change", session.pk),
        {
            "measure": session.measure_id,
            "fiscal_year": session.fiscal_year,
            "order": session.order,
            "kind": session.kind,
            "date": session.date.isoformat(),
            "approx_part": 0,
            "note": "厚生部が書き換え",
        },
    )
    session.refresh_from_db()
    assert session.note != "厚生部が書き換え"
    listing = client.get(_url(Session, "changelist")).content.decode()
    assert "道路除雪担当者会議" not in listing
