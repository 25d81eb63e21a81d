"""Model fields every app uses: the fiscal year (年度)."""

from __future__ import annotations

from django.db import models


class FiscalYearField(models.PositiveSmallIntegerField):
    """A fiscal year, stored as the year it starts in (令和4年度 is 2022), and
    typed in forms as 令和4年度, R4 or 2022 within the portal's years.

    Only the form differs from a PositiveSmallIntegerField: migrations see one
    (no schema change, and no migration for switching a field to this)."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs

    def formfield(self, **kwargs):
        from django import forms

        from onechamber.forms import FiscalYearField as FiscalYearFormField

        widget = kwargs.get("widget")
        if isinstance(widget, forms.NumberInput) or (
            isinstance(widget, type) and issubclass(widget, forms.NumberInput)
        ):
            # The admin gives integers a number input, which cannot hold 令和4年度.
            del kwargs["widget"]
        return super().formfield(**{"form_class": FiscalYearFormField, **kwargs})


class LinesField(models.TextField):
    """Text typed one line a bullet, as the packet prints it (``nested``: a line
    indented with spaces is a sub-bullet of the one above). The admin shows a
    preview of the printed lines beside it.

    Only the form differs from a TextField: migrations see one."""

    def __init__(self, *args, nested: bool = False, **kwargs):
        self.nested = nested
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs

    def formfield(self, **kwargs):
        from django.contrib.admin.widgets import AdminTextareaWidget

        from onechamber.widgets import LinesTextarea

        widget = kwargs.get("widget")
        if (
            widget is None
            or widget is AdminTextareaWidget
            or (isinstance(widget, AdminTextareaWidget))
        ):
            kwargs["widget"] = LinesTextarea(nested=self.nested)
        return super().formfield(**kwargs)
