"""Check the signature of a distributed PDF, as a municipality would."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from pyhanko.keys import load_certs_from_pemder

from meetings import signing


class Command(BaseCommand):
    help = "Check a signed PDF: verify_pdf FILE --trust ROOT.pem [--trust ...]"

    def add_arguments(self, parser):
        parser.add_argument("file", help="署名を確かめる PDF")
        parser.add_argument(
            "--trust",
            action="append",
            required=True,
            help="信頼する証明書 (PEM/DER)。LGPKI のルート証明書など。複数指定可",
        )

    def handle(self, *args, file, trust, **options):
        try:
            data = Path(file).read_bytes()
            roots = list(load_certs_from_pemder(trust))
        except OSError as error:
            raise CommandError(
                f"{error.filename} を読めません: {error.strerror}"
            ) from error
        try:
            result = signing.verify_pdf(data, trust_roots=roots)
        except ValueError as error:
            raise CommandError(f"{file}: {error}") from error
        signed_at = (
            timezone.localtime(result.signed_at).strftime("%Y-%m-%d %H:%M:%S %Z")
            if result.signed_at
            else "不明"
        )
        unaltered = result.intact and result.valid and result.coverage_entire_file
        self.stdout.write(f"{file}")
        self.stdout.write(f"  署名者: {result.signer}")
        self.stdout.write(f"  署名日時: {signed_at}")
        self.stdout.write(
            "  改ざん: なし"
            if unaltered
            else "  改ざん: あり（署名の後に変更されたか、署名が壊れています）"
        )
        self.stdout.write(
            "  証明書: 信頼できます"
            if result.trusted
            else "  証明書: 指定の証明書からたどれません"
        )
        if not result.ok:
            raise CommandError("署名を確認できませんでした。")
        self.stdout.write(self.style.SUCCESS("有効な署名です。"))
