"""Filters of the portal's meeting pages."""

from django import template

from meetings.text import headings_from as _headings_from
from meetings.text import outline as _outline

register = template.Library()


@register.filter
def headings_from(markup, top):
    """Headings of a material's body renumbered from `top` (see meetings.text)."""
    return _headings_from(str(markup), int(top))


@register.filter
def material_outline(markup):
    """A material's body with ids on its h2 and h3, and its contents list:
    {"html": …, "contents": […]} (see meetings.text.outline)."""
    marked, contents = _outline(str(markup))
    return {"html": marked, "contents": contents}
