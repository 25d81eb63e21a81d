"""Empty the search index and write it again from the records."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from search import index


class Command(BaseCommand):
    help = "検索の索引を作り直します（記録の変更は自動で反映されます。索引が壊れたときや移行の後に）。"

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        counts = index.rebuild()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"検索の索引を作り直しました：{sum(counts.values())}件、"
                f"{time.monotonic() - started:.1f}秒"
            )
        )
