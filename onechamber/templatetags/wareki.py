"""Template filters for Japanese dates: ``{% load wareki %}``."""

import datetime as dt

from django import template
from django.utils import timezone

from onechamber import jdates

register = template.Library()


def _local_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value
    return value


@register.filter
def wareki(value, arg=""):
    """``令和4年1月20日（木）``; ``|wareki:"noweekday"`` leaves the weekday out."""
    if not value:
        return ""
    return jdates.wareki(_local_date(value), with_weekday=arg != "noweekday")


@register.filter
def wareki_year(value):
    """``令和4年`` for a date in 2022 (after 4月30日 2019: the era of that day)."""
    if not value:
        return ""
    label = jdates.wareki_month(value.year, value.month)
    return label.removesuffix(f"{value.month}月")


@register.filter
def wareki_short(value):
    """``R4.1.20``."""
    return jdates.wareki_short(_local_date(value)) if value else ""


@register.filter
def month_day(value, arg=""):
    """``1月20日``; ``|month_day:"weekday"`` adds ``（木）``."""
    if not value:
        return ""
    return jdates.month_day(_local_date(value), with_weekday=arg == "weekday")


@register.filter
def slash_date(value):
    """``1/20``."""
    return jdates.slash_date(_local_date(value)) if value else ""


@register.filter
def fiscal_year_label(value):
    """``令和3年度`` for 2021."""
    return jdates.fiscal_year_label(int(value)) if value not in (None, "") else ""


@register.filter
def fiscal_year_short(value):
    """``R3年度`` for 2021."""
    return jdates.fiscal_year_short(int(value)) if value not in (None, "") else ""


@register.filter
def clock(value):
    """``午後3時``."""
    return jdates.clock(value) if value else ""


@register.simple_tag
def time_range(start, end=None):
    """``午後3時～4時30分``."""
    return jdates.time_range(start, end)
