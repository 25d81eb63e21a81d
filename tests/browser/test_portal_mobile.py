"""The portal works on a phone 390 px wide (issue 12, item 2): no page scrolls
sideways (a wide table scrolls in its own box), no date is broken over two
lines, every target that is not a link inside running text is at least
24 × 24 px (WCAG 2.5.8), the 配席図 keeps a readable size, and a long
material opens with a contents list of its sections."""

from __future__ import annotations

import pytest

from tests.browser.test_meetings import log_in
from tests.browser.test_portal_a11y import portal_pages

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Dates as the portal writes them: 令和4年1月20日, R3.11.10, 1月20日, 2022/1/20.
# Every match is measured: the lines its characters are drawn on must be one.
BROKEN_DATES = r"""() => {
    const date = /(?:令和|平成)(?:\d+|元)年\d+月(?:\d+日)?|R\d+\.\d+(?:\.\d+)?|\d+月\d+日|\d{4}\/\d+\/\d+/g;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const broken = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(date)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = [...range.getClientRects()]
                .filter(r => r.width > 0)
                .map(r => Math.round(r.top));
            if (new Set(tops).size > 1) broken.push(m[0]);
        }
    }
    return broken;
}"""

# Targets smaller than 24 × 24 px, leaving out what WCAG 2.5.8 leaves out: a
# link drawn inline among other text (its size is the line's), and what is
# not shown (the skip link waits above the page until it has the focus).
SMALL_TARGETS = r"""() => {
    const targets = document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]');
    const squeeze = s => (s || '').replace(/\s+/g, '');
    const inText = el => {
        if (getComputedStyle(el).display !== 'inline') return false;
        let block = el.parentElement;
        while (getComputedStyle(block).display === 'inline') block = block.parentElement;
        return squeeze(block.textContent).length > squeeze(el.textContent).length;
    };
    const small = [];
    for (const el of targets) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.bottom <= 0) continue;
        if (getComputedStyle(el).visibility === 'hidden' || inText(el)) continue;
        if (r.width < 24 || r.height < 24) {
            small.push(`${el.tagName.toLowerCase()} 「${squeeze(el.textContent).slice(0, 20)}」`
                + ` ${Math.round(r.width)}×${Math.round(r.height)}`);
        }
    }
    return small;
}"""


def on_phone(new_page):
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    log_in(page, username="toyama")
    return page


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_portal_page_scrolls_sideways_on_a_phone(new_page, seed, viewer_user):
    page = on_phone(new_page)
    widths = {}
    for path in portal_pages(seed):
        page.goto(path)
        widths[path] = page_width(page)
    assert {path: w for path, w in widths.items() if w > PHONE["width"]} == {}


def test_no_date_is_broken_over_two_lines_on_a_phone(new_page, seed, viewer_user):
    page = on_phone(new_page)
    broken = {}
    for path in portal_pages(seed):
        page.goto(path)
        if found := page.evaluate(BROKEN_DATES):
            broken[path] = found
    assert broken == {}


def test_every_target_outside_running_text_is_24_px_square_on_a_phone(
    new_page, seed, viewer_user
):
    page = on_phone(new_page)
    small = {}
    for path in portal_pages(seed):
        page.goto(path)
        if found := page.evaluate(SMALL_TARGETS):
            small[path] = found
    assert small == {}


def test_the_seating_chart_keeps_a_readable_size_and_lists_the_seats(
    new_page, seed, viewer_user
):
    page = on_phone(new_page)
    page.goto(f"/meetings/{seed.pk}/")
    chart = page.locator("#seating .seating-chart")
    # The names are drawn 16 units high: at least 11 px on the screen.
    name_height = chart.locator("text").nth(1).bounding_box()["height"]
    assert name_height >= 11
    box = page.get_by_role("region", name="配席図")
    assert box.get_attribute("tabindex") == "0"  # scrolls by keyboard too
    assert page_width(page) <= PHONE["width"]
    seats = page.locator("#seating .seat-list tbody tr")
    assert seats.count() == chart.locator("g.seat").count() > 0


def test_a_long_material_opens_with_a_contents_list_of_its_sections(
    new_page, seed, viewer_user
):
    page = on_phone(new_page)
    page.goto(f"/meetings/{seed.pk}/materials/1/")
    links = page.get_by_role("navigation", name="目次").get_by_role("link")
    assert links.count() >= 2
    for link in links.all():
        target = link.get_attribute("href")
        assert target.startswith("#")
        heading = page.locator(f"[id='{target[1:]}']")
        assert heading.evaluate("el => el.tagName") in {"H2", "H3"}
        assert heading.inner_text() == link.inner_text()
    links.first.click()
    assert page.evaluate("location.hash") == links.first.get_attribute("href")
