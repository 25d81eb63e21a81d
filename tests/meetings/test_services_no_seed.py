"""Meeting services on data made by the factories, without the seed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings import services
from meetings.models import Meeting
from tests import factories
from tests.meetings.test_services import _agenda

pytestmark = pytest.mark.django_db


def test_copy_meeting_copies_agenda_materials_attendees_and_seats(db):
    seed = factories.make_meeting(fiscal_year=2021, number=4, date=dt.date(2022, 1, 20))
    top = factories.make_agenda_item(meeting=seed, title="議事", order=1)
    sub = factories.make_agenda_item(
        meeting=seed, title="令和3年度連携推進項目について", parent=top
    )
    material = factories.make_material(
        meeting=seed, title="令和3年度連携推進項目の取り組み状況について"
    )
    sub.materials.add(material)
    factories.make_material(meeting=seed, title="参考", series="reference")
    factories.make_attendance(
        meeting=seed,
        seat_side="left",
        seat_order=1,
        position=factories.make_position(holder="藤井 裕久"),
    )
    factories.make_attendance(
        meeting=seed,
        title="知事",
        name="新田 八朗",
        group="prefecture",
        seat_side="head",
        seat_order=1,
    )
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2022, 5, 19))
    new = result.meeting
    assert (new.fiscal_year, new.number, new.date) == (2022, 1, dt.date(2022, 5, 19))
    assert new.published is False
    assert new.status == Meeting.Status.SCHEDULED
    assert new.venue == seed.venue
    assert _agenda(new) == _agenda(seed)
    assert list(
        new.materials.values_list("series", "order", "title", "section_kind")
    ) == list(seed.materials.values_list("series", "order", "title", "section_kind"))
    old = list(
        seed.attendances.values_list(
            "group", "order", "title", "name", "seat_side", "seat_order"
        )
    )
    assert (
        list(
            new.attendances.values_list(
                "group", "order", "title", "name", "seat_side", "seat_order"
            )
        )
        == old
    )
    item = new.agenda_items.get(title="令和3年度連携推進項目について")
    assert list(item.materials.values_list("meeting_id", "title")) == [
        (new.pk, "令和3年度連携推進項目の取り組み状況について")
    ]


def test_publish_meeting_sets_published_and_time(db):
    meeting = factories.make_meeting(published=False)
    services.publish_meeting(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.published is True
    assert meeting.published_at is not None


def test_publishing_a_cancelled_meeting_is_refused(db):
    meeting = factories.make_meeting(published=False, status="cancelled")
    with pytest.raises(ValidationError, match="中止になった会議は公開できません"):
        services.publish_meeting(meeting=meeting)
