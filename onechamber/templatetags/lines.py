"""Lists of typed lines: ``{% load lines %}`` (see onechamber.marks)."""

from django import template
from django.utils.safestring import mark_safe

from onechamber.marks import OWN_MARKER_CLASS, has_own_marker

register = template.Library()


@register.filter
def own_marker(text) -> str:
    """The class of a list item whose text brings its own marker:
    ``<li{{ line|own_marker }}>``."""
    if has_own_marker(text):
        return mark_safe(f' class="{OWN_MARKER_CLASS}"')  # noqa: S308 - fixed text
    return ""
