"""Lines that bring their own list marker.

Staff type a line's own marker where the seed prints one (「・共同利用開始」,
「⇒ 11月までに完了」, 「◆参加者募集」). Such a line takes no list marker of the
page's own, so that no line reads 「• ・」 or 「◦ ⇒」, on the portal or in the
packet: templates mark its list item (``{{ line|own_marker }}``, the
`lines` template library) and Markdown gets the same class
(`mark_own_markers`); portal.css and print.css drop the marker of
``li.own-marker``.
"""

from __future__ import annotations

import re

# What a typed line may begin with that reads as its marker.
MARKERS = "・･•◦‣●○◎◯■□◆◇▲△▼▽▶▷►→⇒➡※＊*-－‐―✓✔☆★"
OWN_MARKER_CLASS = "own-marker"

_OPEN_ITEM = re.compile(
    r"<li>(?=(?:\s|<p>|<strong>|<em>|<u>|<span>)*[" + re.escape(MARKERS) + "])"
)


def has_own_marker(text) -> bool:
    """Whether `text` begins (after spaces) with a marker of its own."""
    stripped = str(text).lstrip(" \u3000\t")
    return bool(stripped) and stripped[0] in MARKERS


def mark_own_markers(html: str) -> str:
    """`html` with each bare ``<li>`` whose text begins with a marker
    marked ``class="own-marker"``."""
    return _OPEN_ITEM.sub(f'<li class="{OWN_MARKER_CLASS}">', html)
