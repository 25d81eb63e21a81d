"""Create or update a portal account with its role and organisation."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from meetings.models import Organization, UserProfile
from onechamber.roles import DEPARTMENT, ROLES, SECRETARIAT, VIEWER, sync_groups


class Command(BaseCommand):
    help = "Create or update an account: add_user NAME --role ROLE [--organization X]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument(
            "--organization",
            help="団体コード (162019) か組織名 (富山市, 厚生部)",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="パスワードを標準入力の1行目から読む",
        )

    @transaction.atomic
    def handle(self, *args, username, role, organization, password_stdin, **options):
        org = self._organization(organization) if organization else None
        if role == VIEWER and (
            org is None or not org.is_municipality and org.kind != "association"
        ):
            raise CommandError(
                "viewer には --organization で市町村を指定してください。"
            )
        if role == DEPARTMENT and (
            org is None or org.kind not in ("department", "division")
        ):
            raise CommandError(
                "department には --organization で部局か課を指定してください。"
            )
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("パスワード（空欄なら変更しない）: ") or None

        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.is_staff = role in (SECRETARIAT, DEPARTMENT)
        user.save()
        groups = sync_groups()
        user.groups.set([groups[role]])
        UserProfile.objects.update_or_create(user=user, defaults={"organization": org})
        verb = "作成しました" if created else "更新しました"
        self.stdout.write(f"{username}（{role}）を{verb}。")

    def _organization(self, text: str) -> Organization:
        matches = list(Organization.objects.filter(Q(code=text) | Q(name=text)))
        if len(matches) != 1:
            raise CommandError(
                f"組織「{text}」が見つかりません。団体コードか正式名称で指定してください。"
            )
        return matches[0]
