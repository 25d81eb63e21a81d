"""Japanese dates: 和暦, 年度 (fiscal years from April), times, approximate dates.

Plain functions on plain values; the template filters in
``onechamber.templatetags.wareki`` wrap them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple


class Era(NamedTuple):
    name: str
    letter: str
    start: dt.date


# Newest first, so the first era whose start is on or before a date is its era.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("明治", "M", dt.date(1873, 1, 1)),
)
WEEKDAYS = "月火水木金土日"
PARTS_OF_MONTH = {1: "上旬", 2: "中旬", 3: "下旬"}
# First day of each part of a month, for ordering approximate dates.
PART_FIRST_DAY = {0: 1, 1: 1, 2: 11, 3: 21}


def era_of(d: dt.date) -> Era:
    """The era a date falls in."""
    for era in ERAS:
        if d >= era.start:
            return era
    raise ValueError(f"{d} is before the eras onechamber knows")


def era_year(d: dt.date) -> tuple[Era, int]:
    """The era and the year in it (1 for the first year)."""
    era = era_of(d)
    return era, d.year - era.start.year + 1


def year_label(year: int) -> str:
    """A year number as written in 和暦: 1 is 元."""
    return "元" if year == 1 else str(year)


def weekday(d: dt.date) -> str:
    """The one-kanji weekday: 月 … 日."""
    return WEEKDAYS[d.weekday()]


def _known_era_year(d: dt.date) -> tuple[Era, int] | None:
    """`era_year(d)`, or None before the eras: labels then write the Western
    year, as a display must never fail on a year someone typed."""
    return era_year(d) if d >= ERAS[-1].start else None


def wareki(d: dt.date, *, with_weekday: bool = True) -> str:
    """``令和4年1月20日（木）``; ``令和元年5月1日`` in an era's first year;
    ``1800年1月20日（月）`` before the eras."""
    known = _known_era_year(d)
    if known is None:
        text = f"{d.year}年{d.month}月{d.day}日"
    else:
        era, year = known
        text = f"{era.name}{year_label(year)}年{d.month}月{d.day}日"
    return f"{text}（{weekday(d)}）" if with_weekday else text


def wareki_short(d: dt.date) -> str:
    """``R4.1.20``: the era letter, year, month and day (``1800.1.20`` before
    the eras)."""
    known = _known_era_year(d)
    if known is None:
        return f"{d.year}.{d.month}.{d.day}"
    era, year = known
    return f"{era.letter}{year}.{d.month}.{d.day}"


def wareki_month(year: int, month: int) -> str:
    """``令和4年5月`` for the first day of that month's era (``1800年5月``
    before the eras or past Python's dates)."""
    try:
        known = _known_era_year(dt.date(year, month, 1))
    except (ValueError, OverflowError):
        known = None
    if known is None:
        return f"{year}年{month}月"
    era, era_yr = known
    return f"{era.name}{year_label(era_yr)}年{month}月"


def month_day(d: dt.date, *, with_weekday: bool = False) -> str:
    """``1月20日`` or ``1月20日（木）``, for dates whose year is plain from context."""
    text = f"{d.month}月{d.day}日"
    return f"{text}（{weekday(d)}）" if with_weekday else text


def slash_date(d: dt.date) -> str:
    """``1/20``, as tables of sessions write their dates."""
    return f"{d.month}/{d.day}"


def fiscal_year(d: dt.date) -> int:
    """The fiscal year (年度) a date falls in, named by the year it starts in."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal year `year`: April 1 to March 31."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def _fiscal_era_year(year: int) -> tuple[Era, int] | None:
    # Official usage names FY2019 令和元年度 (the era began 1 May) but FY1988
    # 昭和63年度 (平成 began in January): the era in force on 1 May fits both.
    # None before the eras and past Python's dates (year 0, 10000).
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return _known_era_year(dt.date(year, 5, 1))


def fiscal_year_label(year: int) -> str:
    """``令和3年度`` for fiscal year 2021; ``令和元年度`` for 2019; ``1800年度``
    before the eras."""
    known = _fiscal_era_year(year)
    if known is None:
        return f"{year}年度"
    era, era_yr = known
    return f"{era.name}{year_label(era_yr)}年度"


def fiscal_year_short(year: int) -> str:
    """``R3年度`` for fiscal year 2021; ``1800年度`` before the eras."""
    known = _fiscal_era_year(year)
    if known is None:
        return f"{year}年度"
    era, era_yr = known
    return f"{era.letter}{era_yr}年度"


def clock(t: dt.time, *, with_meridiem: bool = True) -> str:
    """``午後3時``, ``午後4時30分``; noon is 午後0時, midnight 午前0時."""
    meridiem = "午前" if t.hour < 12 else "午後"
    hour = t.hour % 12
    text = f"{hour}時" + (f"{t.minute}分" if t.minute else "")
    return f"{meridiem}{text}" if with_meridiem else text


def time_range(start: dt.time | None, end: dt.time | None = None) -> str:
    """``午後3時～4時30分``: the meridiem is not repeated when it does not change."""
    if start is None:
        return ""
    if end is None:
        return f"{clock(start)}～"
    same_half = (start.hour < 12) == (end.hour < 12)
    return f"{clock(start)}～{clock(end, with_meridiem=not same_half)}"


def approximate_date(
    month: int, part: int = 0, *, planned: bool = False, year: int | None = None
) -> str:
    """``5月中旬``, ``2月予定``, or with a year ``R4.5月中旬``.

    `part` is 0 for the month as a whole, 1 上旬, 2 中旬, 3 下旬.
    """
    text = f"{month}月{PARTS_OF_MONTH.get(part, '')}"
    if year is not None:
        known = _known_era_year(dt.date(year, month, 1))
        era_text = f"{known[0].letter}{known[1]}" if known else str(year)
        text = f"{era_text}.{text}"
    return f"{text}予定" if planned else text


def approximate_sort_date(year: int, month: int, part: int = 0) -> dt.date:
    """The first day an approximate date can mean, to order it among real dates."""
    return dt.date(year, month, PART_FIRST_DAY.get(part, 1))


# Last day of the first two parts of a month (上旬 1–10, 中旬 11–20).
PART_LAST_DAY = {1: 10, 2: 20}


@dataclass(frozen=True)
class When:
    """A day, or a month with an optional 上旬/中旬/下旬: when a meeting or a
    session is (or is planned to be). `month` is any day of the month meant."""

    date: dt.date | None = None
    month: dt.date | None = None
    part: int = 0

    def __bool__(self) -> bool:
        return bool(self.date or self.month)

    @property
    def is_approximate(self) -> bool:
        return self.date is None and self.month is not None

    @property
    def label(self) -> str:
        """``令和4年1月20日（木）`` or ``令和4年5月中旬``."""
        if self.date:
            return wareki(self.date)
        if self.month:
            part = PARTS_OF_MONTH.get(self.part, "")
            return f"{wareki_month(self.month.year, self.month.month)}{part}"
        return ""

    @property
    def short(self) -> str:
        """``R4.1.20`` or ``R4.5月中旬``, as the annual schedule writes it."""
        if self.date:
            return wareki_short(self.date)
        if self.month:
            return approximate_date(self.month.month, self.part, year=self.month.year)
        return ""

    @property
    def slash(self) -> str:
        """``1/20`` or ``5月中旬``, as tables of sessions write their dates."""
        if self.date:
            return slash_date(self.date)
        if self.month:
            return approximate_date(self.month.month, self.part)
        return ""

    @property
    def sort_date(self) -> dt.date | None:
        """The first day it can mean, to order approximate dates among real ones."""
        if self.date:
            return self.date
        if self.month:
            return approximate_sort_date(self.month.year, self.month.month, self.part)
        return None

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        """The days it covers as a half-open range [start, end), as iCalendar
        writes all-day events: one day, a part of a month, or a whole month."""
        start = self.sort_date
        if start is None:
            return None
        if self.date:
            return start, _day_after(start)
        if self.part in PART_LAST_DAY:
            return start, start.replace(day=PART_LAST_DAY[self.part] + 1)
        days = calendar.monthrange(start.year, start.month)[1]
        return start, _day_after(start.replace(day=days))


def _day_after(day: dt.date) -> dt.date:
    """The next day; 9999-12-31 itself, as Python holds no later day (a span
    of December 9999 then ends a day early rather than with a server error)."""
    return day if day == dt.date.max else day + dt.timedelta(days=1)


def month_label(month: dt.date, *, onward: bool = False) -> str:
    """``R3.6`` (or ``R3.6～``): a month as timelines write it."""
    known = _known_era_year(month)
    year = f"{known[0].letter}{known[1]}" if known else str(month.year)
    return f"{year}.{month.month}" + ("～" if onward else "")


_ERA_BY_NAME = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_KANJI = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_WAREKI = re.compile(
    r"^(令和|平成|昭和|大正|明治|[RHSTM])(元|\d{1,2})[年.](\d{1,2})[月.](\d{1,2})日?$"
)
_PAREN_WEEKDAY = re.compile(r"[（(][月火水木金土日][）)]$")


def parse_date(text: str) -> dt.date:
    """Read a date as people type it: ``2021-08-31``, ``2021/8/31``,
    ``2021年8月31日``, ``令和3年8月31日``, ``R3.8.31`` (full-width digits too).

    Raises ValueError with a Japanese message for text that is not a date, a
    date that does not exist, or a year outside its era.
    """
    s = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    s = (
        _PAREN_WEEKDAY.sub("", s).upper()
        if s[:1].isascii()
        else _PAREN_WEEKDAY.sub("", s)
    )
    if not s:
        raise ValueError("日付を入力してください。")
    if m := _ISO.match(s) or _KANJI.match(s):
        year, month, day = (int(g) for g in m.groups())
        return _make_date(year, month, day)
    if m := _WAREKI.match(s):
        era = _ERA_BY_NAME[m.group(1)]
        era_yr = 1 if m.group(2) == "元" else int(m.group(2))
        if era_yr < 1:
            raise ValueError("年は1（元年）以上で入力してください。")
        d = _make_date(era.start.year + era_yr - 1, int(m.group(3)), int(m.group(4)))
        if era_of(d) != era:
            raise ValueError(
                f"{d.year}年{d.month}月{d.day}日は{era.name}の期間ではありません。"
            )
        return d
    raise ValueError(
        "日付の形式が読み取れません。2021-08-31、2021/8/31、令和3年8月31日、"
        "R3.8.31 のいずれかの形で入力してください。"
    )


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{year}年{month}月{day}日という日付はありません。") from None


# Names of fiscal years in text: 令和3年度, 令和３年度, R3年度, 平成31年度, 2021年度.
# A letter counts as an era only where no other letter precedes it (not "HR3年度");
# a Western year has four digits and no digit before it. 年 without 度 is a date,
# 第3回 a number: neither is a fiscal year.
_DIGIT = "[0-9０-９]"
_FISCAL_YEAR_NAME = re.compile(
    rf"(?:(?P<era>令和|平成|昭和|大正|明治|(?<![A-Za-zＡ-Ｚａ-ｚ])[RHSTMＲＨＳＴＭ])"
    rf"\s*(?P<era_year>元|{_DIGIT}{{1,2}})"
    rf"|(?<!{_DIGIT})(?P<year>{_DIGIT}{{4}}))\s*年度"
)


def _named_fiscal_year(match: re.Match) -> int | None:
    if match["year"]:
        return int(unicodedata.normalize("NFKC", match["year"]))
    era = _ERA_BY_NAME[unicodedata.normalize("NFKC", match["era"])]
    text = unicodedata.normalize("NFKC", match["era_year"])
    year = 1 if text == "元" else int(text)
    # 令和0年度 names no year. 平成31年度 and 平成32年度 do: documents written
    # before the era changed name FY2019 and FY2020 so.
    return era.start.year + year - 1 if year >= 1 else None


_FISCAL_YEAR_INPUT = re.compile(
    r"^(?:(?P<era>令和|平成|昭和|大正|明治|[RHSTM])(?P<era_year>元|\d{1,2})"
    r"|(?P<year>\d{4}))(?:年度?)?$"
)


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year as people type it: 令和4年度, 令和4, R4, R4年度, 2022,
    2022年度 (full-width, lower case and spaces too); the year it starts in.

    Raises ValueError with a Japanese message for anything else. 平成31年度 and
    平成32年度 are read as FY2019 and FY2020, as documents written before the
    era changed name them."""
    s = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").upper()
    if not s:
        raise ValueError("年度を入力してください。")
    m = _FISCAL_YEAR_INPUT.match(s)
    if m is None:
        raise ValueError(
            "年度が読み取れません。令和4年度、R4、2022 のいずれかの形で入力してください。"
        )
    if m["year"]:
        return int(m["year"])
    era = _ERA_BY_NAME[m["era"]]
    year = 1 if m["era_year"] == "元" else int(m["era_year"])
    if year < 1:
        raise ValueError("年は1（元年）以上で入力してください。")
    return era.start.year + year - 1


def roll_fiscal_year_names(
    text: str, from_year: int, to_year: int
) -> tuple[str, list[str]]:
    """`text` with every name of fiscal year `from_year` replaced by the name of
    `to_year`, and the names of other fiscal years it left as they were.

    和暦 names (令和3年度, R3年度, 令和３年度, and 平成31年度 for 2019) become the
    official label (令和4年度; 令和元年度 for 2019), Western ones a Western year
    (2021年度 → 2022年度). The names left are listed once each, in order, as
    written: someone has to decide whether they should move too.
    """
    leftovers: list[str] = []

    def replace(match: re.Match) -> str:
        if _named_fiscal_year(match) == from_year:
            if match["year"]:
                return f"{to_year}年度"
            return fiscal_year_label(to_year)
        if match[0] not in leftovers:
            leftovers.append(match[0])
        return match[0]

    return _FISCAL_YEAR_NAME.sub(replace, text), leftovers


def fiscal_years_in(text: str) -> list[str]:
    """The names of fiscal years written in `text` (令和3年度, R4年度, 2021年度),
    once each, in order."""
    return list(dict.fromkeys(m[0] for m in _FISCAL_YEAR_NAME.finditer(text or "")))


_DATE_IN_TEXT = re.compile(
    # 令和4年1月20日, 令和3年12月 (a month is a date to check too)
    rf"(?:令和|平成|昭和|大正|明治)\s*(?:元|{_DIGIT}{{1,2}})\s*年\s*{_DIGIT}{{1,2}}\s*月"
    rf"(?:\s*{_DIGIT}{{1,2}}\s*日)?"
    # R3. 12. 16, R4.4
    rf"|(?<![A-Za-zＡ-Ｚａ-ｚ])[RHSＲＨＳ]\s*(?:元|{_DIGIT}{{1,2}})\s*[.．]\s*{_DIGIT}{{1,2}}"
    rf"(?:\s*[.．]\s*{_DIGIT}{{1,2}})?"
    # 2022年1月20日, 2022/1/20, 2022-01-20
    rf"|(?<!{_DIGIT}){_DIGIT}{{4}}\s*年\s*{_DIGIT}{{1,2}}\s*月(?:\s*{_DIGIT}{{1,2}}\s*日)?"
    rf"|(?<!{_DIGIT}){_DIGIT}{{4}}[/／-]{_DIGIT}{{1,2}}[/／-]{_DIGIT}{{1,2}}"
    # 1月20日, whose year the text leaves to its reader
    rf"|(?<![0-9０-９年]){_DIGIT}{{1,2}}\s*月\s*{_DIGIT}{{1,2}}\s*日"
)


def dates_in(text: str) -> list[str]:
    """The dates written in `text` (令和4年1月20日, R3. 12. 16, 2022/1/20, 1月20日,
    months such as 令和3年12月 too), once each, in order: what a copy of the text
    for another year leaves for someone to check."""
    return list(dict.fromkeys(m[0] for m in _DATE_IN_TEXT.finditer(text or "")))
