"""Text materials: Markdown turned into HTML with only safe tags left."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

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


def render_markdown(text: str) -> SafeString:
    """Markdown (with tables) as sanitised HTML: no images, links, scripts or styles."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", "nl2br"])
    return mark_safe(  # noqa: S308 - nh3 has removed every tag and attribute not listed
        nh3.clean(
            html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=set()
        )
    )
