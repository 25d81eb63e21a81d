"""No lost updates: an edit form saves only over the record it was opened on.

Every admin change form, inline form and list_editable row carries a token:
a digest of the record's stored values when the form was rendered, and a
short digest of each field as shown. On save, inside the request's
transaction, the row is read again with SELECT ... FOR NO KEY UPDATE (two
saves of one record wait for each other on PostgreSQL; SQLite writers are
serialized already), and if its digest is no longer the token and the form
would write something other than what is stored, the save is refused with who
changed the record and when, and both versions side by side. An inline row
posted as it was shown is not written at all, so that edits of different rows
of one page from two stale pages both stand.

Optimistic, and with no version column: a column on every model would be a
schema change on every table for what a digest of the values gives already.
A form posted without a token (a script, an old test) is not checked.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files import File
from django.db import connection, models
from django.forms.models import BaseModelFormSet, construct_instance
from django.utils import timezone
from django.utils.translation import gettext as _

FIELD_NAME = "record_version"


@dataclass(frozen=True)
class Difference:
    """One field of a conflicting form: what was typed, what is stored."""

    label: str
    mine: str
    stored: str


@dataclass(frozen=True)
class Conflict:
    """A refused save, shown above the form (templates/admin/change_form.html)."""

    title: str
    message: str
    differences: tuple[Difference, ...]


# Reading the record.


def _m2m_names(form) -> list[str]:
    opts = form._meta.model._meta
    return [f.name for f in opts.many_to_many if f.name in form.fields and f.editable]


def _pks(values) -> list:
    return sorted(str(getattr(v, "pk", v)) for v in values or ())


def _stored_values(obj: models.Model) -> list:
    return [[f.attname, f.value_to_string(obj)] for f in obj._meta.concrete_fields]


def fingerprint(
    obj: models.Model, m2m: dict[str, list] | None = None, *, values=None
) -> str:
    """A digest of a record's stored values: its concrete fields (or
    `values`, read from it earlier) and the many-to-many fields given (name:
    related objects or their keys)."""
    values = list(_stored_values(obj) if values is None else values)
    values += [[name, _pks(related)] for name, related in sorted((m2m or {}).items())]
    text = json.dumps(values, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def last_change(
    obj: models.Model, *, parent: models.Model | None = None
) -> tuple[str, dt.datetime] | None:
    """Who last changed (or deleted) `obj` and when: its newest history
    record where the model keeps one (django-simple-history), else the
    admin's log, where an inline row's change is logged on `parent`."""
    model = type(obj)
    history = getattr(model, "history", None)
    record = None
    if history is not None and hasattr(history, "model"):
        record = (
            history.filter(**{model._meta.pk.attname: obj.pk})
            .order_by("-history_date")
            .first()
        )
        if record is not None and record.history_user is not None:
            return _name(record.history_user), record.history_date
    entries = [
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(each)),
            object_id=str(each.pk),
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
        for each in (obj, parent)
        if each is not None
    ]
    found = [entry for entry in entries if entry is not None]
    if not found:
        # A history record that knows no user (written outside a request).
        return None if record is None else (_name(None), record.history_date)
    newest = max(found, key=lambda entry: entry.action_time)
    return _name(newest.user), newest.action_time


def _name(user) -> str:
    if user is None:
        return _("（不明な利用者）")
    # Japanese order: family name first.
    name = " ".join(part for part in (user.last_name, user.first_name) if part)
    return name or user.get_username()


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(year)d年%(month)d月%(day)d日 %(time)s") % {
        "year": local.year,
        "month": local.month,
        "day": local.day,
        "time": f"{local:%H:%M}",
    }


def _message(obj, *, parent=None, deleted=False) -> str:
    change = last_change(obj, parent=None if deleted else parent)
    if deleted:
        if change is None:
            return _(
                "このレコードは、あなたが開いた後に削除されました。"
                "開き直してから操作してください。"
            )
        return _(
            "このレコードは、あなたが開いた後に %(user)s さんが %(when)s に"
            "削除しました。開き直してから操作してください。"
        ) % {"user": change[0], "when": _when(change[1])}
    if change is None:
        return _(
            "このレコードは、あなたが開いた後に変更されました。下の表で両方の内容を"
            "確かめ、もう一度開き直してから保存してください。"
        )
    return _(
        "このレコードは、あなたが開いた後に %(user)s さんが %(when)s に"
        "変更しました。下の表で両方の内容を確かめ、もう一度開き直してから"
        "保存してください。"
    ) % {"user": change[0], "when": _when(change[1])}


def _canonical(value) -> str:
    """One text for a value whether read from the database or from a post."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return json.dumps(sorted(_canonical(v) for v in value))
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, File):
        return value.name or ""
    return "" if value is None else str(value)


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _display(obj, field: models.Field, value) -> str:
    if field.many_to_many:
        return "、".join(str(v) for v in value) or "—"
    if field.is_relation:
        related = getattr(obj, field.name, None)
        return "—" if related is None else str(related)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value is True:
        return _("はい")
    if value is False:
        return _("いいえ")
    if value in (None, ""):
        return "—"
    return str(value)


def _key(model, value):
    """`value` as the model's primary key, or None for what no key can be
    (blank, " ", "abc", a number past the column): the formset's own check
    then refuses the row."""
    if value in (None, ""):
        return None
    try:
        key = model._meta.pk.to_python(value)
    except ValidationError:
        return None
    if isinstance(key, int) and not -(2**63) <= key < 2**63:
        return None
    return key


def _locked(model, pk):
    """The stored row, locked until the transaction ends. Only this row:
    ordering by a related model (Meta.ordering) would join and lock the
    parent too, and a parent locked by a child's save deadlocks with a save
    of the parent that locks its children. FOR NO KEY UPDATE, as an UPDATE
    takes, lets rows that point here be written meanwhile."""
    features = connection.features
    rows = model._base_manager.filter(pk=pk).order_by()
    if features.has_select_for_update:
        rows = rows.select_for_update(
            of=("self",) if features.has_select_for_update_of else (),
            no_key=features.has_select_for_no_key_update,
        )
    return rows.first()


# The forms.


class TokenField(forms.CharField):
    """The hidden token; never a change of the form's data by itself."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data) -> bool:
        return False


class VersionCheckedForm:
    """Mixed in front of a ModelForm: renders the token, checks it on save.

    A change form is checked in clean(); an inline form is checked by its
    formset (VersionCheckedFormSet), which knows whether it is deleted."""

    checks_itself = True
    parent_instance = None
    # The instance is not the stored row (django-simple-history's revert
    # form edits an old version): the version is read from the row itself.
    reads_stored = False

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if self.reads_stored and instance is not None and instance.pk is not None:
            instance = type(instance)._base_manager.filter(pk=instance.pk).first()
        # As stored: before a form's own __init__ may set values on it.
        stored = _stored_values(instance) if instance and instance.pk else None
        super().__init__(*args, **kwargs)
        self.conflict = None
        # Fixed before a formset adds its own fields (the parent's key, DELETE).
        self._edited_names = self._edited()
        if FIELD_NAME in self.fields and self.instance.pk is not None:
            # model_to_dict has read the many-to-many values for the form.
            m2m = {name: self.initial.get(name) for name in _m2m_names(self)}
            if self.reads_stored and instance is not None:
                m2m = {name: getattr(instance, name).all() for name in m2m}
            # Not self[name]: a bound field is kept once made, and an inline
            # formset replaces the parent's key with a hidden field after
            # this; the kept one would render a select of every parent record.
            shown = "".join(
                _short(_canonical(self.get_initial_for_field(self.fields[name], name)))
                for name in self._edited_names
            )
            self.fields[
                FIELD_NAME
            ].initial = f"{fingerprint(self.instance, m2m, values=stored)}:{shown}"

    def _edited(self) -> list[str]:
        """The form's fields that write a field of the record, in a fixed order."""
        opts = self._meta.model._meta
        names = []
        for name in sorted(self.fields):
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if (field.concrete or field.many_to_many) and not field.primary_key:
                names.append(name)
        return names

    def clean(self):
        cleaned = super().clean()
        if self.checks_itself and not self.instance._state.adding:
            self.check_version()
        return cleaned

    def submitted_token(self) -> str:
        return self.data.get(self.add_prefix(FIELD_NAME), "") if self.is_bound else ""

    @property
    def changed_data(self) -> list[str]:
        """Django's changed fields (posted value differs from the stored one)
        less those posted as they were shown: a stale form must not write
        back the values it was opened with where another user changed them."""
        if "_version_changed" not in self.__dict__:
            changed = super().changed_data
            shown = self.submitted_token().partition(":")[2]
            names = self._edited_names
            if len(shown) == 8 * len(names):
                shown_by_name = {
                    n: shown[8 * i : 8 * i + 8] for i, n in enumerate(names)
                }
                changed = [
                    name
                    for name in changed
                    if name not in shown_by_name
                    or self._posted(name) != shown_by_name[name]
                ]
            self.__dict__["_version_changed"] = changed
        return self.__dict__["_version_changed"]

    def _posted(self, name: str) -> str:
        bound = self[name]
        try:
            if isinstance(bound.field, forms.FileField):
                value = bound.field.clean(bound.data, bound.initial)
            else:
                value = bound.field.clean(bound.data)
        except ValidationError:
            return ""  # not what was shown: left to the form's own errors
        return _short(_canonical(value))

    def check_version(self, *, deleting: bool = False) -> None:
        """Raise ValidationError if the stored record moved on since the form
        was rendered and this save would overwrite it."""
        token = self.submitted_token()
        if not token or self.instance.pk is None:
            return
        stored = _locked(type(self.instance), self.instance.pk)
        if stored is None:
            self.conflict = Conflict(
                str(self.instance), _message(self.instance, deleted=True), ()
            )
            raise ValidationError(self.conflict.message, code="deleted")
        # The save writes the fields the form has not from the row read
        # before the lock: take them as locked, a save that committed in
        # between included.
        for field in stored._meta.concrete_fields:
            if self.reads_stored:
                break  # a revert writes the old version's fields, not these
            if field.name not in self.fields and not field.primary_key:
                setattr(self.instance, field.attname, getattr(stored, field.attname))
        m2m = {name: list(getattr(stored, name).all()) for name in _m2m_names(self)}
        if fingerprint(stored, m2m) == token.partition(":")[0]:
            return
        differences = () if deleting else self._differences(stored, m2m)
        if not deleting and not differences:
            return  # what this form writes is what is stored: nothing is lost
        self.conflict = Conflict(
            str(stored),
            _message(stored, parent=self.parent_instance),
            differences,
        )
        raise ValidationError(self.conflict.message, code="conflict")

    def _differences(self, stored, m2m) -> tuple[Difference, ...]:
        mine = copy.copy(stored)
        construct_instance(self, mine, self._meta.fields, self._meta.exclude)
        rows = []
        for name, field in self.fields.items():
            if name == FIELD_NAME or name not in self.cleaned_data:
                continue
            try:
                model_field = stored._meta.get_field(name)
            except FieldDoesNotExist:  # a field of the form only
                continue
            if model_field.many_to_many:
                theirs, ours = m2m.get(name, []), list(self.cleaned_data[name] or [])
                if _pks(theirs) != _pks(ours):
                    rows.append(
                        Difference(
                            str(field.label),
                            _display(mine, model_field, ours),
                            _display(stored, model_field, theirs),
                        )
                    )
                continue
            if not model_field.concrete:
                continue
            ours = model_field.value_from_object(mine)
            theirs = model_field.value_from_object(stored)
            if ours != theirs:
                rows.append(
                    Difference(
                        str(field.label),
                        _display(mine, model_field, ours),
                        _display(stored, model_field, theirs),
                    )
                )
        return tuple(rows)


class _KeyWithVersion(forms.HiddenInput):
    """A changelist renders only a row's key of its hidden fields: the row's
    version goes out with it."""

    def __init__(self, version, attrs=None):
        super().__init__(attrs)
        self.version = version

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer) + str(self.version)


class VersionCheckedFormSet:
    """Mixed in front of an inline or changelist formset: checks the rows that
    would be written (changed or deleted); stale rows left as they were are
    skipped."""

    version_with_key = False

    def add_fields(self, form, index):
        super().add_fields(form, index)
        key = self.model._meta.pk.name
        if self.version_with_key and FIELD_NAME in form.fields and key in form.fields:
            form.fields[key].widget = _KeyWithVersion(form[FIELD_NAME])

    def clean(self):
        super().clean()
        deleted_conflicts = []
        for index, form in enumerate(self.forms):
            if index >= self.initial_form_count():
                break
            form.parent_instance = getattr(self, "instance", None)
            if form.instance.pk is None:
                # Its row was deleted meanwhile (the key no longer matches).
                pk = _key(
                    self.model, form.data.get(form.add_prefix(self.model._meta.pk.name))
                )
                if pk is not None and not self._should_delete_form(form):
                    stub = self.model(pk=pk)
                    form.add_error(None, _message(stub, deleted=True))
                continue
            deleting = self.can_delete and self._should_delete_form(form)
            if not (deleting or form.has_changed()):
                continue
            try:
                form.check_version(deleting=deleting)
            except ValidationError as error:
                if deleting:
                    deleted_conflicts.append(error)
                else:
                    form.add_error(None, error)
        if deleted_conflicts:
            raise ValidationError(deleted_conflicts)


def versioned_form(
    form_class, *, checks_itself: bool = True, reads_stored: bool = False
):
    """`form_class` with the token and its check."""
    if issubclass(form_class, VersionCheckedForm):
        return form_class
    return type(form_class)(
        form_class.__name__,
        (VersionCheckedForm, form_class),
        {
            FIELD_NAME: TokenField(),
            "checks_itself": checks_itself,
            "reads_stored": reads_stored,
        },
    )


def versioned_formset(formset_class, *, version_with_key: bool = False):
    """`formset_class` whose forms are checked."""
    if issubclass(formset_class, VersionCheckedFormSet):
        return formset_class
    return type(
        formset_class.__name__,
        (VersionCheckedFormSet, formset_class),
        {"version_with_key": version_with_key},
    )


# The admin.


class VersionCheckedAdmin:
    """Mixed into a ModelAdmin or an inline: its forms carry the token."""

    def _without_readonly_declared(self, request, obj, form_class):
        # As ModelAdmin.get_form does for the form it builds itself.
        readonly = self.get_readonly_fields(request, obj)
        attrs = dict.fromkeys(f for f in readonly if f in form_class.declared_fields)
        return type(form_class)(form_class.__name__, (form_class,), attrs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and "form" not in kwargs:
            url_name = getattr(request.resolver_match, "url_name", "") or ""
            kwargs["form"] = self._without_readonly_declared(
                request,
                obj,
                versioned_form(
                    self.form, reads_stored=url_name.endswith("_simple_history")
                ),
            )
        return super().get_form(request, obj, change=change, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", versioned_form(self.form, checks_itself=False))
        kwargs.setdefault("formset", versioned_formset(self.formset))
        return super().get_formset(request, obj, **kwargs)

    # The changelist's list_editable rows.
    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault(
            "form",
            versioned_form(kwargs.get("form", forms.ModelForm), checks_itself=False),
        )
        return super().get_changelist_form(request, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault(
            "formset", versioned_formset(BaseModelFormSet, version_with_key=True)
        )
        return super().get_changelist_formset(request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f != FIELD_NAME],
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]
        if fieldsets and obj is not None and self.has_change_permission(request, obj):
            name, options = fieldsets[0]
            fieldsets[0] = (
                name,
                {**options, "fields": [*options["fields"], FIELD_NAME]},
            )
        return fieldsets

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's "may have been deleted", and, for a save, who deleted it.
        response = super()._get_obj_does_not_exist_redirect(request, opts, object_id)
        if request.method == "POST":
            try:
                stub = self.model(pk=self.model._meta.pk.to_python(object_id))
            except ValidationError:
                return response
            if last_change(stub) is not None:
                messages.warning(request, _message(stub, deleted=True))
        return response

    def render_change_form(self, request, context, *args, **kwargs):
        conflicts = []
        adminform = context.get("adminform")
        if adminform is not None and getattr(adminform.form, "conflict", None):
            conflicts.append(adminform.form.conflict)
        for inline in context.get("inline_admin_formsets", ()):
            conflicts += [
                form.conflict
                for form in inline.formset.forms
                if getattr(form, "conflict", None)
            ]
        context["version_conflicts"] = conflicts
        return super().render_change_form(request, context, *args, **kwargs)


__all__ = [
    "FIELD_NAME",
    "Conflict",
    "Difference",
    "VersionCheckedAdmin",
    "fingerprint",
    "last_change",
    "versioned_form",
    "versioned_formset",
]
