"""``{% export_links "table-name" pk=meeting.pk %}``: the 「CSV」「JSON」 links
of a table, for the rows the page shows (its filters kept)."""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html

from api import tables

register = template.Library()


@register.simple_tag(takes_context=True)
def export_links(context, name: str, label: str = "", **params) -> str:
    """Two small links, named for the table (``label``, else its title)."""
    table = tables.registry[name]
    query = QueryDict(mutable=True)
    request = context.get("request")
    if request is not None:
        for key in table.filters:
            value = request.GET.get(key)
            if value:
                query[key] = value
    for key, value in params.items():
        if value not in (None, ""):
            query[key] = value
    suffix = f"?{query.urlencode()}" if query else ""
    what = label or str(table.title)
    links = [
        format_html(
            '<a href="{}" download aria-label="{}">{}</a>',
            reverse("data:export", args=[name, extension]) + suffix,
            f"この表（{what}）を{text}で",
            text,
        )
        for extension, text in (("csv", "CSV"), ("json", "JSON"))
    ]
    return format_html(
        '<p class="export-links" data-testid="export-{}"><span class="export-label">ダウンロード：</span>{} {}</p>',
        name,
        links[0],
        links[1],
    )
