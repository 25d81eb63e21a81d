"""Background tasks of the search index (django-tasks; run by `manage.py run_worker`)."""

from __future__ import annotations

from django_tasks import task

from search import index


@task()
def update_index(targets: list[list]) -> int:
    """Rewrite the documents that `targets` ([source, field, value]) name."""
    return index.update([tuple(t) for t in targets])
