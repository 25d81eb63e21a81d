"""End to end, in Chromium: a mayor's office follows a cooperation item's WG
sessions; a department edits its own results and cannot reach another's."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.test_meetings import log_in
from workitems.models import Measure, ResultRow, WorkItem

pytestmark = pytest.mark.browser

BOUSAI = "防災・危機管理体制の連携・強化"


def test_viewer_opens_an_item_and_reads_its_wg_timeline(new_page, seed, viewer_user):
    page = new_page()
    page.goto("/accounts/login/")
    log_in(page, username="toyama")
    page.get_by_role("navigation").get_by_role("link", name="連携推進項目").click()
    page.wait_for_url("**/items/")
    page.get_by_role("link", name=BOUSAI).first.click()
    item = WorkItem.objects.get(name=BOUSAI)
    page.wait_for_url(f"**/items/{item.pk}/")

    assert page.locator("h1").inner_text().startswith(BOUSAI)
    assert page.get_by_test_id("proposers").inner_text() == "富山市、高岡市、砺波市"
    timelines = page.get_by_test_id("timeline")
    assert timelines.count() == 4
    first = timelines.nth(0).locator("li").all_inner_texts()
    assert first[0].startswith("令和3年2月19日")
    assert any("防災担当課長会議" in line for line in first)
    # ③ 災害廃棄物: the session planned for 2/4 is marked 予定.
    planned = timelines.nth(2).locator("li.planned")
    assert planned.count() == 1
    assert "予定" in planned.inner_text()
    assert "2月4日" in planned.inner_text()


def test_department_edits_its_own_result_row_and_cannot_reach_anothers(
    new_page, seed, department_user
):
    own = ResultRow.objects.filter(
        table__item_year__item__name="自治体行政のデジタル化"
    ).first()
    other = ResultRow.objects.filter(
        table__item_year__item__name="有害鳥獣の市町村による連携捕獲の推進"
    ).first()
    page = new_page()
    page.goto("/admin/")
    log_in(page, username="kousei")

    page.goto("/admin/workitems/resultrow/")
    listed = page.locator("#result_list tbody tr").all_inner_texts()
    assert listed
    assert not any("有害鳥獣" in row for row in listed)

    page.goto(f"/admin/workitems/resultrow/{own.pk}/change/")
    page.locator("textarea[name=results]").fill("・(2月)部局が更新した成果")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    own.refresh_from_db()
    assert own.results == "・(2月)部局が更新した成果"

    response = page.goto(f"/admin/workitems/resultrow/{other.pk}/change/")
    assert response.status == 404
    assert page.locator("textarea[name=results]").count() == 0
    before = other.results
    other.refresh_from_db()
    assert other.results == before


def test_plain_lines_are_previewed_as_they_print_while_typed(
    new_page, seed, secretariat_user
):
    row = ResultRow.objects.filter(
        table__item_year__item__name="有害鳥獣の市町村による連携捕獲の推進"
    ).first()
    page = new_page()
    page.goto(f"/admin/workitems/resultrow/{row.pk}/change/")
    log_in(page, username="jimukyoku")
    preview = page.locator('.lines-preview[data-for="id_results"]')
    page.locator("textarea[name=results]").fill(
        "●広域での捕獲\n・(4月)合同捕獲を実施\n\n・(9月)情報共有会議"
    )
    expect(preview.locator("li")).to_have_text(
        ["●広域での捕獲", "・(4月)合同捕獲を実施", "・(9月)情報共有会議"]
    )
    expect(preview.locator("li.heading")).to_have_text("●広域での捕獲")
    page.locator("textarea[name=results]").fill("")
    expect(preview).to_be_hidden()


def test_a_wg_session_is_added_in_the_measures_compact_rows(
    new_page, seed, secretariat_user
):
    """A measure's WG開催 rows fit the screen, each cell holding several
    fields; a row added there, with its 参加団体 searched, is saved."""
    measure = Measure.objects.get(
        item__name="有害鳥獣の市町村による連携捕獲の推進", order=1, parent=None
    )
    before = measure.sessions.count()
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/admin/workitems/measure/{measure.pk}/change/")
    log_in(page, username="jimukyoku")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    group = page.locator("#sessions-group")
    headers = group.locator("thead th").all_inner_texts()
    assert headers[:3] == ["年度・順番", "開催日", "種類・形式"]

    group.get_by_role("button", name="WG開催 の追加").click()
    row = group.locator("tbody tr.form-row:not(.empty-form)").last
    row.get_by_label("年度").fill("令和4年度")
    row.get_by_label("順番").fill("11")
    row.get_by_label("開催日").fill("令和4年6月3日")
    row.get_by_label("協議の内容").fill("捕獲体制の見直し")
    row.locator(".field-participants .select2-selection").click()
    page.keyboard.type("舟橋")
    page.get_by_role("option", name="舟橋村", exact=True).click()
    page.get_by_role("button", name="保存して編集を続ける").first.click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()

    assert measure.sessions.count() == before + 1
    added = measure.sessions.get(order=11)
    assert (added.fiscal_year, added.date, added.topic) == (
        2022,
        dt.date(2022, 6, 3),
        "捕獲体制の見直し",
    )
    assert [o.name for o in added.participants.all()] == ["舟橋村"]
