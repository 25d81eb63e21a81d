"""Making, using and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken

PREFIX_LENGTH = 8
# A user's live tokens: enough for every script an office runs.
MAX_ACTIVE_TOKENS = 10


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256 in hex. A key is 256 random bits,
    so a plain hash (no salt, no slow function) is as strong as the key."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token of `user` and its key, which is never stored and never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError(_("トークンの名前を入力してください。"), code="no_name")
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= (
        MAX_ACTIVE_TOKENS
    ):
        raise ValidationError(
            _("有効なトークンは%(n)d個までです。使わないものを無効にしてください。")
            % {"n": MAX_ACTIVE_TOKENS},
            code="too_many",
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key)
    )
    return token, key


def revoke_token(*, token: ApiToken) -> ApiToken:
    """Stop `token` working; idempotent."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_key(key: str):
    """The active token whose key is `key` (its user loaded), or None; its
    last use is recorded."""
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=hash_key(key))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token
