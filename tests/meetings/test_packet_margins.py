"""Every box the seed packet lays out stays inside its page's margins (issue
14: the booster grid's <col> widths added up to 102 % and printed 2.6 mm past
the right margin). Read from WeasyPrint's own layout of each part, as the
packet renders it: a table, a line of text or an image whose right edge
passes the page's content box fails, with the part, page and text."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from meetings.packet import engine, parts

pytestmark = pytest.mark.django_db

# Layout rounding (CSS px) and the half of a collapsed table border that
# lies outside the table's box.
TOLERANCE = 1.0


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _text(box) -> str:
    return "".join(getattr(b, "text", "") for b in _boxes(box))[:40]


def test_no_box_of_the_seed_packet_passes_the_page_margins(seed):
    roots = parts.roots()
    css, fonts = engine.print_stylesheet(roots)
    outside = []
    checked = 0
    for part in parts.packet_parts(
        seed, draft=parts.is_draft(seed), assets=parts.asset_version()
    ):
        if not part.html:
            continue  # an uploaded PDF: scaled into its bands (tested apart)
        document = HTML(
            string=part.html,
            base_url=engine.ORIGIN,
            url_fetcher=engine.RestrictedFetcher(roots),
        ).render(stylesheets=[css], font_config=fonts)
        for number, page in enumerate(document.pages, 1):
            page_box = page._page_box
            left = page_box.margin_left
            right = page_box.margin_width() - page_box.margin_right
            for box in _boxes(page_box):
                name = type(box).__name__
                if name not in (
                    "TableBox",
                    "TextBox",
                    "InlineReplacedBox",
                    "BlockReplacedBox",
                ):
                    continue
                checked += 1
                x0 = box.border_box_x()
                x1 = x0 + box.border_width()
                if x0 < left - TOLERANCE or x1 > right + TOLERANCE:
                    outside.append(
                        (
                            part.title,
                            number,
                            name,
                            round(x0 - left, 1),
                            round(x1 - right, 1),
                            _text(box),
                        )
                    )
    assert checked > 1000
    assert outside == []
