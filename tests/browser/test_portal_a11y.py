"""The portal is accessible to a mayor's office: no axe-core violation of any
impact on its pages, on a desktop and on a phone; a skip link first; a focus
ring of at least 2 px; the navigation says where one is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from meetings.models import Organization
from tests.browser.test_meetings import log_in
from workitems.models import WorkItem

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


def portal_pages(seed) -> list[str]:
    """Every kind of portal page, once, from the seed (the phone-width tests
    of test_portal_mobile.py visit the same list)."""
    item = WorkItem.objects.get(name="有害鳥獣の市町村による連携捕獲の推進")
    city = Organization.objects.get(code="162019")
    return [
        "/",
        "/meetings/",
        f"/meetings/{seed.pk}/",
        f"/meetings/{seed.pk}/materials/1/",
        f"/meetings/{seed.pk}/materials/4/",
        f"/meetings/{seed.pk}/reference/1/",
        "/municipalities/",
        f"/municipalities/{city.code}/",
        "/items/",
        "/items/wg-status/",
        f"/items/{item.pk}/",
        "/plans/",
        "/schedule/",
        "/vaccination/",
        "/vaccination/eligibility/",
        "/vaccination/venues/",
        "/search/",
        "/search/?q=除雪",
        "/account/",
        "/api/docs/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize("device", WIDTHS)
def test_portal_pages_have_no_axe_violations(new_page, seed, viewer_user, axe, device):
    page = new_page()
    page.set_viewport_size({"width": WIDTHS[device], "height": 800})
    page.goto("/accounts/login/")
    assert axe(page) == [], "login page"
    log_in(page, username="toyama")
    found = {}
    for path in portal_pages(seed):
        page.goto(path)
        violations = axe(page)
        if violations:
            found[path] = violations
    assert found == {}, found


def test_the_keyboard_starts_at_a_skip_link_and_sees_where_it_is(
    new_page, seed, viewer_user
):
    page = new_page()
    page.goto("/accounts/login/")
    log_in(page, username="toyama")
    page.goto(f"/meetings/{seed.pk}/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 24  # on screen once focused
    ring = skip.evaluate(
        "el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert ring[0] != "none" and float(ring[1].removesuffix("px")) >= 2
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    menu = page.get_by_role("navigation", name="メインメニュー")
    expect(menu.locator('[aria-current="page"]')).to_have_count(1)
    expect(menu.get_by_role("link", name="会議")).to_have_attribute(
        "aria-current", "page"
    )
    page.goto("/plans/")
    expect(menu.locator('[aria-current="page"]')).to_have_text("連携推進項目")
    page.goto("/")
    expect(menu.locator('[aria-current="page"]')).to_have_text("ホーム")
