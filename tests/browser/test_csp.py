"""In Chromium: the Content Security Policy blocks nothing the portal and the
admin use (no inline script, handler or style outside what it allows)."""

from __future__ import annotations

import pytest

from tests.browser.test_meetings import log_in

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_portal_and_admin_pages_break_no_content_security_policy(
    new_page, seed, secretariat_user
):
    page = new_page()
    page.add_init_script(LISTEN)
    console = []
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    violations = {}

    def visit(url):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        violations[url] = page.evaluate("window.__cspViolations")

    page.goto("/")
    log_in(page, username="jimukyoku")
    for url in [
        "/",
        f"/meetings/{seed.pk}/",
        "/admin/",
        "/admin/meetings/meeting/",
        f"/admin/meetings/meeting/{seed.pk}/change/",
        "/admin/meetings/person/export/",
    ]:
        visit(url)

    assert violations == {url: [] for url in violations}
    assert console == []
    # The export page's "select all" box still works without its inline handler.
    page.locator("input.select-toggle").uncheck()
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 0
    assert [box.is_checked() for box in fields.all()] == [False] * fields.count()
