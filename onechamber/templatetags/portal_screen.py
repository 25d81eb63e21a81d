"""Filters that fit the portal's markup to a narrow screen:
``{% load portal_screen %}`` (see onechamber.screen)."""

from django import template
from django.utils.html import conditional_escape

from onechamber import screen

register = template.Library()


@register.filter
def scroll_tables(markup, name):
    """Each table of `markup` in a region named after `name` that scrolls
    sideways: ``{% filter scroll_tables:"年間スケジュール" %}…{% endfilter %}``."""
    return screen.scroll_tables(conditional_escape(markup), str(name))


@register.filter
def keep_dates(markup):
    """Each date in `markup` kept on one line."""
    return screen.keep_dates(conditional_escape(markup))
