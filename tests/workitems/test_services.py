"""Roll-over, data checks and calendar tokens."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tests.factories import (
    make_item,
    make_item_year,
    make_measure,
    make_result_row,
    make_session,
)
from workitems import services
from workitems.models import ItemYear, ResultRow

pytestmark = pytest.mark.django_db


def test_roll_over_continues_the_item_with_empty_rows():
    item = make_item()
    year = make_item_year(item=item, fiscal_year=2021)
    make_result_row(item_year=year, label="①本部", heading="●見出し")
    make_result_row(item_year=year, label="②電子入札")
    new = services.roll_over_item(item_year=year)
    assert (new.fiscal_year, new.status) == (2022, "continued")
    rows = ResultRow.objects.filter(table__item_year=new).order_by("order")
    assert [(r.heading, r.label, r.results, r.next_steps) for r in rows] == [
        ("●見出し", "①本部", "", ""),
        ("", "②電子入札", "", ""),
    ]
    table = new.result_tables.get()
    assert table.results_heading == "令和4年度の取り組み成果等"
    assert table.next_heading == "令和5年度以降の取り組み"


def test_roll_over_refuses_an_existing_year_and_a_concluded_item():
    item = make_item()
    year = make_item_year(item=item, fiscal_year=2021)
    make_item_year(item=item, fiscal_year=2022, status="concluded")
    with pytest.raises(ValidationError) as exc:
        services.roll_over_item(item_year=year)
    assert exc.value.messages == ["テストの連携項目の令和4年度の状態は既にあります。"]
    with pytest.raises(ValidationError):
        services.roll_over_item(item_year=ItemYear.objects.get(fiscal_year=2022))
    assert ItemYear.objects.count() == 2


def test_find_inconsistencies_reports_each_kind():
    item = make_item(name="点検する項目")
    year = make_item_year(item=item, fiscal_year=2021)
    make_session(
        measure=make_measure(item=item, code="③"),
        date=dt.date(2022, 2, 4),
        planned=True,
    )
    from tests.factories import make_organization
    from workitems.models import ItemProposer

    ItemProposer.objects.create(
        item=item,
        organization=make_organization(
            name="滑川市", kind="city", headquarters=item.headquarters
        ),
        on_wg_table=False,
    )
    findings = services.find_inconsistencies(
        today=dt.date(2022, 3, 1), headquarters=item.headquarters
    )
    assert [(f.kind, f.message) for f in findings] == [
        ("overdue_session", "点検する項目 ③：2/4予定が「予定」のままです。"),
        ("no_results", "点検する項目：令和3年度の取り組み結果が登録されていません。"),
        (
            "proposers_differ",
            "点検する項目：資料1のWG開催状況には滑川市を記載していません。",
        ),
    ]
    make_result_row(item_year=year)
    assert [
        f.kind
        for f in services.find_inconsistencies(
            today=dt.date(2022, 2, 3), headquarters=item.headquarters
        )
    ] == ["proposers_differ"]


def test_reset_calendar_token_replaces_the_secret():
    user = factories.make_user(role="viewer")
    old = user.profile.calendar_token
    profile = services.reset_calendar_token(user=user)
    assert profile.calendar_token != old
    assert len(profile.calendar_token) >= 40
