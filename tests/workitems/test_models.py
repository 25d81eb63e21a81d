"""Constraints and QuerySets of cooperation items."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests import factories
from tests.factories import (
    make_department,
    make_item,
    make_item_year,
    make_measure,
    make_session,
)
from workitems.models import ItemYear, Session, WorkItem

pytestmark = pytest.mark.django_db


def test_session_cannot_be_both_dated_and_approximate():
    measure = make_measure(item=make_item())
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(
            measure=measure,
            date=dt.date(2022, 2, 4),
            approx_month=dt.date(2022, 2, 1),
            planned=True,
        )


def test_session_needs_a_date_or_a_month():
    measure = make_measure(item=make_item())
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(measure=measure, date=None)


def test_approximate_session_must_be_planned():
    measure = make_measure(item=make_item())
    session = Session(
        measure=measure, fiscal_year=2021, approx_month=dt.date(2022, 2, 1)
    )
    with pytest.raises(ValidationError) as exc:
        session.full_clean()
    assert "開催予定月だけの会合は「予定」にしてください。" in str(exc.value)


def test_session_date_must_fall_in_its_cooperation_year():
    measure = make_measure(item=make_item())
    session = Session(measure=measure, fiscal_year=2021, date=dt.date(2022, 4, 1))
    with pytest.raises(ValidationError) as exc:
        session.full_clean()
    assert exc.value.message_dict["fiscal_year"] == [
        "開催日は令和3年度の期間（前年の1月から翌年3月まで）に入れてください。"
    ]
    # A preparatory session in the February before the year starts is fine.
    Session(measure=measure, fiscal_year=2021, date=dt.date(2021, 2, 17)).full_clean()


def test_one_status_per_item_and_year():
    item = make_item()
    make_item_year(item=item, fiscal_year=2021)
    with pytest.raises(ValidationError) as exc:
        ItemYear(item=item, fiscal_year=2021, status="continued").full_clean()
    assert "この項目のこの年度の状態は既にあります。" in str(exc.value)


def test_followup_only_when_concluded():
    item = make_item()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_item_year(item=item, status="continued", followup="個別の進行管理")


def test_when_label_as_the_wg_table_writes_it():
    assert Session(date=dt.date(2022, 2, 4), planned=True).when_label == "2/4予定"
    assert (
        Session(approx_month=dt.date(2022, 2, 1), planned=True).when_label == "2月予定"
    )
    assert Session(date=dt.date(2021, 9, 1)).when_label == "9/1"


def test_status_phrase_per_status():
    item = make_item()
    assert (
        ItemYear(item=item, fiscal_year=2022, status="continued").status_phrase
        == "令和4年度協議継続"
    )
    assert (
        ItemYear(item=item, fiscal_year=2022, status="concluded").status_phrase
        == "連携推進項目での協議を終了"
    )


def test_active_in_lists_new_and_continued_items_only():
    a, b, c = make_item(name="A"), make_item(name="B"), make_item(name="C")
    make_item_year(item=a, fiscal_year=2022, status="new")
    make_item_year(item=b, fiscal_year=2022, status="continued")
    make_item_year(item=c, fiscal_year=2022, status="concluded")
    assert set(WorkItem.objects.active_in(2022)) == {a, b}


def test_for_department_includes_its_divisions_and_measures():
    dept = make_department(name="厚生部")
    division = factories.make_organization(
        name="厚生企画課", kind="division", parent=dept
    )
    other = make_department(name="土木部")
    by_division = make_item(name="課が担当", departments=[division])
    by_measure = make_item(name="施策が担当")
    make_measure(item=by_measure, department=dept)
    make_item(name="他部局", departments=[other])
    assert set(WorkItem.objects.for_department(dept)) == {by_division, by_measure}
    assert list(WorkItem.objects.for_department(None)) == []


def test_concerning_finds_proposers_targets_and_participants():
    funahashi = factories.make_municipality(
        name="舟橋村", code="163210", kind="village"
    )
    proposed = make_item(name="提案", proposers=[funahashi])
    everyone = make_item(name="全市町村")
    everyone.targets_all = True
    everyone.save()
    joined = make_item(name="参加")
    make_session(measure=make_measure(item=joined), participants=[funahashi])
    make_item(name="無関係")
    assert set(WorkItem.objects.concerning(funahashi)) == {proposed, everyone, joined}


def test_overdue_lists_planned_sessions_whose_date_has_passed():
    measure = make_measure(item=make_item())
    past = make_session(
        measure=measure, order=1, date=dt.date(2022, 2, 4), planned=True
    )
    month = make_session(
        measure=measure,
        order=2,
        date=None,
        approx_month=dt.date(2022, 2, 1),
        planned=True,
    )
    make_session(measure=measure, order=3, date=dt.date(2022, 3, 1), planned=True)
    make_session(measure=measure, order=4, date=dt.date(2022, 1, 4))
    assert set(Session.objects.overdue(dt.date(2022, 3, 1))) == {past, month}
