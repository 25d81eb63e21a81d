"""The admin's half of headquarters scoping: every list, form choice, export and
new record of a model admin is limited to the user's headquarters.

Mixed into every model admin and inline of the portal's apps. The reads
themselves are the models' `for_headquarters` QuerySet method. Being the base
of them all, it also brings the check that a save does not overwrite a change
made since the form was opened (onechamber/concurrency.py), and a name for
each form control drawn without a label (onechamber/admin_a11y.py).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from meetings.models import headquarters_of
from onechamber.admin_a11y import AccessibleFormsAdminMixin
from onechamber.admin_import import SpreadsheetImportMixin
from onechamber.admin_navigation import ReturnToOriginMixin
from onechamber.admin_safety import (
    HiddenObjectNotFoundMixin,
    SafeAutocompleteAdminMixin,
    SafeExportMixin,
    SafeInlineAdminMixin,
)
from onechamber.concurrency import VersionCheckedAdmin
from onechamber.forms import WarekiDateField
from onechamber.tenancy import headquarters_path


def _owns_headquarters(model) -> bool:
    """Whether `model` holds its headquarters in a field of its own."""
    return headquarters_path(model) == "headquarters"


def scoped_form(form_class, headquarters_id):
    """`form_class` whose new instances belong to `headquarters_id`, with the
    uniqueness per headquarters checked by the form (not left to the database)."""

    class ScopedForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.headquarters_id is None:
                self.instance.headquarters_id = headquarters_id

        def _get_validation_exclusions(self):
            return super()._get_validation_exclusions() - {"headquarters"}

    ScopedForm.__name__ = form_class.__name__
    return ScopedForm


class ScopedValuesFilter(admin.AllValuesFieldListFilter):
    """Django's list of a field's values, read from the admin's own (scoped)
    records even when the field sits on a related model (meeting__fiscal_year)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = (
            model_admin.get_queryset(request)
            .exclude(**{f"{field_path}__isnull": True})
            .order_by(field_path)
            .values_list(field_path, flat=True)
            .distinct()
        )


def _scoped_filter(model, entry):
    """The filter class that keeps a list filter inside the headquarters."""
    try:
        field = get_fields_from_path(model, entry)[-1]
    except (FieldDoesNotExist, admin.utils.NotRelationField):
        return None
    if field.is_relation:
        return admin.RelatedOnlyFieldListFilter
    plain = not field.choices and field.get_internal_type() not in (
        "BooleanField",
        "DateField",
        "DateTimeField",
    )
    if "__" in entry and plain:
        return ScopedValuesFilter
    return None


class HeadquartersScopedAdmin(
    SpreadsheetImportMixin,
    AccessibleFormsAdminMixin,
    HiddenObjectNotFoundMixin,
    SafeAutocompleteAdminMixin,
    SafeExportMixin,
    SafeInlineAdminMixin,
    ReturnToOriginMixin,
    VersionCheckedAdmin,
):
    """Limit a model admin or inline to the request user's headquarters; a
    record outside it is 404 on its pages (HiddenObjectNotFoundMixin).

    An account that belongs to no headquarters adds and imports nothing (there
    is nowhere to put it). Admins that set `superuser_sees_all` (headquarters,
    accounts) show superusers every headquarters, who set the portal up."""

    superuser_sees_all = False
    # Dates as people write them, shown in 和暦 (onechamber.forms).
    formfield_overrides = {models.DateField: {"form_class": WarekiDateField}}

    def _unscoped(self, request) -> bool:
        return self.superuser_sees_all and request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if headquarters_path(queryset.model) is None or self._unscoped(request):
            return queryset
        return queryset.for_headquarters(headquarters_of(request.user))

    def has_add_permission(self, request, *args):
        if headquarters_of(request.user) is None:
            return False
        return super().has_add_permission(request, *args)

    def has_import_permission(self, request):
        # django-import-export checks IMPORT_EXPORT_IMPORT_PERMISSION_CODE
        # ("add"); an import also updates the rows it matches, so it needs
        # change as well.
        if headquarters_of(request.user) is None:
            return False
        return super().has_import_permission(request) and request.user.has_perm(
            f"{self.opts.app_label}.{get_permission_codename('change', self.opts)}"
        )

    def get_list_filter(self, request):
        # Filters offer only the values this headquarters' records use, not
        # every row of a related table.
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and (found := _scoped_filter(self.model, entry)):
                entry = (entry, found)
            filters.append(entry)
        return filters

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if _owns_headquarters(self.model):
            exclude.append("headquarters")
        return exclude

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if _owns_headquarters(self.model):
            return scoped_form(form, headquarters_of(request.user))
        return form

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if _owns_headquarters(self.model):
            formset.form = scoped_form(formset.form, headquarters_of(request.user))
        return formset

    def _scope_choices(self, formfield, db_field, request):
        related = db_field.remote_field.model
        if self._unscoped(request):
            return formfield
        if formfield is not None and headquarters_path(related) is not None:
            formfield.queryset = formfield.queryset.for_headquarters(
                headquarters_of(request.user)
            )
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scope_choices(formfield, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scope_choices(formfield, db_field, request)

    # django-import-export: resources read and write in the user's headquarters.
    def get_import_resource_kwargs(self, request, **kwargs):
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "headquarters": headquarters_of(request.user),
        }

    def get_export_resource_kwargs(self, request, **kwargs):
        return {
            **super().get_export_resource_kwargs(request, **kwargs),
            "headquarters": headquarters_of(request.user),
        }
