"""Inline rows in a compact table that fits a 1280-px screen.

Django's tabular inline gives every field a column: a WG session's sixteen
fields, or an indicator's eleven, make a page twice the screen's width. An
inline with this mixin lays its fields out in `cells` instead, each
``(name, header, [field names])``: a cell holds one or more fields, one
above the other, each with a small label where the cell holds several
(templates/admin/edit_inline/compact.html, onechamber/templatetags/admin_editor.py).
"""

from __future__ import annotations

from django.contrib.admin.widgets import RelatedFieldWidgetWrapper


class CompactRowsMixin:
    """Rows in a compact table (`cells` lays out its columns), whose choices
    are picked, not added or edited from the row (no 「+」 and pencil beside
    them). `editor_kind` names the table for its column widths."""

    template = "admin/edit_inline/compact.html"
    editor_kind = "rows"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(getattr(formfield, "widget", None), RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        return formfield
