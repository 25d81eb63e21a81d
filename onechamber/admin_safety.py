"""Admin changelists that answer bad query parameters with Django's own
"?e=1" redirect, exports that send them back to the changelist, and
autocomplete widgets that show a bad posted value as unselected, instead of a
server error; object pages that answer 404 for a record the account may not
see."""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connections
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class SafeChangeList(ChangeList):
    """A date_hierarchy year past Python's dates (``?date__year=99999999999``)
    or a day no month has overflows while Django bounds the lookup, outside
    its own check; that is a bad lookup like any other."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class SafeChangeListMixin:
    """For every ModelAdmin with a date_hierarchy: see SafeChangeList."""

    def get_changelist(self, request, **kwargs):
        return SafeChangeList


class HiddenObjectNotFoundMixin:
    """The change, history and delete pages of a record the account may not
    see (another headquarters', another department's, or none at all) answer
    404, before any permission check: Django's own answer, a redirect to the
    index saying the record "may have been deleted", and a 403 for one that
    exists, tell apart what exists from what does not."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def _require_visible(self, request, object_id) -> None:
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            return  # Django refuses the field itself
        if self.get_object(request, unquote(object_id), to_field) is None:
            raise Http404

    def changeform_view(self, request, object_id=None, *args, **kwargs):
        if object_id is not None:
            self._require_visible(request, object_id)
        return super().changeform_view(request, object_id, *args, **kwargs)

    def delete_view(self, request, object_id, *args, **kwargs):
        self._require_visible(request, object_id)
        return super().delete_view(request, object_id, *args, **kwargs)


class SafeAutocompleteMixin:
    """Autocomplete widgets that render a posted value no key can be
    (``abc``, a number past the column) as unselected: Django's widget looks
    the values up as they came, a server error where the form would have
    said 正しく選択してください."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_key(v)], attr)

    def _is_key(self, value) -> bool:
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", opts.pk.name))
        return _is_key(target, value, self.db)


def _is_key(target, value, using) -> bool:
    """Whether `value` can be a value of the key field `target`: a number the
    column holds, not ``abc`` nor 99999999999999999999."""
    try:
        key = target.to_python(value)
    except ValidationError:
        return False
    if isinstance(key, int):
        low, high = connections[using or "default"].ops.integer_field_range(
            target.get_internal_type()
        )
        return (low is None or low <= key) and (high is None or key <= high)
    return True


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice whose posted key the column cannot hold
    (99999999999999999999) is an invalid choice like ``abc``, not a database
    error (Django catches only what int() refuses)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for pk in value:
            if not _is_key(target, pk, self.queryset.db):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteAdminMixin:
    """For every ModelAdmin and inline with autocomplete_fields: see
    SafeAutocompleteMixin. Django sets the widget only where none is given."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SafeExportMixin:
    """For every ModelAdmin with django-import-export's export: a query
    parameter no changelist filter knows (``?input_format=1``) is a bad lookup
    there, as on the changelist, where Django answers it; the export is sent
    back to the changelist with a message instead of a server error."""

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(
                request,
                _("絞り込みの条件が正しくありません。一覧で絞り込み直してください。"),
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")


class PostedRowsFormSetMixin:
    """An inline formset whose new rows name a saved row's id: the management
    form's INITIAL_FORMS was lowered (a tampered or stale page), so saved rows
    would be saved again as new ones, past the unique constraints the forms
    check one by one (a server error on PostgreSQL)."""

    def clean(self):
        super().clean()
        pk_name = self.model._meta.pk.name
        for form in self.extra_forms:
            if getattr(form, "cleaned_data", {}).get(pk_name) is not None:
                raise ValidationError(
                    _(
                        "送信された行の数が合いません。"
                        "ページを開き直してから、もう一度保存してください。"
                    ),
                    code="tampered_initial_forms",
                )


class SafeInlineAdminMixin:
    """For every inline: see PostedRowsFormSetMixin."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (PostedRowsFormSetMixin, formset), {})
