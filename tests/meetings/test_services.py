import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings import services
from meetings.models import Meeting, Person, Tenure

pytestmark = pytest.mark.django_db


def _agenda(meeting):
    """(title, parent title) in reading order: each item, then its sub-items."""
    rows = []
    for item in meeting.agenda_items.filter(parent=None):
        rows.append((item.title, None))
        rows += [(c.title, item.title) for c in item.children.order_by("order")]
    return rows


def test_copy_fills_the_meeting_the_schedule_plans_for_that_month(seed):
    planned = Meeting.objects.get(fiscal_year=2022, number=1)
    count = Meeting.objects.count()
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2022, 5, 19))
    assert result.meeting.pk == planned.pk
    assert Meeting.objects.count() == count
    assert result.meeting.when_label == "令和4年5月19日（木）"
    assert result.meeting.published is False
    assert _agenda(result.meeting) == [
        ("開会", None),
        ("知事あいさつ", None),
        ("議事", None),
        ("令和4年度連携推進項目の取り組み内容等の報告", "議事"),
        ("令和4年度連携推進項目のスケジュール", "議事"),
        ("閉会", None),
    ]
    assert result.meeting.attendances.count() == 34
    assert result.meeting.materials.count() == 6


def test_copy_late_in_the_year_fills_the_last_planned_meeting_before_it(seed):
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2023, 2, 2))
    assert (result.meeting.number, result.meeting.fiscal_year) == (4, 2022)


def test_copy_takes_number_after_the_last_when_nothing_is_planned(seed):
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2023, 4, 20))
    assert (result.meeting.fiscal_year, result.meeting.number) == (2023, 1)
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2023, 6, 20))
    assert result.meeting.number == 2


def test_copy_names_the_current_holder_and_keeps_the_old_record(seed):
    attendance = seed.attendances.get(title="高岡市長")
    Tenure.objects.filter(position=attendance.position).update(end=dt.date(2022, 3, 31))
    Tenure.objects.create(
        position=attendance.position,
        person=Person.objects.create(headquarters=seed.headquarters, name="新 市長"),
        start=dt.date(2022, 4, 1),
    )
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2022, 5, 19))
    assert result.meeting.attendances.get(title="高岡市長").name == "新 市長"
    assert seed.attendances.get(title="高岡市長").name == "角田 悠紀"
    assert result.vacant_positions == []


def test_copy_reports_positions_nobody_holds_on_the_new_date(seed):
    attendance = seed.attendances.get(title="朝日町長")
    Tenure.objects.filter(position=attendance.position).update(end=dt.date(2022, 3, 31))
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2022, 5, 19))
    assert result.vacant_positions == ["朝日町長"]
    assert result.meeting.attendances.get(title="朝日町長").name == "笹原 靖直"


def test_copy_with_a_taken_number_is_refused_and_saves_nothing(seed):
    count = Meeting.objects.count()
    with pytest.raises(ValidationError, match="この年度のこの回の会議は既にあります"):
        services.copy_meeting(meeting=seed, new_date=dt.date(2021, 11, 19), number=3)
    assert Meeting.objects.count() == count
