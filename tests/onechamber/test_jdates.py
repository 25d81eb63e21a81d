import datetime as dt

import pytest

from onechamber import jdates


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2022, 1, 20), "令和4年1月20日（木）"),
        (dt.date(2019, 5, 1), "令和元年5月1日（水）"),
        (dt.date(2019, 4, 30), "平成31年4月30日（火）"),
        (dt.date(2020, 1, 1), "令和2年1月1日（水）"),
        (dt.date(1989, 1, 7), "昭和64年1月7日（土）"),
        (dt.date(1989, 1, 8), "平成元年1月8日（日）"),
    ],
)
def test_wareki_names_era_year_and_weekday(day, expected):
    assert jdates.wareki(day) == expected


def test_wareki_without_weekday():
    assert jdates.wareki(dt.date(2022, 1, 20), with_weekday=False) == "令和4年1月20日"


def test_wareki_short_form():
    assert jdates.wareki_short(dt.date(2022, 1, 20)) == "R4.1.20"
    assert jdates.wareki_short(dt.date(2019, 5, 1)) == "R1.5.1"
    assert jdates.wareki_short(dt.date(2019, 4, 30)) == "H31.4.30"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2021, 4, 1), 2021),
        (dt.date(2022, 3, 31), 2021),
        (dt.date(2022, 4, 1), 2022),
        (dt.date(2022, 1, 20), 2021),
        (dt.date(2021, 3, 31), 2020),
    ],
)
def test_fiscal_year_runs_april_to_march(day, year):
    assert jdates.fiscal_year(day) == year


def test_fiscal_year_bounds():
    assert jdates.fiscal_year_bounds(2021) == (
        dt.date(2021, 4, 1),
        dt.date(2022, 3, 31),
    )


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2021, "令和3年度"),
        (2022, "令和4年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1988, "昭和63年度"),
        (1989, "平成元年度"),
    ],
)
def test_fiscal_year_label(year, label):
    assert jdates.fiscal_year_label(year) == label


def test_fiscal_year_short():
    assert jdates.fiscal_year_short(2022) == "R4年度"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.time(15), dt.time(16, 30), "午後3時～4時30分"),
        (dt.time(10), dt.time(11, 45), "午前10時～11時45分"),
        (dt.time(11), dt.time(13), "午前11時～午後1時"),
        (dt.time(12), dt.time(12, 30), "午後0時～0時30分"),
        (dt.time(9, 5), None, "午前9時5分～"),
    ],
)
def test_time_range_in_gozen_gogo(start, end, expected):
    assert jdates.time_range(start, end) == expected


def test_time_range_without_start_is_empty():
    assert jdates.time_range(None) == ""


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((5, 2), {}, "5月中旬"),
        ((8, 3), {}, "8月下旬"),
        ((4, 1), {}, "4月上旬"),
        ((2,), {"planned": True}, "2月予定"),
        ((5, 2), {"year": 2022}, "R4.5月中旬"),
        ((1, 3), {"year": 2023}, "R5.1月下旬"),
    ],
)
def test_approximate_dates(args, kwargs, expected):
    assert jdates.approximate_date(*args, **kwargs) == expected


def test_approximate_sort_date_is_first_day_of_part():
    assert jdates.approximate_sort_date(2022, 5, 2) == dt.date(2022, 5, 11)
    assert jdates.approximate_sort_date(2022, 8, 3) == dt.date(2022, 8, 21)
    assert jdates.approximate_sort_date(2022, 2, 0) == dt.date(2022, 2, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2021-08-31",
        "2021/8/31",
        "2021.8.31",
        "2021年8月31日",
        "令和3年8月31日",
        "R3.8.31",
        "r3.8.31",
        "２０２１／８／３１",
        "令和3年8月31日（火）",
        " 2021-08-31 ",
    ],
)
def test_parse_date_reads_what_people_type(text):
    assert jdates.parse_date(text) == dt.date(2021, 8, 31)


def test_parse_date_reads_gannen():
    assert jdates.parse_date("令和元年5月1日") == dt.date(2019, 5, 1)
    assert jdates.parse_date("H31.4.30") == dt.date(2019, 4, 30)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-02-30", "2021年2月30日という日付はありません。"),
        ("令和3年2月29日", "2021年2月29日という日付はありません。"),
        ("令和元年4月30日", "2019年4月30日は令和の期間ではありません。"),
        ("H32.1.1", "2020年1月1日は平成の期間ではありません。"),
        ("", "日付を入力してください。"),
    ],
)
def test_parse_date_rejects_impossible_dates_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        jdates.parse_date(text)


def test_parse_date_rejects_text_that_is_not_a_date():
    with pytest.raises(ValueError, match="日付の形式が読み取れません"):
        jdates.parse_date("来週の木曜")


@pytest.mark.parametrize(
    ("text", "from_year", "to_year", "expected"),
    [
        ("令和3年度連携推進項目について", 2021, 2022, "令和4年度連携推進項目について"),
        ("R3年度の取り組み成果", 2021, 2022, "令和4年度の取り組み成果"),
        ("令和３年度の取り組み成果", 2021, 2022, "令和4年度の取り組み成果"),
        ("Ｒ３年度", 2021, 2022, "令和4年度"),
        ("令和 3 年度", 2021, 2022, "令和4年度"),
        ("2021年度の実績", 2021, 2022, "2022年度の実績"),
        ("２０２１年度の実績", 2021, 2022, "2022年度の実績"),
        ("R3年度とR3年度", 2021, 2022, "令和4年度と令和4年度"),
        ("令和3年度の振り返り", 2021, 2023, "令和5年度の振り返り"),
        ("平成31年度の計画", 2019, 2020, "令和2年度の計画"),
        ("H31年度", 2019, 2020, "令和2年度"),
        ("令和元年度の計画", 2019, 2020, "令和2年度の計画"),
        ("平成30年度の計画", 2018, 2019, "令和元年度の計画"),
        ("昭和63年度", 1988, 1989, "平成元年度"),
    ],
)
def test_roll_fiscal_year_names_renames_the_old_year(
    text, from_year, to_year, expected
):
    assert jdates.roll_fiscal_year_names(text, from_year, to_year) == (expected, [])


@pytest.mark.parametrize(
    "text",
    [
        "第3回本部会議",
        "令和3年1月20日の会議",
        "R3.12.16 協定締結",
        "3年度目の取り組み",
        "HR3年度",
        "12021年度",
        "今年度の予定",
        "",
    ],
)
def test_roll_fiscal_year_names_leaves_text_without_a_fiscal_year(text):
    assert jdates.roll_fiscal_year_names(text, 2021, 2022) == (text, [])


@pytest.mark.parametrize(
    ("text", "expected", "leftovers"),
    [
        (
            "令和2年度と令和3年度の比較",
            "令和2年度と令和4年度の比較",
            ["令和2年度"],
        ),
        (
            "令和4年度における協議事項について",
            "令和4年度における協議事項について",
            ["令和4年度"],
        ),
        (
            "R2年度、R2年度、2020年度",
            "R2年度、R2年度、2020年度",
            ["R2年度", "2020年度"],
        ),
        ("平成31年度", "平成31年度", ["平成31年度"]),
        ("令和0年度", "令和0年度", ["令和0年度"]),
    ],
)
def test_roll_fiscal_year_names_lists_the_other_years_it_leaves(
    text, expected, leftovers
):
    assert jdates.roll_fiscal_year_names(text, 2021, 2022) == (expected, leftovers)


def test_dates_in_finds_each_way_of_writing_a_date_once():
    text = (
        "令和4年1月20日　人事課\n連携協定を締結し（令和3年12月16日）\n"
        "| R3. 12. 16 | 協定締結 |\n| ～R4. 1. 21 | 募集 |\n| R4. 4 | 設定 |\n"
        "2022/1/20、2022年2月1日、１月２０日、令和4年1月20日"
    )
    assert jdates.dates_in(text) == [
        "令和4年1月20日",
        "令和3年12月16日",
        "R3. 12. 16",
        "R4. 1. 21",
        "R4. 4",
        "2022/1/20",
        "2022年2月1日",
        "１月２０日",
    ]


def test_dates_in_ignores_numbers_and_fiscal_years():
    assert jdates.dates_in("第3回 R4年度 5月中旬 15市町村 3.5%") == []


def test_fiscal_years_in_lists_each_name_once():
    assert jdates.fiscal_years_in("R3年度（0期）、R4年度（1期）、R3年度") == [
        "R3年度",
        "R4年度",
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2022, 2, 1), "令和4年"),
        (dt.date(2019, 4, 1), "平成31年"),
        (dt.date(2019, 5, 1), "令和元年"),
        (dt.date(1800, 2, 1), "1800年"),
    ],
)
def test_wareki_year_filter(day, expected):
    from onechamber.templatetags.wareki import wareki_year

    assert wareki_year(day) == expected
    assert wareki_year(None) == ""
