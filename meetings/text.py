"""Text materials: Markdown turned into HTML with only safe tags left."""

import html
import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from onechamber.marks import mark_own_markers

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "u",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "span",
    "div",
    "sup",
    "sub",
    "dl",
    "dt",
    "dd",
}
ALLOWED_ATTRIBUTES = {"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}


# ``![説明](図1)`` as Python-Markdown writes it (the attributes escaped).
_FIGURE = re.compile(r'<img alt="([^"]*)" src="(?:%E5%9B%B3|図)(\d{1,3})"\s*/?>')
_FIGURE_MARK = re.compile(r"\ufff9図(\d{1,3})\ufffa([^\ufffb]*)\ufffb")


@dataclass(frozen=True)
class Figure:
    """An uploaded image of a text material, as its text refers to it."""

    url: str
    width: int
    height: int


def render_markdown(text: str, figures: dict[int, Figure] | None = None) -> SafeString:
    """Markdown (with tables) as sanitised HTML: no links, scripts, styles or
    images of its own; a list item that brings its own marker is marked as
    such. ``![説明](図1)`` is the material's 図1 (`figures`, by number) with
    its 説明 as caption, or a 「［図1：説明］」 placeholder until it is uploaded."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", "nl2br"])
    # A reference to a figure survives the sanitiser as marked text; nothing
    # a person types can make an <img> of another address.
    html = _FIGURE.sub(lambda m: f"\ufff9図{m.group(2)}\ufffa{m.group(1)}\ufffb", html)
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=set()
    )
    clean = _FIGURE_MARK.sub(lambda m: _figure(m, figures or {}), clean)
    # nh3 has removed every tag and attribute not listed; the class is ours.
    return mark_safe(mark_own_markers(clean))  # noqa: S308


def _figure(match, figures: dict[int, Figure]) -> str:
    # The caption as plain text (it came escaped): format_html escapes it again
    # for the attribute and the text alike.
    number, caption = int(match.group(1)), html.unescape(match.group(2)).strip()
    figure = figures.get(number)
    if figure is None:
        label = f"［図{number}：{caption}］" if caption else f"［図{number}］"
        return format_html('<span class="figure-placeholder">{}</span>', label)
    return format_html(
        '<span class="material-figure">'
        '<img src="{}" alt="{}" width="{}" height="{}">'
        '<span class="material-figcaption">{}</span></span>',
        figure.url,
        caption or f"図{number}",
        figure.width,
        figure.height,
        caption or f"図{number}",
    )


def figures_of(material) -> dict[int, Figure]:
    """The figures of a text material by number (its `images`); none read
    where its text refers to none."""
    if "](図" not in (material.text or ""):
        return {}
    return {
        i.number: Figure(url=i.image.url, width=i.width, height=i.height)
        for i in material.images.all()
    }


# Tags that end a line of text; a table cell ends with a wide space.
_LINE_END = re.compile(
    r"</(p|div|li|h[1-6]|tr|dt|dd|caption|blockquote|table|thead|tbody)>|<br\s*/?>|<hr\s*/?>",
    re.IGNORECASE,
)
_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")
_WIDE = re.compile(r"(?: ?\u3000 ?)+")
_HEAD = re.compile(r"<(head|style|script)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def html_lines(markup: str) -> list[str]:
    """The text of HTML as lines, for comparing two versions: one line per
    paragraph, list item, heading or table row (its cells separated by a wide
    space), whitespace collapsed, empty lines dropped."""
    markup = _HEAD.sub("", markup or "")
    markup = _CELL_END.sub("\u3000", markup)
    markup = _LINE_END.sub("\n", markup)
    lines = []
    for line in html.unescape(strip_tags(markup)).splitlines():
        line = _SPACES.sub(" ", line).strip("\u3000 ")
        line = _WIDE.sub("\u3000", line)
        if line:
            lines.append(line)
    return lines


def tabs_to_markdown(text: str) -> str:
    """Text pasted from Excel with its tables made Markdown tables.

    Excel copies cells as lines of tab-separated values: two or more lines in
    a row that hold a tab become a table, the first of them its header row,
    every row as wide as the widest. Everything else is left as it was, so
    running it on text already converted changes nothing."""
    out: list[str] = []
    block: list[list[str]] = []
    after_table: list[int] = []  # lengths of `out` just after a table's blank line

    def flush() -> None:
        if len(block) < 2:
            out.extend("\t".join(cells) for cells in block)
        else:
            width = max(len(cells) for cells in block)
            rows = [
                [cell.strip().replace("|", "\\|") for cell in cells]
                + [""] * (width - len(cells))
                for cells in block
            ]
            if out and out[-1].strip():
                out.append("")  # Markdown starts a table after a blank line
            out.append("| " + " | ".join(rows[0]) + " |")
            out.append("|" + "---|" * width)
            out.extend("| " + " | ".join(row) + " |" for row in rows[1:])
            out.append("")
            after_table.append(len(out))
        block.clear()

    for line in (text or "").split("\n"):
        line = line.rstrip("\r")
        if "\t" in line:
            block.append(line.split("\t"))
            continue
        flush()
        if line or not after_table or after_table[-1] != len(out):
            out.append(line)
    flush()
    return "\n".join(out)


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def headings_from(markup: str, top: int) -> SafeString:
    """`markup` (safe HTML) with its headings renumbered so that the first is
    `top` and none skips a level: a section printed from h3 or h4 in the
    packet reads as h2, h3… under a page's own h1."""
    outline: list[tuple[int, int]] = []  # (level in markup, new level)
    open_tags: list[int] = []

    def renumber(match: re.Match) -> str:
        closing, level = match.group(1), int(match.group(2))
        if closing:
            new = open_tags.pop() if open_tags else level
            return f"</h{new}"
        same = None
        while outline and outline[-1][0] >= level:
            old, new_level = outline.pop()
            if old == level:
                same = new_level
        if same is None:
            same = min(outline[-1][1] + 1, 6) if outline else top
        outline.append((level, same))
        open_tags.append(same)
        return f"<h{same}"

    return mark_safe(_HEADING.sub(renumber, markup))  # noqa: S308 - only heading digits change


_SECTION_HEADING = re.compile(
    r"<h([23])\b([^>]*)>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL
)
_ID = re.compile(r"""\bid\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def outline(markup: str) -> tuple[SafeString, list[dict]]:
    """`markup` (safe HTML, headings from h2) with an id on each h2 and h3,
    and its contents: one entry per h2, its h3s under it, each as
    {"id", "text", "children"}. A heading keeps an id it has; the others get
    「sec-1」, 「sec-2」… in order."""
    contents: list[dict] = []
    taken = set(_ID.findall(markup))
    count = 0

    def anchor(match: re.Match) -> str:
        nonlocal count
        level, attrs, inner = match.group(1), match.group(2), match.group(3)
        found = _ID.search(attrs)
        if found:
            ident = found.group(1)
        else:
            count += 1
            while f"sec-{count}" in taken:
                count += 1
            ident = f"sec-{count}"
            attrs = f'{attrs} id="{ident}"'
        text = " ".join(html.unescape(strip_tags(inner)).split())
        entry = {"id": ident, "text": text, "children": []}
        if level == "3" and contents:
            contents[-1]["children"].append(entry)
        else:
            contents.append(entry)
        return f"<h{level}{attrs}>{inner}</h{level}>"

    marked = _SECTION_HEADING.sub(anchor, markup)
    return mark_safe(marked), contents  # noqa: S308 - only ids of our own are added
