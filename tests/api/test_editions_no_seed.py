"""A distributed meeting in the API and the exports: what its page shows,
the current edition (its materials, and the 次第 and 出席者 frozen into it),
not today's data."""

import json

import pytest

from api import frozen
from meetings import services
from meetings.models import Edition
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting = factories.make_meeting(published=False)
    opening = factories.make_agenda_item(meeting=meeting, title="開会")
    talks = factories.make_agenda_item(meeting=meeting, title="議事", order=2)
    first = factories.make_material(meeting=meeting, title="事業の進み具合")
    factories.make_material(meeting=meeting, title="参考の一覧", series="reference")
    sub = factories.make_agenda_item(
        meeting=meeting, title="進み具合", parent=talks, is_report=True
    )
    sub.materials.add(first)
    assert opening.pk
    factories.make_attendance(meeting=meeting, title="富山市長", name="藤井 裕久")
    factories.make_attendance(
        meeting=meeting,
        title="高岡市長",
        name="角田 悠紀",
        order=2,
        mode="proxy",
        proxy_title="副市長",
        proxy_name="高岡 次郎",
    )
    factories.make_attendance(
        meeting=meeting,
        title="知事",
        name="新田 八朗",
        group="prefecture",
        mode="online",
    )
    return meeting


@pytest.fixture
def viewer(meeting):
    return factories.make_user(role="viewer", username="toyama")


@pytest.fixture
def distributed(meeting):
    secretariat = factories.make_user(role="secretariat", username="jimukyoku")
    services.publish_meeting(meeting=meeting, by=secretariat)
    edition = Edition.objects.get(meeting=meeting, number=1)
    assert edition.state == Edition.State.READY
    return edition


EXPECTED_AGENDA = [
    {"number": "1", "title": "開会", "materials": [], "children": []},
    {
        "number": "2",
        "title": "議事",
        "materials": [],
        "children": [
            {
                "number": "(1)",
                "title": "進み具合（報告）",
                "materials": ["資料1"],
                "children": [],
            }
        ],
    },
]
EXPECTED_ATTENDEES = [
    {
        "group": "市町村等",
        "title": "富山市長",
        "name": "藤井 裕久",
        "mode": "present",
        "proxy_title": "",
        "proxy_name": "",
    },
    {
        "group": "市町村等",
        "title": "高岡市長",
        "name": "角田 悠紀",
        "mode": "proxy",
        "proxy_title": "副市長",
        "proxy_name": "高岡 次郎",
    },
    {
        "group": "県",
        "title": "知事",
        "name": "新田 八朗",
        "mode": "online",
        "proxy_title": "",
        "proxy_name": "",
    },
]


def test_live_and_frozen_records_read_the_same(meeting, distributed, client, viewer):
    agenda, attendees = frozen.read_record(distributed.page_html)
    assert agenda == EXPECTED_AGENDA
    assert attendees == EXPECTED_ATTENDEES


def test_frozen_seat_list_reads_as_the_live_one(meeting, client, viewer):
    meeting.attendances.filter(title="富山市長").update(seat_side="left", seat_order=1)
    meeting.attendances.filter(title="高岡市長").update(seat_side="right", seat_order=1)
    secretariat = factories.make_user(role="secretariat", username="jimukyoku")
    client.force_login(secretariat)
    live = json.loads(client.get(f"/export/meeting-seats.json?pk={meeting.pk}").content)
    services.publish_meeting(meeting=meeting, by=secretariat)
    edition = Edition.objects.get(meeting=meeting, number=1)
    assert (
        frozen.read_seats(edition.page_html)
        == live["rows"]
        == [
            {"side": "左側", "title": "富山市長", "name": "藤井 裕久"},
            {"side": "右側", "title": "高岡市長", "name": "高岡 次郎（代理）"},
        ]
    )


def test_the_api_serves_the_distributed_edition_not_todays_data(
    meeting, distributed, client, viewer
):
    item = meeting.agenda_items.get(title="開会")
    item.title = "開会（配付後に変更）"
    item.save()
    client.force_login(viewer)
    body = json.loads(client.get(f"/api/meetings/{meeting.pk}/").content)
    assert body["edition"]["label"] == "第1版"
    assert (
        body["edition"]["packet_url"] == f"/meetings/{meeting.pk}/editions/1/packet.pdf"
    )
    assert body["agenda"] == EXPECTED_AGENDA
    assert body["attendees"] == EXPECTED_ATTENDEES
    assert [(m["label"], m["pdf_url"]) for m in body["materials"]] == [
        ("資料1", f"/meetings/{meeting.pk}/editions/1/materials/1.pdf"),
        ("参考資料1", f"/meetings/{meeting.pk}/editions/1/reference/1.pdf"),
    ]
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "開会（配付後に変更）" not in page
    export = json.loads(
        client.get(f"/export/meeting-agenda.json?pk={meeting.pk}").content
    )
    assert [r["title"] for r in export["rows"]] == ["開会", "議事", "進み具合（報告）"]


def test_before_distribution_the_api_reads_todays_data(meeting, client):
    secretariat = factories.make_user(role="secretariat", username="jimukyoku")
    client.force_login(secretariat)
    body = json.loads(client.get(f"/api/meetings/{meeting.pk}/").content)
    assert body["edition"] is None
    assert body["agenda"] == EXPECTED_AGENDA
    assert body["attendees"] == EXPECTED_ATTENDEES
    assert body["materials"][0]["file_url"] is None
    assert body["materials"][0]["pdf_url"] == f"/meetings/{meeting.pk}/materials/1.pdf"


def test_a_past_edition_is_read_as_its_own_page_shows_it(
    meeting, distributed, client, viewer
):
    from meetings import editions

    material = meeting.materials.get(series="main")
    material.title = "事業の進み具合（修正）"
    material.save()
    secretariat = factories.make_user(role="secretariat", username="jimu2")
    second = editions.distribute(meeting=meeting, by=secretariat)
    assert second.number == 2 and second.state == Edition.State.READY
    client.force_login(viewer)
    now = json.loads(client.get(f"/api/meetings/{meeting.pk}/materials/").content)
    assert now[0]["title"] == "事業の進み具合（修正）"
    assert now[0]["replaced_in"] == 2
    then = json.loads(
        client.get(f"/api/meetings/{meeting.pk}/materials/?edition=1").content
    )
    assert then[0]["title"] == "事業の進み具合"
    page = client.get(f"/meetings/{meeting.pk}/editions/1/").content.decode()
    link = f"/export/meeting-materials.csv?pk={meeting.pk}&amp;edition=1"
    assert link in page
    rows = json.loads(
        client.get(f"/export/meeting-materials.json?pk={meeting.pk}&edition=1").content
    )["rows"]
    assert rows[0]["title"] == "事業の進み具合"
    missing = client.get(f"/api/meetings/{meeting.pk}/?edition=9")
    assert missing.status_code == 404
