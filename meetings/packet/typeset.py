"""Where the printed packet may break a line of Japanese.

Japanese breaks between any two characters, so a narrow table column splits
words a reader takes in at a glance: 「黒部|市」, 「(まと|め)」, 「デジ|タル」.
`keep_words` wraps, in the text of a part's body, the runs that must stay on
one line in ``<span class="keep">`` (print.css: ``white-space: nowrap``):

- a municipality's name: up to four kanji ending in 市, 町 or 村 (富山市,
  小矢部市, 上市町, 舟橋村);
- a katakana word of four characters or fewer (ゴシック stays whole only
  where a longer word may break, as Japanese typesetting allows);
- a short aside in brackets, four characters or fewer: (まとめ), （案）.

Each is at most six characters wide, so no kept run is wider than a column.
"""

from __future__ import annotations

import re

_KEEP = re.compile(
    r"[一-龥々]{1,4}[市町村](?![一-龥々])"
    r"|(?<![ァ-ヴー])[ァ-ヴー]{2,4}(?![ァ-ヴー])"
    r"|[（(][^（）()<>\s]{1,4}[）)]"
)
_TEXT = re.compile(r">([^<>]+)<")
_BODY = re.compile(r"(<body\b[^>]*>)(.*)(</body>)", re.DOTALL | re.IGNORECASE)
# Text inside these is not typeset prose.
_SKIP = re.compile(r"<(style|script|svg)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def keep_words(html: str) -> str:
    """`html` with the runs above kept on one line each."""
    match = _BODY.search(html)
    if match is None:
        return html
    body = match.group(2)
    kept = []
    last = 0
    for skipped in _SKIP.finditer(body):
        kept.append(_keep_text(body[last : skipped.start()]))
        kept.append(skipped.group(0))
        last = skipped.end()
    kept.append(_keep_text(body[last:]))
    return (
        html[: match.start()]
        + match.group(1)
        + "".join(kept)
        + match.group(3)
        + html[match.end() :]
    )


def _keep_text(markup: str) -> str:
    return _TEXT.sub(
        lambda m: (
            ">"
            + _KEEP.sub(lambda w: f'<span class="keep">{w.group(0)}</span>', m.group(1))
            + "<"
        ),
        markup,
    )
