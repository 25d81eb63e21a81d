"""End-to-end tests in Debian's Chromium, driven by Playwright's sync API.

The browser is the system's /usr/bin/chromium (CI installs it with apt): no tool
may download a browser of its own, so `playwright install` is never used.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_required() -> bool:
    return os.environ.get("ONECHAMBER_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str):
    """Skip, or fail where the browser tests must run (CI)."""
    if _browser_required():
        pytest.fail(f"{reason} (ONECHAMBER_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def _allow_async_unsafe():
    # Playwright's sync API keeps an asyncio event loop running in the test
    # thread, and Django refuses ORM calls from a thread with a running loop
    # (SynchronousOnlyOperation) although these tests only make plain blocking
    # calls, one at a time. Relax the check for the browser tests only: the
    # variable is set while a module of them runs and removed afterwards.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_allow_async_unsafe):
    """Debian's headless Chromium, launched once per test module."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def seed(transactional_db):
    """The seed meeting, loaded for each test: the live server's thread reads
    committed data only, so the seed cannot sit in a module's transaction (the
    `seed` of tests/conftest.py) here."""
    from meetings.models import Meeting
    from tests.conftest import load_seed

    load_seed()
    return Meeting.objects.get(fiscal_year=2021, number=4)


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: one per user).

    Chromium counts http://localhost as a secure context, so the session and
    CSRF cookies keep the production setting `Secure` against the live server.
    """
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            viewport={"width": 1280, "height": 900},
        )
        # Fail fast on a missing element instead of waiting Playwright's 30 s.
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot when ONECHAMBER_SCREENSHOTS names a folder."""
    folder = os.environ.get("ONECHAMBER_SCREENSHOTS")

    def save(page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)

    return save


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry (package-lock.json pins it; `make test`
    installs it with `npm ci`)."""
    if not AXE.exists():
        _unavailable(f"{AXE} is missing: run `npm ci` (make install-test does)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """Run axe-core on the page as it stands; return its violations, each as
    (impact, rule id, help, the first few targets)."""

    def run(page, impacts=("critical", "serious", "moderate", "minor")):
        page.evaluate(axe_source)
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => [v.impact, v.id, v.help,
                    v.nodes.slice(0, 5).map(n => n.target.join(' '))]);
            }"""
        )
        return [v for v in result if v[0] in impacts]

    return run
