"""The production start's check of its settings; the client's address."""

from django.conf import settings
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured


def is_weak_secret_key(key: str) -> bool:
    """Django's own measure (check --deploy, security.W009): at least 50
    characters, 5 different ones, and not a startproject key."""
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def require_production_settings() -> None:
    """Refuse to serve from a production entry point with debug on or a weak
    DJANGO_SECRET_KEY (a missing one stops the settings already).

    Called by the WSGI and ASGI entry points only: `make run` serves with
    runserver and debug on, management commands and the tests run with short
    keys on purpose, and `check --deploy` reports a weak key there as
    security.W009.
    """
    if settings.DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is on: the production entry points (gunicorn "
            "onechamber.wsgi, onechamber.asgi) never serve with debug, which "
            "shows settings and code to anyone who finds an error. Set "
            "DJANGO_DEBUG=false; for a local server use `make run`."
        )
    if is_weak_secret_key(settings.SECRET_KEY):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is too weak for production: it needs at least "
            f"{SECRET_KEY_MIN_LENGTH} characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} "
            "different ones, and no 'django-insecure-' prefix. Generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )


def client_address(request) -> str:
    """The address a request came from, for login throttling: REMOTE_ADDR, or
    behind ONECHAMBER_PROXY_COUNT proxies the address the outermost one saw,
    counted from the right of X-Forwarded-For (what a client wrote itself
    stands further left and is never taken)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.ONECHAMBER_PROXY_COUNT
    if not count:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-count] if len(hops) >= count else remote
