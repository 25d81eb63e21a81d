"""The meeting editor's server side: the 次第 tree as posted, choices labelled
as the packet numbers them, errors listed at the top, a PDF kept across a
failed save, and dates typed in 和暦."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from meetings.editor import in_tree_order
from meetings.models import AgendaItem, Material
from onechamber import uploads
from onechamber.forms import WarekiDateField
from tests import factories
from tests.onechamber.test_concurrency import opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(db):
    user = factories.make_user(role="secretariat", username="jimukyoku")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def meeting(db):
    meeting = factories.make_meeting()
    opening = factories.make_agenda_item(meeting=meeting, title="開会", order=1)
    agenda = factories.make_agenda_item(meeting=meeting, title="議事", order=2)
    factories.make_agenda_item(meeting=meeting, title="報告", order=2, parent=agenda)
    factories.make_agenda_item(meeting=meeting, title="協議", order=1, parent=agenda)
    factories.make_agenda_item(meeting=meeting, title="閉会", order=3)
    factories.make_material(meeting=meeting, title="参考の資料", series="reference")
    factories.make_material(meeting=meeting, title="二つ目", order=2)
    factories.make_material(meeting=meeting, title="一つ目", order=1)
    assert opening.parent_id is None
    return meeting


def _url(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def _rows(data) -> dict[str, str]:
    """title → the index of its 次第 row in the posted form."""
    count = int(data["agenda_items-TOTAL_FORMS"])
    return {data[f"agenda_items-{i}-title"]: str(i) for i in range(count)}


def _tree(meeting) -> list[tuple[str, str | None, int]]:
    return [
        (i.title, i.parent.title if i.parent else None, i.order)
        for i in in_tree_order(AgendaItem.objects.filter(meeting=meeting))
    ]


def test_rows_come_in_print_order_with_their_parent_key(client, meeting):
    data = opened(client, meeting)
    titles = [data[f"agenda_items-{i}-title"] for i in range(5)]
    assert titles == ["開会", "議事", "協議", "報告", "閉会"]
    agenda = AgendaItem.objects.get(title="議事")
    assert data["agenda_items-2-parent_key"] == str(agenda.pk)
    assert data["agenda_items-0-parent_key"] == ""


def test_materials_are_checkboxes_labelled_as_the_packet_numbers_them(client, meeting):
    page = client.get(_url(meeting)).content.decode()
    assert 'type="checkbox" name="agenda_items-0-materials"' in page
    for label in ("資料1　一つ目", "資料2　二つ目", "参考資料1　参考の資料"):
        assert label in page
    # No 「+」 to add a material from an agenda row.
    assert "add_id_agenda_items-0-materials" not in page


def test_a_moved_and_indented_row_is_saved_as_posted(client, meeting):
    data = opened(client, meeting)
    rows = _rows(data)
    opening = AgendaItem.objects.get(title="開会")
    # 閉会 moves under 議事 as (1); 開会 goes under 議事 as (3).
    agenda_key = data[f"agenda_items-{rows['協議']}-parent_key"]
    data[f"agenda_items-{rows['閉会']}-parent_key"] = agenda_key
    data[f"agenda_items-{rows['閉会']}-order"] = "1"
    data[f"agenda_items-{rows['協議']}-order"] = "2"
    data[f"agenda_items-{rows['報告']}-order"] = "3"
    data[f"agenda_items-{rows['開会']}-parent_key"] = agenda_key
    data[f"agenda_items-{rows['開会']}-order"] = "4"
    data[f"agenda_items-{rows['議事']}-order"] = "1"
    response = client.post(_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    assert _tree(meeting) == [
        ("議事", None, 1),
        ("閉会", "議事", 1),
        ("協議", "議事", 2),
        ("報告", "議事", 3),
        ("開会", "議事", 4),
    ]
    opening.refresh_from_db()
    assert opening.parent.title == "議事"


def test_a_new_sub_item_can_sit_under_a_new_item(client, meeting):
    data = opened(client, meeting)
    total = int(data["agenda_items-TOTAL_FORMS"])
    for offset, (title, parent, order) in enumerate(
        [("新しい議事", "", "4"), ("その小項目", f"new-{total}", "1")]
    ):
        n = total + offset
        data.update(
            {
                f"agenda_items-{n}-title": title,
                f"agenda_items-{n}-order": order,
                f"agenda_items-{n}-parent_key": parent,
                f"agenda_items-{n}-meeting": str(meeting.pk),
            }
        )
    data["agenda_items-TOTAL_FORMS"] = str(total + 2)
    response = client.post(_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    child = AgendaItem.objects.get(title="その小項目")
    assert child.parent.title == "新しい議事"
    assert child.parent.meeting_id == meeting.pk


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Under a sub-item: three levels.
        (
            lambda data, rows: data.update(
                {
                    f"agenda_items-{rows['閉会']}-parent_key": str(
                        AgendaItem.objects.get(title="協議").pk
                    )
                }
            ),
            "「閉会」は小項目の下には置けません。次第の項目は2段までです。",
        ),
        # Under an item of another meeting.
        (
            lambda data, rows: data.update(
                {
                    f"agenda_items-{rows['閉会']}-parent_key": str(
                        factories.make_agenda_item(
                            meeting=factories.make_meeting(number=2), title="他"
                        ).pk
                    )
                }
            ),
            "「閉会」の親の項目が、この会議の次第にありません。",
        ),
        # Under a row being deleted.
        (
            lambda data, rows: data.update(
                {
                    f"agenda_items-{rows['議事']}-DELETE": "on",
                    f"agenda_items-{rows['閉会']}-parent_key": data[
                        f"agenda_items-{rows['協議']}-parent_key"
                    ],
                }
            ),
            "「閉会」の親の項目が、この会議の次第にありません。",
        ),
        # A key nobody has.
        (
            lambda data, rows: data.update(
                {f"agenda_items-{rows['閉会']}-parent_key": "new-99"}
            ),
            "「閉会」の親の項目が、この会議の次第にありません。",
        ),
    ],
    ids=["three-levels", "other-meeting", "deleted-parent", "unknown-key"],
)
def test_a_tree_that_cannot_print_is_refused_with_a_message(
    client, meeting, change, message
):
    data = opened(client, meeting)
    before = _tree(meeting)
    change(data, _rows(data))
    response = client.post(_url(meeting), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    # Listed at the top with a link to the 次第.
    assert 'href="#agenda_items-group">次第</a>' in page
    assert _tree(meeting) == before


def test_every_error_is_listed_at_the_top_with_a_link_to_its_field(client, meeting):
    data = opened(client, meeting)
    data["materials-1-title"] = ""
    data["date"] = "令和4年2月30日"
    response = client.post(_url(meeting), data)
    assert response.status_code == 200
    summary = response.content.decode().split('class="error-summary"')[1]
    summary = summary.split("</nav>")[0]
    assert "直すところが2か所あります" in summary
    assert 'href="#id_date">基本情報：開催日</a>' in summary
    assert 'href="#id_materials-1-title">配付資料 2行目：表題</a>' in summary


def _pdf_upload(name="kouseibu.pdf"):
    return SimpleUploadedFile(
        name, factories.make_pdf_bytes(), content_type="application/pdf"
    )


def _new_pdf_row(data, meeting, **extra):
    n = int(data["materials-TOTAL_FORMS"])
    data.update(
        {
            f"materials-{n}-series": "main",
            f"materials-{n}-order": "3",
            f"materials-{n}-title": "",
            f"materials-{n}-content": "pdf",
            f"materials-{n}-section_kind": "",
            f"materials-{n}-meeting": str(meeting.pk),
            **{f"materials-{n}-{k}": v for k, v in extra.items()},
        }
    )
    data["materials-TOTAL_FORMS"] = str(n + 1)
    return n


def test_a_pdf_chosen_before_a_failed_save_is_kept_for_the_next_save(client, meeting):
    data = opened(client, meeting)
    n = _new_pdf_row(data, meeting, file=_pdf_upload())
    response = client.post(_url(meeting), data)
    assert response.status_code == 200  # 表題 is missing
    form = response.context["inline_admin_formsets"][1].formset.forms[n]
    key = form.fields["file"].widget.pending_key
    assert key
    page = response.content.decode()
    assert f'name="materials-{n}-file-pending" value="{key}"' in page
    assert "選んだファイル「kouseibu.pdf」は、保存すると登録されます。" in page

    del data[f"materials-{n}-file"]
    data[f"materials-{n}-title"] = "追加の資料"
    data[f"materials-{n}-file-pending"] = key
    response = client.post(_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    material = Material.objects.get(title="追加の資料")
    with material.file.open("rb") as stream:
        assert stream.read() == factories.make_pdf_bytes()
    # The file put aside was taken back, not left behind.
    assert not default_storage.exists(uploads.signing.loads(key, salt=uploads.SALT)[0])


def test_a_pending_key_of_another_user_or_forged_keeps_nothing(client, meeting):
    key = uploads.put_aside(_pdf_upload(), user_id=client.user.pk + 1000)
    for posted in (key, key[:-2] + "xx", "pending/anything"):
        data = opened(client, meeting)
        n = _new_pdf_row(data, meeting, title="追加の資料")
        data[f"materials-{n}-file-pending"] = posted
        response = client.post(_url(meeting), data)
        assert response.status_code == 200
        assert "PDFファイルを選んでください。" in response.content.decode()
    assert not Material.objects.filter(title="追加の資料").exists()


def test_dates_are_typed_and_shown_in_wareki():
    field = WarekiDateField(required=False)
    for typed in ("令和4年1月20日", "R4.1.20", "2022/1/20", "２０２２－０１－２０"):
        assert field.clean(typed) == dt.date(2022, 1, 20)
    assert field.prepare_value(dt.date(2022, 1, 20)) == "令和4年1月20日"
    assert not field.has_changed(dt.date(2022, 1, 20), "令和4年1月20日")
    assert field.has_changed(dt.date(2022, 1, 20), "令和4年1月21日")


def test_the_admin_shows_dates_and_years_in_wareki(client, meeting):
    page = client.get(_url(meeting)).content.decode()
    assert 'name="date" value="令和3年6月4日"' in page
    # The 年度 is a text input (a number input cannot hold 令和3年度).
    assert 'type="text" name="fiscal_year" value="令和3年度"' in page


def test_saving_a_deadline_in_the_editor_asks_the_department_and_says_so(
    client, meeting
):
    kousei = factories.make_department(name="厚生部")
    data = opened(client, meeting)
    rows = {data[f"materials-{i}-title"]: i for i in range(3)}
    n = rows["一つ目"]
    data[f"materials-{n}-department"] = str(kousei.pk)
    data[f"materials-{n}-deadline"] = "令和3年5月28日"
    response = client.post(_url(meeting), data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1件の資料の提出を依頼しました。" in page
    assert "一つ目：厚生部（提出期限 令和3年5月28日）" in page
    assert Material.objects.get(title="一つ目").submission == "requested"
