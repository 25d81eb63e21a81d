"""Portal HTML made fit for a narrow screen: wide tables in a box of their own
that scrolls sideways, dates kept on one line.

These work on markup the portal shows, safe already (a material's sanitised
body, a section rendered from a template); the packet prints the same
sections untouched.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TABLE = re.compile(r"(<table\b|</table\s*>)", re.IGNORECASE)

# Dates as the portal writes them: 令和4年1月20日（木）, R3.11.10, R4.5月中旬,
# 1月20日, 2022/1/20 — each one kept whole on one line.
DATE = re.compile(
    r"(?:令和|平成|昭和)(?:\d+|元)年\d+月(?:\d+日|[上中下]旬)?(?:（[月火水木金土日]）)?"
    r"|R\d+\.\d+(?:\.\d+|月(?:[上中下]旬)?)?"
    r"|\d+月(?:\d+日|[上中下]旬)(?:（[月火水木金土日]）)?"
    r"|\d{4}/\d+/\d+"
)
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_LEAVE_ALONE = {"svg", "option", "title", "textarea", "script", "style"}


def scroll_tables(markup: str, name: str) -> SafeString:
    """`markup` with each outermost table in a region of its own that scrolls
    sideways: focusable, so the keyboard can scroll it, and named after `name`
    (「資料1の表」, or 「資料1の表2」 from the second table on), so that two
    regions of one page never share a name."""
    depth = 0
    count = 0
    out = []
    for part in _TABLE.split(markup):
        if part.lower().startswith("<table"):
            if depth == 0:
                count += 1
                label = f"{name}の表{count if count > 1 else ''}"
                out.append(
                    '<div class="table-scroll" tabindex="0" role="region" '
                    f'aria-label="{escape(label)}">'
                )
            depth += 1
            out.append(part)
        elif part.lower().startswith("</table"):
            out.append(part)
            depth = max(depth - 1, 0)
            if depth == 0:
                out.append("</div>")
        else:
            out.append(part)
    return mark_safe("".join(out))  # noqa: S308 - only wrappers of our own are added


def keep_dates(markup: str) -> SafeString:
    """`markup` with each date in its text in a `<span class="date">`, which
    the stylesheet keeps on one line. Never inside a tag, nor in an element
    where a span does not belong: an SVG chart (a span there would end the
    SVG), a list box's option, a title."""
    parts = _TAG.split(markup)
    closed: list[str] = []  # the end tags awaited of elements to leave alone
    for i, part in enumerate(parts):
        if i % 2:  # odd parts are tags, even ones text
            tag = _TAG_NAME.match(part)
            if tag is None:
                continue
            closing, name = tag.group(1), tag.group(2).lower()
            if closing and closed and closed[-1] == name:
                closed.pop()
            elif not closing and name in _LEAVE_ALONE and not part.endswith("/>"):
                closed.append(name)
        elif not closed:
            parts[i] = DATE.sub(r'<span class="date">\g<0></span>', part)
    return mark_safe("".join(parts))  # noqa: S308 - spans around text already safe
