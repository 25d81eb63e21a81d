"""Column widths of tables laid out with <col>: ``{% load columns %}``.

Django's widthratio rounds to a whole number: 78 % shared by 8 columns gave
10 % each, a table 102 % wide, which printed past the page's right margin."""

from django import template

register = template.Library()


@register.filter
def share(total, count) -> str:
    """`total` percent shared by `count` columns, as a CSS number (3 decimals,
    a point whatever the language): ``{% with n=columns|length %}`` then
    ``width: {{ 78|share:n }}%``."""
    try:
        count = int(count)
    except (TypeError, ValueError):
        return str(total)
    if count <= 0:
        return str(total)
    return f"{float(total) / count:.3f}"
