"""年度 typed as people write it, shown as 令和4年度."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from onechamber import jdates
from onechamber.fields import FiscalYearField as FiscalYearModelField
from onechamber.forms import FiscalYearField


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("令和4年度", 2022),
        ("令和4", 2022),
        ("令和４年度", 2022),
        ("R4", 2022),
        ("r4", 2022),
        ("Ｒ４年度", 2022),
        ("R4年度", 2022),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("平成32年度", 2020),
        ("H30", 2018),
        ("2022", 2022),
        ("２０２２", 2022),
        ("2022年度", 2022),
        (" 令和 4 年度 ", 2022),
    ],
)
def test_a_fiscal_year_as_people_type_it(text, year):
    assert jdates.parse_fiscal_year(text) == year
    assert FiscalYearField().clean(text) == year


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "このフィールドは必須です。"),
        ("令和", "年度が読み取れません"),
        ("R0", "年は1（元年）以上"),
        ("22", "年度が読み取れません"),
        ("2022-04", "年度が読み取れません"),
        ("令和4年4月1日", "年度が読み取れません"),
        ("9999", "年度は1900〜2099の範囲で入力してください。"),
        ("1800", "年度は1900〜2099の範囲で入力してください。"),
        ("令和4年度" * 20, "年度が長すぎます"),
        ("\x00", "年度が読み取れません"),
        ("\ud800", "年度が読み取れません"),
    ],
)
def test_what_is_not_a_fiscal_year_is_a_message(text, message):
    field = FiscalYearField(required=True)
    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    assert message in " ".join(caught.value.messages)


@given(st.text(max_size=60))
def test_any_text_is_a_year_or_a_message(text):
    try:
        year = FiscalYearField(required=False).clean(text)
    except ValidationError as exc:
        assert exc.messages and all(m for m in exc.messages)
    else:
        assert year is None or 1900 <= year <= 2099


def test_the_form_shows_the_year_in_wareki():
    class Form(forms.Form):
        fiscal_year = FiscalYearField()

    html = str(Form(initial={"fiscal_year": 2022})["fiscal_year"])
    assert 'value="令和4年度"' in html and 'type="text"' in html
    bound = Form(data={"fiscal_year": "R4"}, initial={"fiscal_year": 2022})
    assert bound.is_valid() and not bound.has_changed()
    assert bound.cleaned_data["fiscal_year"] == 2022


def test_the_model_field_is_a_small_integer_to_migrations():
    field = FiscalYearModelField("年度")
    _name, path, _args, _kwargs = field.deconstruct()
    assert path == "django.db.models.PositiveSmallIntegerField"
    assert isinstance(field.formfield(), FiscalYearField)


@pytest.mark.django_db
def test_the_admin_takes_and_shows_the_year_in_wareki(client, secretariat_user):
    from django.urls import reverse

    from tests import factories
    from workitems.models import ItemYear

    item = factories.make_item(name="除雪の連携")
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:workitems_itemyear_add"),
        {
            "item": item.pk,
            "fiscal_year": "R4",
            "status": "new",
            "followup": "",
            "plan_order": 0,
            "selection_reason": "",
            **{
                f"{prefix}-{key}": value
                for prefix in ("result_tables", "highlights", "indicators", "proposal")
                for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    year = ItemYear.objects.get(item=item)
    assert year.fiscal_year == 2022
    page = client.get(reverse("admin:workitems_itemyear_change", args=[year.pk]))
    assert 'value="令和4年度"' in page.content.decode()
    wrong = client.post(
        reverse("admin:workitems_itemyear_change", args=[year.pk]),
        {"item": item.pk, "fiscal_year": "令和", "status": "new"},
    )
    assert "年度が読み取れません" in wrong.content.decode()
    year.refresh_from_db()
    assert year.fiscal_year == 2022
