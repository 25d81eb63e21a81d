"""Filters of the portal's meeting pages."""

from django import template

from meetings.text import headings_from as _headings_from

register = template.Library()


@register.filter
def headings_from(markup, top):
    """Headings of a material's body renumbered from `top` (see meetings.text)."""
    return _headings_from(str(markup), int(top))
