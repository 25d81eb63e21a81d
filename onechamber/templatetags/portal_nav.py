"""The portal's navigation: the link of the part of the site one is in says
so (``aria-current="page"``, and a style that shows it)."""

from __future__ import annotations

from django import template
from django.http import QueryDict
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


@register.simple_tag(takes_context=True)
def with_query(context, **params) -> str:
    """The current address's query with `params` set (None removes one), for
    a link that keeps the filters: ``?{% with_query page=2 %}``."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in params.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def with_page(context, param, number) -> str:
    """`with_query` for a pager whose parameter has its own name (``spage``),
    for a page that holds two lists in pages."""
    return with_query(context, **{param or "page": number})


@register.simple_tag
def breadcrumbs(*steps) -> str:
    """Where a page stands, from ホーム: ``{% breadcrumbs "meetings:meeting_list"
    "会議" meeting.get_absolute_url meeting.name "" material.title %}`` takes
    (address, label) pairs, an address being a URL name (with a colon) or a
    path; the last pair is the page itself (its address is not used)."""
    if len(steps) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes (address, label) pairs")
    pairs = [(reverse("meetings:home"), "ホーム")] + [
        (
            reverse(href)
            if href and ":" in href and not href.startswith("/")
            else href,
            label,
        )
        for href, label in zip(steps[::2], steps[1::2], strict=True)
    ]
    items = [
        format_html('<li><a href="{}">{}</a></li>', href, label)
        for href, label in pairs[:-1]
    ]
    items.append(format_html('<li aria-current="page">{}</li>', pairs[-1][1]))
    return format_html(
        '<nav class="breadcrumbs" aria-label="パンくずリスト"><ol>{}</ol></nav>',
        format_html("".join(["{}"] * len(items)), *items),
    )
