"""Distribute 第1版 of published meetings that have none: `manage.py distribute`.

For a portal that held meetings before editions existed (and for `make run`,
whose seed meeting is published): the worker builds each edition.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from meetings import editions
from meetings.models import Meeting


class Command(BaseCommand):
    help = "公開済みで資料があり未配付の会議の第1版を配付します（作成はワーカーが行います）。"

    def handle(self, *args, **options):
        meetings = (
            Meeting.objects.filter(published=True, materials__isnull=False)
            .exclude(editions__number__isnull=False)
            .distinct()
            .select_related("headquarters")
            .order_by("pk")
        )
        for meeting in meetings:
            try:
                edition = editions.distribute(meeting=meeting, by=None)
            except ValidationError as exc:
                self.stderr.write(f"{meeting}: {' '.join(exc.messages)}")
                continue
            self.stdout.write(f"{meeting}: {edition.label}を配付します")
