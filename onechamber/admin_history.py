"""The history page of a record in the admin (django-simple-history's, made
read-only and scoped like the record's change page); see onechamber.history."""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from onechamber.history import reason


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
