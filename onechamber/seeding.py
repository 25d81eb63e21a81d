"""Loading seed data: one way for every app.

Each installed app may have a `seed` module (found like the admin finds `admin`
modules, with `autodiscover_modules`) that registers a loader with `register`.
`manage.py load_seed` runs them in INSTALLED_APPS order with one shared `context` dict: the
first loader puts the headquarters there, later ones read it.

Loaders write with `sync` and `sync_rows`, which create what is missing, update
only the fields that changed and leave equal rows alone: loading the same seed
twice writes nothing (and so moves no content version).
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.utils.module_loading import autodiscover_modules

Loader = Callable[[dict], None]
_loaders: list[Loader] = []


def register(loader: Loader) -> Loader:
    """Decorator: run `loader(context)` when the seed is loaded; once per function."""
    name = f"{loader.__module__}.{loader.__qualname__}"
    if any(f"{f.__module__}.{f.__qualname__}" == name for f in _loaders):
        raise ValueError(f"seed loader {name} is already registered")
    _loaders.append(loader)
    return loader


def loaders() -> list[Loader]:
    """Every app's loader, in INSTALLED_APPS order (whatever order their
    modules happened to be imported in)."""
    autodiscover_modules("seed")
    order = {config.name: n for n, config in enumerate(apps.get_app_configs())}

    def position(loader: Loader) -> int:
        config = apps.get_containing_app_config(loader.__module__)
        return order.get(config.name, len(order)) if config else len(order)

    return sorted(_loaders, key=position)


def _differs(obj: models.Model, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    if isinstance(value, models.Model):
        return getattr(obj, field.attname) != value.pk
    if field.is_relation:
        name = field.attname
    return getattr(obj, name) != field.to_python(value)


def sync(model, defaults: dict | None = None, **lookup) -> tuple[models.Model, bool]:
    """Like `update_or_create`, but writes nothing when the row already holds
    `defaults`, and only the changed fields otherwise. Returns (row, created)."""
    defaults = defaults or {}
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        values = {**lookup, **defaults}
        return model._default_manager.create(**values), True
    changed = [name for name, value in defaults.items() if _differs(obj, name, value)]
    for name in changed:
        setattr(obj, name, defaults[name])
    if changed:
        obj.save(update_fields=changed)
    return obj, False


def sync_m2m(obj: models.Model, name: str, related: list) -> None:
    """Set a many-to-many field to `related` only if it differs."""
    manager = getattr(obj, name)
    if {o.pk for o in manager.all()} != {o.pk for o in related}:
        manager.set(related)


def sync_rows(
    model, parent: dict, key: tuple[str, ...], rows: list[dict], m2m: str = ""
) -> None:
    """Make `parent`'s rows of `model` exactly `rows`, matched on `key`.

    Writes only what changed (one query to read, bulk inserts), so loading the
    seed again costs a few reads per list instead of a write per row. `m2m`
    names one many-to-many field whose targets each row lists under that name.
    """
    queryset = model._default_manager.filter(**parent)
    if m2m:
        queryset = queryset.prefetch_related(m2m)
    existing = {tuple(getattr(o, f) for f in key): o for o in queryset}
    created, wanted = [], []
    for values in rows:
        values = dict(values)
        related = values.pop(m2m, []) if m2m else []
        obj = existing.pop(tuple(values[f] for f in key), None)
        if obj is None:
            obj = model(**parent, **values)
            created.append(obj)
        else:
            changed = [f for f, v in values.items() if _differs(obj, f, v)]
            for f in changed:
                setattr(obj, f, values[f])
            if changed:
                obj.save(update_fields=changed)
        wanted.append((obj, related))
    if existing:
        model._default_manager.filter(pk__in=[o.pk for o in existing.values()]).delete()
    if created:
        model._default_manager.bulk_create(created)
    if m2m:
        new = {id(o) for o in created}
        field = model._meta.get_field(m2m)
        through = field.remote_field.through
        source = f"{field.m2m_field_name()}_id"
        target = f"{field.m2m_reverse_field_name()}_id"
        links = []
        for obj, related in wanted:
            if id(obj) in new:
                links += [through(**{source: obj.pk, target: o.pk}) for o in related]
            else:
                sync_m2m(obj, m2m, related)
        if links:
            through._default_manager.bulk_create(links)
