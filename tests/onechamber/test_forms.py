"""The one Japanese date field, and the approximate date's value type."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from onechamber import jdates
from onechamber.forms import JapaneseDateField, clean_date


@pytest.mark.parametrize(
    "text",
    ["2022-01-20", "2022/1/20", "令和4年1月20日", "R4.1.20", "２０２２／１／２０"],
)
def test_every_form_people_type_reads_as_the_same_day(text):
    assert JapaneseDateField().clean(text) == dt.date(2022, 1, 20)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1899-12-31", "1900年から2099年までの日付を入力してください。"),
        ("2100-01-01", "1900年から2099年までの日付を入力してください。"),
        ("2022-02-30", "2022年2月30日という日付はありません。"),
        ("x" * 41, "日付が長すぎます。2021-08-31 のように入力してください。"),
    ],
)
def test_dates_outside_the_portals_years_or_calendar_are_refused(text, message):
    with pytest.raises(ValidationError) as error:
        clean_date(text)
    assert error.value.messages == [message]


def test_a_form_may_keep_a_range_of_its_own():
    field = JapaneseDateField(
        earliest=dt.date(2000, 1, 1),
        latest=dt.date(2099, 12, 31),
        range_message="範囲外",
    )
    with pytest.raises(ValidationError) as error:
        field.clean("1999-12-31")
    assert error.value.messages == ["範囲外"]


def test_approximate_dates_label_sort_and_span_like_the_schedule():
    planned = jdates.When(month=dt.date(2022, 5, 1), part=2)
    assert (planned.label, planned.short, planned.slash) == (
        "令和4年5月中旬",
        "R4.5月中旬",
        "5月中旬",
    )
    assert planned.sort_date == dt.date(2022, 5, 11)
    assert planned.span == (dt.date(2022, 5, 11), dt.date(2022, 5, 21))
    assert jdates.When(month=dt.date(2022, 2, 1), part=3).span == (
        dt.date(2022, 2, 21),
        dt.date(2022, 3, 1),
    )
    held = jdates.When(date=dt.date(2022, 1, 20))
    assert (held.label, held.short, held.span) == (
        "令和4年1月20日（木）",
        "R4.1.20",
        (dt.date(2022, 1, 20), dt.date(2022, 1, 21)),
    )
    assert not jdates.When()


def test_a_lines_field_is_a_text_field_to_migrations_with_a_preview_in_forms():
    from onechamber.fields import LinesField

    field = LinesField("概要", nested=True, blank=True)
    field.set_attributes_from_name("overview")
    assert field.deconstruct()[1] == "django.db.models.TextField"
    html = field.formfield().widget.render("overview", "項目\n  小項目", {"id": "id_o"})
    assert 'data-lines="nested"' in html
    assert '<div class="lines-preview" data-for="id_o" hidden>' in html
