"""Form widgets the admin shares: a text area of lines with a preview."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _


class LinesTextarea(forms.Textarea):
    """A text area for one bullet per line, with the lines shown below it as
    they print (static/js/lines_preview.js fills the preview as one types)."""

    class Media:
        js = ["js/lines_preview.js"]

    def __init__(self, attrs=None, *, nested: bool = False):
        super().__init__(
            {
                "class": "vLargeTextField lines-input",
                "rows": 5,
                "data-lines": "nested" if nested else "flat",
                **(attrs or {}),
            }
        )

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or self.attrs.get("id") or ""
        return format_html(
            '{}<div class="lines-preview" data-for="{}" hidden>'
            '<p class="lines-preview-title">{}</p><ul></ul></div>',
            html,
            field_id,
            _("印刷のイメージ（1行が1項目。字下げした行は上の項目の小項目）")
            if self.attrs.get("data-lines") == "nested"
            else _("印刷のイメージ（1行が1項目。「●」で始まる行は見出し）"),
        )
