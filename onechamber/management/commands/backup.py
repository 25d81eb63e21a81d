"""Write the database, the uploads and the editions into one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onechamber import backup


class Command(BaseCommand):
    help = (
        "Back up the database, MEDIA_ROOT and the editions into one .tar.gz: "
        "backup OUT.tar.gz (or a folder) [--force]"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "out",
            help="書き出すファイル (.tar.gz)。フォルダなら onechamber-日時.tar.gz をその中に作る",
        )
        parser.add_argument(
            "--force", action="store_true", help="同じ名前のファイルを上書きする"
        )

    def handle(self, *args, out, force, **options):
        try:
            path, summary = backup.create_backup(Path(out), force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"データベース ({summary.vendor}): {summary.tables} テーブル、"
            f"{summary.rows} 行"
        )
        self.stdout.write(
            f"アップロード: {summary.files['media']} ファイル、"
            f"版: {summary.files['editions']} ファイル"
        )
        self.stdout.write(self.style.SUCCESS(f"バックアップを書き出しました: {path}"))
