"""Admin change forms: every error listed at the top with a link to its field,
and compact inline tables whose cells each hold one or more fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@dataclass
class ErrorLine:
    where: str
    message: str
    anchor: str


def _field_anchor(form, name: str, fallback: str) -> str:
    if name in form.fields and not form.fields[name].widget.is_hidden:
        bound = form[name]
        return bound.id_for_label or bound.auto_id or fallback
    return fallback


def _form_lines(form, where: str, row_anchor: str) -> list[ErrorLine]:
    lines = []
    for name, errors in form.errors.items():
        if name == "__all__":
            label, anchor = "", row_anchor
        else:
            label = str(form.fields[name].label) if name in form.fields else name
            anchor = _field_anchor(form, name, row_anchor)
        for message in errors:
            heading = (
                _("%(where)s：%(label)s") % {"where": where, "label": label}
                if label
                else where
            )
            lines.append(ErrorLine(heading, str(message), anchor))
    return lines


@register.simple_tag
def error_summary(adminform, inline_admin_formsets):
    """Each error of the form and of its inline rows: where it is (「次第 3行目：
    項目」), what it says, and the id of the field (or row) to jump to."""
    lines = []
    if adminform is not None:
        lines += _form_lines(adminform.form, _("基本情報"), "content-main")
    for inline in inline_admin_formsets or ():
        formset = inline.formset
        title = str(inline.opts.verbose_name_plural)
        group = f"{formset.prefix}-group"
        for message in formset.non_form_errors():
            lines.append(ErrorLine(title, str(message), group))
        for index, form in enumerate(formset.forms):
            if not form.errors:
                continue
            where = _("%(title)s %(n)s行目") % {"title": title, "n": index + 1}
            lines += _form_lines(form, where, f"{formset.prefix}-{index}")
    return lines


@dataclass
class Cell:
    name: str
    header: str
    fields: list = field(default_factory=list)


@register.simple_tag
def inline_cells(inline_admin_formset, inline_admin_form=None):
    """The inline's `cells` ((name, header, field names) …) with the row's
    admin fields in them; fields no cell names (hidden keys, the version
    token) go into the first cell, so that nothing posted is lost."""
    layout = inline_admin_formset.opts.cells
    cells = [Cell(name, str(header)) for name, header, _names in layout]
    if inline_admin_form is None:
        return cells
    where = {n: cells[i] for i, (_n, _h, names) in enumerate(layout) for n in names}
    for fieldset in inline_admin_form:
        for line in fieldset:
            for admin_field in line:
                if admin_field.is_readonly:
                    name = admin_field.field["name"]
                else:
                    name = admin_field.field.name
                where.get(name, cells[0]).fields.append(admin_field)
    return cells
