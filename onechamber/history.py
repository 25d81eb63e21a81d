"""The audit history of records (django-simple-history): who changed what, when,
from which value to which, and why.

Models keep their history with `HistoricalRecords()`; saves and deletes are
recorded by simple-history's model signals, the bulk writes of the portal's
QuerySet by `record_bulk` (see onechamber.tenancy). The user is the request's
(simple-history's middleware); the reason is the one a service names with
`reason("公開")` around its writes. The admin shows a record's history with
`HistoryAdmin`, read-only and scoped like its change page.

Ground floor: this module imports no app of the portal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.admin.utils import unquote
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.signals import pre_create_historical_record
from simple_history.template_utils import HistoricalRecordContextHelper

_reason: ContextVar[str] = ContextVar("onechamber_history_reason", default="")
BATCH = 500


@contextmanager
def reason(text: str) -> Iterator[None]:
    """Record `text` as the reason of every change made inside the block
    (unless a record names its own, or an inner block another)."""
    token = _reason.set(str(text))
    try:
        yield
    finally:
        _reason.reset(token)


def current_reason() -> str:
    """The reason named by the innermost `reason` block, or ""."""
    return _reason.get()


def history_manager(model):
    """The history manager of `model`, or None if it keeps no history."""
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name) if name else None


def record_bulk(model, objs: Iterable, *, update: bool) -> None:
    """Historical rows ("+" or, with `update`, "~") for rows a bulk write made
    or changed, with the request's user and the current reason."""
    history = history_manager(model)
    if history is None:
        return
    rows = [obj for obj in objs if obj.pk is not None]
    if rows:
        history.bulk_history_create(
            rows,
            batch_size=BATCH,
            update=update,
            default_change_reason=current_reason(),
        )


def record_update(model, pks: list) -> None:
    """Historical "~" rows of the rows `pks` as they are now (after an update)."""
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        record_bulk(model, model._base_manager.filter(pk__in=chunk), update=True)


def record(obj, *, reason_text: str, user=None) -> None:
    """A "~" row of `obj` as it is, for an event that changes none of its
    fields (a distribution of its packet)."""
    history = history_manager(type(obj))
    if history is None:
        return
    history.bulk_history_create(
        [obj],
        update=True,
        default_user=user if getattr(user, "pk", None) is not None else None,
        default_change_reason=reason_text,
    )


def _add_reason(sender, history_instance, **kwargs) -> None:
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = current_reason() or None


def _update_last_login(sender, user, **kwargs) -> None:
    # A login is no edit of the account: it leaves no history row.
    user.last_login = timezone.now()
    save = getattr(user, "save_without_historical_record", user.save)
    save(update_fields=["last_login"])


def connect() -> None:
    """Name the current reason on every historical row; keep logins out of
    the accounts' history (to be called after django.contrib.auth's ready())."""
    pre_create_historical_record.connect(
        _add_reason, dispatch_uid="onechamber_history_reason"
    )
    if user_logged_in.disconnect(dispatch_uid="update_last_login"):
        user_logged_in.connect(
            _update_last_login, dispatch_uid="onechamber_update_last_login"
        )


class ChangeDisplay(HistoricalRecordContextHelper):
    """Old and new values as the change form shows them: a choice by its
    label, a date-time in local time, an empty value as （空）."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        if value is None or value == "":
            return _("（空）")
        if field.flatchoices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("はい") if value else _("いいえ")
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """The history page of a record: each change with who, when, its kind,
    its reason and every changed field's old and new value.

    Read-only: the list shows every old value, and simple-history's page of
    one old version, with its form to restore it, is not served (its form
    would save past the change form's checks and the scoping). Only a record
    the user may view on its change page has a history page: a record outside
    the user's scope, or one deleted since, answers 404, a model the user may
    not view 403."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"

    def _visible_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._visible_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise Http404

    def delete_queryset(self, request, queryset):
        # The changelist's "delete selected": each row's "-" names it.
        with reason(_("一括削除")):
            super().delete_queryset(request, queryset)

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangeDisplay(self.model, historical_record)

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_view_title(self, request, obj) -> str:
        return _("変更履歴：%(object)s") % {"object": obj}
