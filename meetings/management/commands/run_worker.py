"""The worker that builds packet editions: `manage.py run_worker`.

It first queues again the builds a killed worker left half-done (they resume
from the parts already rendered), then runs django-tasks' database worker.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from meetings import editions


class Command(BaseCommand):
    help = "配付資料（版）を作成するワーカーを起動します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="待っている作成をすべて終えたら終了する。",
        )
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, batch=False, interval=1.0, **options):
        resumed = editions.resume_stalled()
        if resumed:
            self.stdout.write(
                "中断していた作成を再開します：" + "、".join(str(e) for e in resumed)
            )
        call_command(
            "db_worker",
            queue_name="default",
            interval=interval,
            batch=batch,
            reload=False,
            verbosity=options.get("verbosity", 1),
        )
