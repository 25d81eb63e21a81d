"""Portal markup for a narrow screen: tables in their own scroll box, dates
kept whole."""

from onechamber.screen import keep_dates, scroll_tables


def test_each_outer_table_gets_a_focusable_region_with_its_own_name():
    markup = "<p>前</p><table><tr><td><table><tr><td>内</td></tr></table></td></tr></table><table></table>"
    assert scroll_tables(markup, "資料1") == (
        "<p>前</p>"
        '<div class="table-scroll" tabindex="0" role="region" aria-label="資料1の表">'
        "<table><tr><td><table><tr><td>内</td></tr></table></td></tr></table></div>"
        '<div class="table-scroll" tabindex="0" role="region" aria-label="資料1の表2">'
        "<table></table></div>"
    )


def test_a_region_name_is_escaped():
    assert 'aria-label="&lt;b&gt;の表"' in scroll_tables("<table></table>", "<b>")


def test_markup_without_a_table_is_left_as_it_was():
    assert scroll_tables("<p>表なし</p>", "資料1") == "<p>表なし</p>"


def test_dates_in_text_are_kept_whole():
    assert keep_dates(
        "<td>R3.11.10</td><p>令和4年1月20日（木）に開催、2月3日まで</p>"
    ) == (
        '<td><span class="date">R3.11.10</span></td>'
        '<p><span class="date">令和4年1月20日（木）</span>に開催、'
        '<span class="date">2月3日</span>まで</p>'
    )


def test_a_month_with_its_part_is_one_date():
    assert keep_dates("R4.5月中旬、令和4年8月下旬") == (
        '<span class="date">R4.5月中旬</span>、<span class="date">令和4年8月下旬</span>'
    )


def test_dates_in_a_chart_or_a_list_box_are_left_alone():
    markup = (
        "<svg><text>R3.1.1時点</text><rect/></svg>"
        "<select><option>令和4年1月20日</option></select><p>1月20日</p>"
    )
    assert keep_dates(markup) == markup.replace(
        "<p>1月20日", '<p><span class="date">1月20日</span>'
    )


def test_dates_inside_a_tag_are_left_alone():
    markup = '<div aria-label="令和4年1月20日">本文</div>'
    assert keep_dates(markup) == markup
