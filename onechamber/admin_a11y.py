"""A name for every form control the admin draws without a label of its own.

A tabular inline and a changelist's editable columns show each field's label
once, in the column header: the inputs of the rows have no label, so a
screen reader announces a bare "edit text" or "combo box". A split date and
time field has one label for two inputs. Each such control is named after its
field (``aria-label``), on the server, for every model admin and inline.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms.utils import pretty_name
from django.utils.translation import gettext as _


def _real(widget):
    # The admin wraps a related field's widget in its add/change links; the
    # control is the wrapped widget (the wrapper's attrs are not rendered).
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget


def _name_parts(widget, label: str) -> None:
    """Name each input of a multi-input widget: 日付 and 時刻 of a date and time."""
    if isinstance(widget, forms.SplitDateTimeWidget):
        parts = [_("日付"), _("時刻")]
    else:
        parts = [str(n) for n in range(1, len(widget.widgets) + 1)]
    for part, sub in zip(parts, widget.widgets, strict=True):
        sub = _real(sub)
        if not sub.is_hidden:
            sub.attrs.setdefault(
                "aria-label",
                _("%(label)s（%(part)s）") % {"label": label, "part": part},
            )


def name_controls(form, *, multi_only: bool = False) -> None:
    """Give the controls of `form` their field's label as accessible name.

    A radio or checkbox list is left alone: each option has its own label.
    With `multi_only`, only the inputs of multi-input widgets (the form shows
    a label for every other field)."""
    for name, field in form.fields.items():
        widget = _real(field.widget)
        if widget.is_hidden or isinstance(widget, forms.RadioSelect):
            continue
        label = str(field.label if field.label is not None else pretty_name(name))
        if isinstance(widget, forms.MultiWidget):
            _name_parts(widget, label)
        elif not multi_only:
            widget.attrs.setdefault("aria-label", label)


class LabelledRowsFormSetMixin:
    """A formset whose rows' controls are named after their columns, the
    fields the formset adds itself (削除, the order) included."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_controls(form)


def labelled_rows(formset_class):
    if issubclass(formset_class, LabelledRowsFormSetMixin):
        return formset_class
    return type(formset_class.__name__, (LabelledRowsFormSetMixin, formset_class), {})


def _multi_inputs_named(form_class):
    class Form(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            name_controls(self, multi_only=True)

    Form.__name__ = form_class.__name__
    return Form


class AccessibleFormsAdminMixin:
    """For every model admin and inline: rows of a tabular inline and of the
    changelist's editable columns, and the inputs of a multi-input field,
    named after their field (see LabelledRowsFormSetMixin)."""

    # A ModelAdmin's own form.
    def get_form(self, request, obj=None, **kwargs):
        return _multi_inputs_named(super().get_form(request, obj, **kwargs))

    # An inline's rows: a stacked inline labels each field, a tabular one
    # only its column headers.
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if isinstance(self, admin.TabularInline):
            return labelled_rows(formset)
        formset.form = _multi_inputs_named(formset.form)
        return formset

    def get_changelist_formset(self, request, **kwargs):
        return labelled_rows(super().get_changelist_formset(request, **kwargs))
