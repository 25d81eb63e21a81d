"""Create or update a portal account with its role and organisation."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from meetings.models import Headquarters, Organization, UserProfile
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
            "--headquarters",
            help="本部の名称（本部が1つだけなら省略できます）",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="パスワードを標準入力の1行目から読む",
        )

    @transaction.atomic
    def handle(
        self,
        *args,
        username,
        role,
        organization,
        password_stdin,
        headquarters=None,
        **options,
    ):
        hq = org = None
        if organization:
            hq = self._headquarters(headquarters)
            org = self._organization(hq, organization)
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
        hq = hq or self._headquarters(headquarters)
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
        UserProfile.objects.update_or_create(
            user=user, defaults={"headquarters": hq, "organization": org}
        )
        verb = "作成しました" if created else "更新しました"
        self.stdout.write(f"{username}（{role}）を{verb}。")

    def _headquarters(self, name: str | None) -> Headquarters:
        found = list(
            Headquarters.objects.filter(name=name)
            if name
            else Headquarters.objects.all()
        )
        if len(found) == 1:
            return found[0]
        if name:
            raise CommandError(f"本部「{name}」が見つかりません。")
        if not found:
            raise CommandError(
                "本部が登録されていません。先に load_seed か管理画面で登録してください。"
            )
        raise CommandError(
            "本部が複数あります。--headquarters で本部の名称を指定してください。"
        )

    def _organization(self, hq: Headquarters, text: str) -> Organization:
        matches = list(
            Organization.objects.for_headquarters(hq).filter(
                Q(code=text) | Q(name=text)
            )
        )
        if len(matches) != 1:
            raise CommandError(
                f"組織「{text}」が見つかりません。団体コードか正式名称で指定してください。"
            )
        return matches[0]
