"""The audit history of records (django-simple-history): who changed what, when,
from which value to which, and why.

Models keep their history with `HistoricalRecords()`; saves and deletes are
recorded by simple-history's model signals, the bulk writes of the portal's
QuerySet by `record_bulk` (see onechamber.tenancy). The user is the request's
(simple-history's middleware); the reason is the one a service names with
`reason("公開")` around its writes. The admin shows a record's history with
`onechamber.admin_history.HistoryAdmin`.

Ground floor: this module imports no app of the portal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

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
