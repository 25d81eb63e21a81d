"""Model field validators every app uses."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_portal_year(value: int | None) -> bool:
    """Whether `value` lies in the years people may type (settings
    ONECHAMBER_MIN_YEAR.._MAX_YEAR)."""
    first, last = settings.ONECHAMBER_MIN_YEAR, settings.ONECHAMBER_MAX_YEAR
    return value is not None and first <= value <= last


def validate_fiscal_year(value: int) -> None:
    """A fiscal year (西暦, the year it starts) within the portal's years: past
    them no era and no Python date can write its months."""
    first, last = settings.ONECHAMBER_MIN_YEAR, settings.ONECHAMBER_MAX_YEAR
    if value is not None and not is_portal_year(value):
        raise ValidationError(
            _("年度は%(min)s〜%(max)sの範囲で入力してください。"),
            code="fiscal_year_out_of_range",
            params={"min": first, "max": last},
        )
