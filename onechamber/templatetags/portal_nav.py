"""The portal's navigation: the link of the part of the site one is in says
so (``aria-current="page"``, and a style that shows it)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str, *also: str):
    """A link of the main menu; current where the page's path is the link's
    (the home page) or lies under it, or under one of `also` (paths)."""
    href = reverse(url_name)
    request = context.get("request")
    path = request.path if request is not None else ""
    if href == "/":
        current = path == "/"
    else:
        current = any(path.startswith(p) for p in (href, *also))
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', href, label)
    return format_html('<a href="{}">{}</a>', href, label)
