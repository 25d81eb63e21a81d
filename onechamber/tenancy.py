"""Records belong to one headquarters (the tenant): the QuerySet every model of
the portal's apps uses, which scopes reads and reports writes.

A model names the path from itself to its headquarters in the class attribute
`headquarters_path` ("headquarters" for a top-level record, "meeting__headquarters"
for a meeting's agenda item). `for_headquarters` filters on it, and every write
that sends no model signal (QuerySet.update, delete, bulk_create, bulk_update)
sends `data_changed` with the headquarters it touched, so that caches keyed on a
headquarters' data (the packet's content version) never depend on the writer
remembering to invalidate them. The same writes leave their rows in the
records' audit history (onechamber.history), as saves and deletes do through
the model signals. This module imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.dispatch import Signal

from onechamber import history

# Sent with `headquarters_ids` (a set of primary keys) after a bulk write.
data_changed = Signal()


def headquarters_path(model) -> str | None:
    """The lookup from `model` to its headquarters, or None if it has none."""
    return getattr(model, "headquarters_path", None)


def headquarters_id_of(obj) -> int | None:
    """The headquarters an instance belongs to, following its `headquarters_path`
    through the relations already loaded, else with one query."""
    path = headquarters_path(type(obj))
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    current = obj
    for hop in hops:
        field = current._meta.get_field(hop)
        if not field.is_cached(current) and obj.pk is not None:
            return (
                type(obj)
                ._base_manager.filter(pk=obj.pk)
                .values_list(path, flat=True)
                .first()
            )
        current = getattr(current, hop)
        if current is None:
            return None
    return getattr(current, f"{last}_id")


class ScopedQuerySet(models.QuerySet):
    """Chainable reads scoped to a headquarters; bulk writes that report themselves."""

    def for_headquarters(self, headquarters) -> ScopedQuerySet:
        """The records of `headquarters` (an instance or a primary key); none for None."""
        path = headquarters_path(self.model)
        if headquarters is None:
            return self.none()
        return self.filter(**{path: headquarters})

    def _headquarters_ids(self) -> set[int]:
        path = headquarters_path(self.model)
        if path is None:
            return set()
        return {
            pk
            for pk in self.order_by().values_list(path, flat=True).distinct()
            if pk is not None
        }

    def _changed(self, ids: Iterable[int | None]) -> None:
        ids = {pk for pk in ids if pk is not None}
        if ids:
            data_changed.send(sender=self.model, headquarters_ids=ids)

    def update(self, **kwargs) -> int:
        ids = self._headquarters_ids()
        # The rows as selected before the update, which may change whether
        # they still match the filter.
        pks = (
            list(self.order_by().values_list("pk", flat=True))
            if history.history_manager(self.model)
            else []
        )
        count = super().update(**kwargs)
        if count:
            # A move to another headquarters changes both.
            self._changed(ids | self._headquarters_ids())
            history.record_update(self.model, pks)
        return count

    update.alters_data = True

    def delete(self):
        # The history's "-" rows come from the model signals, which every
        # delete sends here: receivers are connected (the content version's),
        # so Django deletes row by row, never fast.
        ids = self._headquarters_ids()
        result = super().delete()
        if result[0]:
            self._changed(ids)
        return result

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        self._changed(headquarters_id_of(obj) for obj in objs)
        history.record_bulk(self.model, objs, update=False)
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Django's bulk_update writes with QuerySet.update (above), which
        # records the history of the rows it changes.
        objs = list(objs)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if count:
            self._changed(headquarters_id_of(obj) for obj in objs)
        return count
