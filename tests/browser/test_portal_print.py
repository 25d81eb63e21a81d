"""Portal pages printed from the browser: the content alone (no header,
menu, search, breadcrumbs, switchers or export links), and a wide table
whole instead of in its scrolling box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_meetings import log_in
from workitems.models import WorkItem

pytestmark = pytest.mark.browser


def test_printed_pages_hold_their_content_alone(new_page, seed, viewer_user):
    page = new_page()
    page.goto("/accounts/login/")
    log_in(page, username="toyama")
    item = WorkItem.objects.get(name="防災・危機管理体制の連携・強化")
    page.emulate_media(media="print")
    for url in (
        f"/items/{item.pk}/",
        f"/meetings/{seed.pk}/materials/1/",
        "/meetings/",
        "/vaccination/",
    ):
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        for hidden in (
            ".site-header",
            ".site-footer",
            ".breadcrumbs",
            ".year-switcher",
            ".export-links",
        ):
            for element in page.locator(hidden).all():
                expect(element).to_be_hidden()
        overflow = page.evaluate(
            "[...document.querySelectorAll('.table-scroll')].map(e => getComputedStyle(e).overflowX)"
        )
        assert set(overflow) <= {"visible"}, (url, overflow)
    page.emulate_media(media="screen")
    page.goto("/meetings/")
    expect(page.locator(".site-header")).to_be_visible()
