"""Replace the database, the uploads and the editions by a backup's."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onechamber import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`, replacing the database, MEDIA_ROOT "
        "and the editions: restore IN.tar.gz [--yes]"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup で作ったファイル (.tar.gz)")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="確認せずに復元する（今のデータはすべて置き換わります）",
        )

    def handle(self, *args, archive, yes, **options):
        path = Path(archive)
        try:
            if not yes:
                self._confirm(path, backup.read_manifest(path), backup.tree_roots())
            summary = backup.restore_backup(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"バックアップの作成日時: {summary.created_at}")
        self.stdout.write(
            f"データベース ({summary.vendor}): {summary.tables} テーブル、"
            f"{summary.rows} 行（行数はバックアップと一致）"
        )
        self.stdout.write(
            f"アップロード: {summary.files['media']} ファイル、"
            f"版: {summary.files['editions']} ファイル（sha256 はすべて一致）"
        )
        self.stdout.write(self.style.SUCCESS(f"復元しました: {path}"))

    def _confirm(self, path, manifest, roots):
        if not sys.stdin.isatty():
            raise CommandError(
                "復元すると今のデータはすべて置き換わります。"
                "確認できない環境では --yes を付けて実行してください。"
            )
        self.stdout.write(
            f"{path}（{manifest.get('created_at', '日時不明')} に作成）で、"
            "次のものを置き換えます:"
        )
        self.stdout.write("  データベース（今のデータはすべて消えます）")
        for tree, root in roots.items():
            self.stdout.write(f"  {tree}: {root}")
        if input("よろしければ yes と入力してください: ").strip() != "yes":
            raise CommandError("復元を取りやめました。")
