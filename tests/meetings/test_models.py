import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Meeting, Organization
from tests import factories

pytestmark = pytest.mark.django_db


def test_wrong_check_digit_is_a_clear_form_error(db):
    org = Organization(name="富山市", kind="city", code="162010")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert exc.value.message_dict["code"] == [
        "全国地方公共団体コード「162010」は正しくありません。6桁の数字で、6桁目は検査数字です。"
    ]


def test_meeting_needs_a_date_or_an_approximate_month(db):
    hq = factories.make_headquarters()
    meeting = Meeting(headquarters=hq, fiscal_year=2022, number=1)
    with pytest.raises(ValidationError, match="開催日か開催予定月のどちらか一方"):
        meeting.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            headquarters=hq,
            fiscal_year=2022,
            number=1,
            date=dt.date(2022, 5, 19),
            approx_month=dt.date(2022, 5, 1),
        )


def test_meeting_date_must_fall_in_its_fiscal_year(db):
    meeting = Meeting(
        headquarters=factories.make_headquarters(),
        fiscal_year=2022,
        number=1,
        date=dt.date(2022, 3, 31),
    )
    with pytest.raises(ValidationError) as exc:
        meeting.full_clean()
    assert exc.value.message_dict["fiscal_year"] == [
        "開催日（令和4年3月31日）は令和4年度に含まれません。"
    ]


def test_regular_meeting_number_is_unique_in_a_year(db):
    factories.make_meeting(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_meeting(number=1, date=dt.date(2021, 7, 1))


def test_planned_meeting_shows_part_of_month(db):
    meeting = factories.make_meeting(
        fiscal_year=2022,
        date=None,
        approx_month=dt.date(2022, 5, 1),
        approx_part=2,
        status="planned",
    )
    assert meeting.when_label == "令和4年5月中旬"
    assert meeting.when_short == "R4.5月中旬"
    assert meeting.sort_date == dt.date(2022, 5, 11)


def test_extraordinary_meeting_name(db):
    meeting = factories.make_meeting(
        kind="extraordinary",
        topic="新型コロナウイルス対策に関する",
        date=dt.date(2021, 12, 8),
    )
    assert meeting.short_title == "新型コロナウイルス対策に関する臨時会議"
    assert meeting.number is None


def test_proxy_attendance_needs_the_proxys_name(db):
    meeting = factories.make_meeting()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_attendance(meeting=meeting, mode="proxy")


def test_two_people_cannot_share_a_seat(db):
    meeting = factories.make_meeting()
    factories.make_attendance(meeting=meeting, seat_side="left", seat_order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_attendance(
            meeting=meeting, order=2, seat_side="left", seat_order=1
        )


def test_agenda_items_nest_only_two_levels(db):
    meeting = factories.make_meeting()
    top = factories.make_agenda_item(meeting=meeting, title="議事")
    sub = factories.make_agenda_item(meeting=meeting, title="(1)", parent=top)
    deeper = factories.make_agenda_item(meeting=meeting, title="深い", parent=sub)
    with pytest.raises(ValidationError, match="2段まで"):
        deeper.full_clean()


def test_tenure_in_force_counts_open_and_unknown_starts(db):
    position = factories.make_position(start=None)
    from meetings.models import Tenure

    assert (
        Tenure.objects.in_force(dt.date(2022, 1, 20)).filter(position=position).count()
        == 1
    )
    Tenure.objects.filter(position=position).update(end=dt.date(2021, 12, 31))
    assert (
        Tenure.objects.in_force(dt.date(2022, 1, 20)).filter(position=position).count()
        == 0
    )
