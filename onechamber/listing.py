"""Lists on portal pages: one fiscal year at a time, in pages a person reads.

A list opens on this fiscal year (April to March) when it holds something,
else on the latest year that does (so a list is never empty by default while
there is data); a 年度 switcher shows the others, and 「すべての年度」 all of
them. Long lists come in pages of Django's paginator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Case, Q, When
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from onechamber import jdates
from onechamber.forms import clean_year

PAGE_SIZE = 20
ALL = "all"


@dataclass(frozen=True)
class FiscalYearChoice:
    """The fiscal year a list shows (None: every year) and the years it offers."""

    year: int | None
    years: tuple[int, ...]  # the years that hold something, newest first
    current: int  # today's fiscal year
    asked: bool  # the year came from the address, not the default
    error: str = ""

    @property
    def label(self) -> str:
        return jdates.fiscal_year_label(self.year) if self.year else _("すべての年度")

    @property
    def current_label(self) -> str:
        return jdates.fiscal_year_label(self.current)

    @property
    def fallback(self) -> bool:
        """Showing another year than this one because this one holds nothing."""
        return not self.asked and self.year is not None and self.year != self.current

    @property
    def options(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) for the switcher, newest first, then all."""
        years = sorted(set(self.years) | ({self.year} - {None}), reverse=True)
        return [
            (str(y), jdates.fiscal_year_label(y), y == self.year) for y in years
        ] + [(ALL, _("すべての年度"), self.year is None)]

    @property
    def value(self) -> str:
        return str(self.year) if self.year else ALL


def fiscal_years_of(records, field: str) -> list[int]:
    """The fiscal years (April to March) the dates in `field` of `records`
    fall in, read by the database as one DISTINCT."""
    year = ExtractYear(field)
    fiscal = Case(When(**{f"{field}__month__gte": 4}, then=year), default=year - 1)
    return list(
        records.order_by()
        .annotate(_fiscal_year=fiscal)
        .values_list("_fiscal_year", flat=True)
        .distinct()
    )


def in_fiscal_year(field: str, year: int | None) -> Q:
    """The records whose date in `field` falls in fiscal year `year` (every
    record for None): 1 April `year` to 31 March the year after."""
    if year is None:
        return Q()
    return Q(
        **{
            f"{field}__gte": dt.date(year, 4, 1),
            f"{field}__lte": dt.date(year + 1, 3, 31),
        }
    )


def default_fiscal_year(years: Iterable[int], today: dt.date) -> int | None:
    """This fiscal year if it holds something, else the latest that does up to
    next year (a planned year), else the latest of all; None with no years."""
    years = sorted(set(years), reverse=True)
    current = jdates.fiscal_year(today)
    if not years or current in years:
        return current if years else None
    return next((y for y in years if y <= current + 1), years[0])


def choose_fiscal_year(
    value: str | None, *, years: Iterable[int], today: dt.date
) -> FiscalYearChoice:
    """The year a list shows for the address's ``fy`` (2021, 令和3年度, R3, all)."""
    years = tuple(sorted(set(years), reverse=True))
    current = jdates.fiscal_year(today)
    value = (value or "").strip()
    error = ""
    if value == ALL:
        return FiscalYearChoice(None, years, current, asked=True)
    if value:
        try:
            year = clean_year(jdates.parse_fiscal_year(value))
        except ValueError as exc:
            error = str(exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return FiscalYearChoice(year, years, current, asked=True)
    return FiscalYearChoice(
        default_fiscal_year(years, today) or current, years, current, False, error
    )


def page_of(request, items, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """The page of `items` the address asks for (``page``, or `param` for a
    second list on the same page); the last page for a number past it, the
    first for anything that is not a number."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def first_page(records, *, per_page: int = PAGE_SIZE) -> dict:
    """At most a page of `records` for a panel that links to the whole list:
    the rows, how many there are in all, and how many are not shown."""
    shown = list(records[: per_page + 1])
    if len(shown) <= per_page:
        return {"rows": shown, "count": len(shown), "more": 0}
    count = records.count()
    return {"rows": shown[:per_page], "count": count, "more": count - per_page}
