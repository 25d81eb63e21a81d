"""Background tasks (django-tasks): run by `manage.py run_worker`."""

from __future__ import annotations

from django_tasks import task

from meetings.packet import build


@task()
def build_edition(edition_id: int) -> str:
    """Build one edition of a meeting's packet (see meetings.packet.build)."""
    return build.run_build(edition_id)
