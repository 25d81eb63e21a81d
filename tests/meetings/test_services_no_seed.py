"""Meeting services on data made by the factories, without the seed."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

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
    assert (new.copied_from, new.fills) == (seed, None)
    assert new.published is False
    assert new.status == Meeting.Status.SCHEDULED
    assert new.venue == seed.venue
    assert _agenda(new) == [("議事", None), ("令和4年度連携推進項目について", "議事")]
    assert list(
        new.materials.values_list("series", "order", "title", "section_kind")
    ) == [
        ("main", 1, "令和4年度連携推進項目の取り組み状況について", ""),
        ("reference", 1, "参考", ""),
    ]
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
    item = new.agenda_items.get(title="令和4年度連携推進項目について")
    assert list(item.materials.values_list("meeting_id", "title")) == [
        (new.pk, "令和4年度連携推進項目の取り組み状況について")
    ]
    assert result.review == []


def test_copy_lists_pdfs_dated_text_and_other_years_but_not_sections(db, settings):
    source = factories.make_meeting(
        fiscal_year=2021, number=4, date=dt.date(2022, 1, 20)
    )
    factories.make_material(
        meeting=source,
        title="R3年度の取り組み状況",
        content="section",
        section_kind="workitems.fy_report",
        text="",
    )
    factories.make_material(
        meeting=source,
        title="令和2年度からの推移",
        order=2,
        content="pdf",
        text="",
        file=factories.make_pdf_file(),
    )
    factories.make_material(
        meeting=source,
        title="研修について",
        series="reference",
        text="令和4年1月20日　人事課\n\n研修は1月31日から。",
    )
    factories.make_material(
        meeting=source, title="会員登録について", series="reference", order=2
    )
    factories.make_agenda_item(meeting=source, title="2020年度と2021年度の比較")
    result = services.copy_meeting(meeting=source, new_date=dt.date(2022, 5, 19))
    assert list(result.meeting.materials.values_list("title", flat=True)) == [
        "令和4年度の取り組み状況",
        "令和2年度からの推移",
        "研修について",
        "会員登録について",
    ]
    assert result.review == [
        "資料2「令和2年度からの推移」：表題の令和2年度はコピー元の年度ではないため、"
        "そのままです。",
        "資料2「令和2年度からの推移」：PDFファイルは前回のままです。",
        "参考資料1「研修について」：本文の日付・年度は前回のままです"
        "（令和4年1月20日、1月31日）。",
        "次第「2020年度と2022年度の比較」：2020年度はコピー元の年度ではないため、"
        "そのままです。",
    ]
    assert result.changes[-1] == "表題の令和3年度を令和4年度に改めました（2件）。"


def test_copy_of_an_extraordinary_meeting_rolls_its_topic(db):
    source = factories.make_meeting(
        kind="extraordinary",
        topic="令和3年度の雪害対策に関する",
        date=dt.date(2021, 12, 8),
    )
    result = services.copy_meeting(meeting=source, new_date=dt.date(2022, 12, 8))
    assert (result.meeting.topic, result.meeting.number) == (
        "令和4年度の雪害対策に関する",
        None,
    )


def test_copy_of_an_extraordinary_meeting_refuses_a_number(db):
    source = factories.make_meeting(kind="extraordinary", topic="雪害対策に関する")
    count = Meeting.objects.count()
    with pytest.raises(ValidationError, match="臨時会議には回を付けません"):
        services.copy_meeting(meeting=source, new_date=dt.date(2022, 12, 8), number=2)
    assert Meeting.objects.count() == count


def test_planned_topics_go_last_when_the_copy_has_no_business_item(db):
    source = factories.make_meeting(
        fiscal_year=2021, number=4, date=dt.date(2022, 1, 20)
    )
    factories.make_agenda_item(meeting=source, title="開会", order=1)
    factories.make_agenda_item(meeting=source, title="閉会", order=2)
    planned = factories.make_meeting(
        fiscal_year=2022,
        number=1,
        date=None,
        approx_month=dt.date(2022, 5, 1),
        approx_part=2,
        status="planned",
    )
    factories.make_agenda_item(meeting=planned, title="取り組みの報告")
    result = services.copy_meeting(
        meeting=source, new_date=dt.date(2022, 5, 19), fill_planned=planned.pk
    )
    assert _agenda(result.meeting) == [
        ("開会", None),
        ("閉会", None),
        ("取り組みの報告", None),
    ]
    assert result.review == [
        "コピー元の次第に「議事」の小項目がないため、計画中の議題を次第の最後に"
        "加えました。位置を確かめてください。"
    ]


@pytest.mark.parametrize("seen_by", ["validation", "database"])
def test_a_submission_that_lost_the_race_returns_the_winners_copy(
    db, monkeypatch, seen_by
):
    source = factories.make_meeting(
        fiscal_year=2021, number=4, date=dt.date(2022, 1, 20)
    )
    first = services.copy_meeting(
        meeting=source, new_date=dt.date(2022, 5, 19), token="same-form"
    )
    # As if both submissions had looked before either saved (SQLite takes no
    # row lock): the second one's save meets the first one's token.
    real = services._existing_copy
    calls = []

    def first_look_misses(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "_existing_copy", first_look_misses)
    if seen_by == "database":
        # The winner committed after this one validated.
        monkeypatch.setattr(Meeting, "validate_constraints", lambda self, **kw: None)
    count = Meeting.objects.count()
    again = services.copy_meeting(
        meeting=source, new_date=dt.date(2022, 5, 26), token="same-form"
    )
    assert (again.meeting, again.created) == (first.meeting, False)
    assert Meeting.objects.count() == count
    assert len(calls) == 2


def test_a_number_taken_meanwhile_is_refused_with_a_message(db, monkeypatch):
    source = factories.make_meeting(
        fiscal_year=2021, number=4, date=dt.date(2022, 1, 20)
    )
    factories.make_meeting(fiscal_year=2022, number=1, date=dt.date(2022, 5, 12))
    # Taken after this submission validated: only the database sees it.
    monkeypatch.setattr(Meeting, "validate_constraints", lambda self, **kw: None)
    count = Meeting.objects.count()
    with pytest.raises(ValidationError, match="この年度のこの回の会議は既にあります"):
        services.copy_meeting(meeting=source, new_date=dt.date(2022, 5, 19), number=1)
    assert Meeting.objects.count() == count


def test_the_database_refuses_two_copies_of_one_form_or_of_one_planned_meeting(db):
    planned = factories.make_meeting(
        fiscal_year=2022, number=1, date=None, approx_month=dt.date(2022, 5, 1)
    )

    def dated(**kwargs):
        return Meeting.objects.create(
            headquarters=planned.headquarters,
            fiscal_year=2022,
            date=dt.date(2022, 5, 19),
            **kwargs,
        )

    dated(number=1, fills=planned, copy_token="form-1")
    with transaction.atomic(), pytest.raises(IntegrityError):
        dated(number=1)  # the planned meeting holds the number
    with transaction.atomic(), pytest.raises(IntegrityError):
        dated(number=1, fills=planned)  # one copy fills it
    with transaction.atomic(), pytest.raises(IntegrityError):
        dated(number=7, copy_token="form-1")  # one form makes one copy


def test_a_copy_that_fills_a_planned_meeting_keeps_its_number(db):
    planned = factories.make_meeting(
        fiscal_year=2022, number=1, date=None, approx_month=dt.date(2022, 5, 1)
    )
    source = factories.make_meeting(
        fiscal_year=2021, number=4, date=dt.date(2022, 1, 20)
    )
    new = services.copy_meeting(
        meeting=source, new_date=dt.date(2022, 5, 19), fill_planned=planned.pk
    ).meeting
    new.number = 2
    with pytest.raises(ValidationError) as refused:
        new.full_clean()
    assert refused.value.message_dict["number"] == [
        "この会議は計画中の「令和4年度第1回テスト連携推進本部会議」に反映するコピーの"
        "ため、年度・種類・回は変えられません。"
    ]


def test_a_form_that_leaves_out_the_link_still_checks_the_number(db):
    factories.make_meeting(fiscal_year=2022, number=1, date=dt.date(2022, 5, 19))
    other = factories.make_meeting(
        fiscal_year=2022, number=2, date=dt.date(2022, 8, 25)
    )
    other.number = 1
    with pytest.raises(ValidationError, match="この年度のこの回の会議は既にあります"):
        other.validate_constraints(exclude={"fills", "copied_from", "copy_token"})


def test_deleting_a_planned_meeting_with_a_copy_is_refused(db):
    planned = factories.make_meeting(
        fiscal_year=2022, number=1, date=None, approx_month=dt.date(2022, 5, 1)
    )
    source = factories.make_meeting(
        fiscal_year=2021, number=4, date=dt.date(2022, 1, 20)
    )
    services.copy_meeting(
        meeting=source, new_date=dt.date(2022, 5, 19), fill_planned=planned.pk
    )
    with pytest.raises(ProtectedError):
        planned.delete()


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


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite takes no row locks"
)
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one_copy():
    source = factories.make_meeting(
        fiscal_year=2021, number=4, date=dt.date(2022, 1, 20)
    )
    start = threading.Barrier(2)
    results = []

    def submit():
        start.wait()
        try:
            results.append(
                services.copy_meeting(
                    meeting=source, new_date=dt.date(2022, 5, 19), token="one-form"
                ).created
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert Meeting.objects.filter(copied_from=source).count() == 1
