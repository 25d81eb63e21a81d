"""Form fields every app uses: the one Japanese date field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onechamber import jdates
from onechamber.validators import validate_fiscal_year

# Longer text is not a date someone typed; refuse it before parsing.
MAX_DATE_TEXT = 40


def year_range() -> tuple[int, int]:
    """First and last year a person may type (settings ONECHAMBER_MIN_YEAR/_MAX_YEAR)."""
    return settings.ONECHAMBER_MIN_YEAR, settings.ONECHAMBER_MAX_YEAR


def clean_year(year: int) -> int:
    """`year` if it lies in the range people may type, else a ValidationError."""
    first, last = year_range()
    if not first <= year <= last:
        raise ValidationError(
            _("%(min)s年から%(max)s年までの年を入力してください。"),
            code="year_out_of_range",
            params={"min": first, "max": last},
        )
    return year


def clean_date(value, *, check_years: bool = True) -> dt.date | None:
    """A date as people type it (2022-01-20, 2022/1/20, 令和4年1月20日, R4.1.20,
    full-width digits too), within the years of `year_range()` unless the
    caller checks a range of its own; None if empty."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        if not text:
            return None
        if len(text) > MAX_DATE_TEXT:
            raise ValidationError(
                _("日付が長すぎます。2021-08-31 のように入力してください。"),
                code="too_long",
            )
        try:
            day = jdates.parse_date(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_date") from None
    first, last = year_range()
    if check_years and not first <= day.year <= last:
        raise ValidationError(
            _("%(min)s年から%(max)s年までの日付を入力してください。"),
            code="out_of_range",
            params={"min": first, "max": last},
        )
    return day


class JapaneseDateField(forms.DateField):
    """A date typed as 2022-01-20, 2022/1/20, 令和4年1月20日 or R4.1.20.

    The years allowed are the portal's (settings), or the form's own range
    when it gives `earliest`, `latest` and the message that names them."""

    def __init__(self, *, earliest=None, latest=None, range_message=None, **kwargs):
        super().__init__(**kwargs)
        self.earliest, self.latest, self.range_message = earliest, latest, range_message

    def to_python(self, value):
        own_range = self.earliest is not None or self.latest is not None
        day = clean_date(value, check_years=not own_range)
        too_early = self.earliest is not None and day and day < self.earliest
        too_late = self.latest is not None and day and day > self.latest
        if too_early or too_late:
            raise ValidationError(self.range_message, code="out_of_range")
        return day

    def strptime(self, value, format):  # noqa: A002 - Django's signature
        return clean_date(value)


class WarekiDateField(JapaneseDateField):
    """The admin's date field: typed as people write dates (2022-01-20,
    2022/1/20, 令和4年1月20日, R4.1.20) and shown as 令和4年1月20日."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.pop("widget", None)  # the admin's calendar input types 西暦 only
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "placeholder": _("例：令和4年1月20日"),
            "size": 16,
            "inputmode": "text",
        }

    def prepare_value(self, value):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return jdates.wareki(value, with_weekday=False)
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


class PortalSplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time pair, within the years of `year_range()`:
    0001-01-01 00:00 here is before year 1 in UTC, which the database
    adapter cannot convert (a server error on save, then on every display)."""

    def compress(self, data_list):
        moment = super().compress(data_list)
        if moment is not None:
            clean_year(moment.year)
        return moment


class FiscalYearField(forms.IntegerField):
    """A fiscal year typed as 令和4年度, R4 or 2022 and shown as 令和4年度; its
    value is the year it starts in (2022)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.pop("max_value", None)
        kwargs.pop("min_value", None)
        kwargs.pop("step_size", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "placeholder": _("例：令和4年度"),
            "size": 12,
            "inputmode": "text",
        }

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return jdates.fiscal_year_label(value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            year = value
        else:
            text = str(value).strip()
            if not text:
                return None
            if len(text) > MAX_DATE_TEXT:
                raise ValidationError(
                    _("年度が長すぎます。令和4年度 のように入力してください。"),
                    code="too_long",
                )
            try:
                year = jdates.parse_fiscal_year(text)
            except ValueError as exc:
                raise ValidationError(str(exc), code="invalid_fiscal_year") from None
        # The one range and message of the model fields (onechamber.validators).
        validate_fiscal_year(year)
        return year

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (
                None if initial in self.empty_values else int(initial)
            )
        except (ValidationError, TypeError, ValueError):
            return True
