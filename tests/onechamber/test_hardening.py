"""Hardening (issue 10, item 7): login throttling, password rules, reset only
with mail, Content Security Policy, caching and the production settings."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from onechamber.security import is_weak_secret_key, require_production_settings
from tests import factories

PASSWORD = "pw-for-tests-1"
LOCKOUT_MESSAGE = "このユーザー名でのログインを一時停止しました。15分後にもう一度"
ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 25 + "0123456789abcdefghijklmnopqrstuvwxyz"


def _log_in(client, url, username, password, address="192.0.2.10"):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address
    )


# Login throttling (django-axes)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_sixth_try_after_five_wrong_passwords_is_refused_in_japanese(
    client, login_throttling, secretariat_user, url
):
    for _ in range(4):
        assert _log_in(client, url, "jimukyoku", "wrong").status_code == 200
    fifth = _log_in(client, url, "jimukyoku", "wrong")
    sixth = _log_in(client, url, "jimukyoku", PASSWORD)

    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert LOCKOUT_MESSAGE in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_holds_one_user_from_one_address_only(
    client, login_throttling, secretariat_user, viewer_user
):
    for _ in range(5):
        _log_in(client, "/accounts/login/", "jimukyoku", "wrong")

    other_address = _log_in(
        client, "/accounts/login/", "jimukyoku", PASSWORD, address="192.0.2.99"
    )
    client.logout()
    other_user = _log_in(client, "/accounts/login/", "toyama", PASSWORD)

    assert other_address.status_code == 302
    assert other_user.status_code == 302


def test_right_password_works_again_after_the_cool_off(
    client, login_throttling, secretariat_user
):
    for _ in range(5):
        _log_in(client, "/accounts/login/", "jimukyoku", "wrong")
    assert _log_in(client, "/accounts/login/", "jimukyoku", PASSWORD).status_code == (
        429
    )

    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    )
    response = _log_in(client, "/accounts/login/", "jimukyoku", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(secretariat_user.pk)


def _address(forwarded_for):
    return get_client_ip_address(
        RequestFactory().post(
            "/accounts/login/",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
    )


def test_client_address_ignores_x_forwarded_for_without_proxies():
    assert _address("133.1.2.3") == "10.0.0.1"


def test_client_address_behind_one_proxy_is_the_one_it_saw(settings):
    settings.ONECHAMBER_PROXY_COUNT = 1

    assert _address("172.16.5.20") == "172.16.5.20"
    assert _address("150.1.2.3, 172.16.5.20") == "172.16.5.20"
    assert _address("") == "10.0.0.1"


def test_client_address_behind_two_proxies(settings):
    settings.ONECHAMBER_PROXY_COUNT = 2

    assert _address("150.1.2.3, 172.16.5.20, 10.0.0.9") == "172.16.5.20"


# Passwords


def test_password_like_the_user_name_is_refused_in_japanese(db):
    user = factories.make_user(role="secretariat", username="toyama-office")

    with pytest.raises(ValidationError) as exc:
        validate_password("toyama-office", user)

    assert "このパスワードは ユーザー名 と似すぎています。" in exc.value.messages


def test_add_user_refuses_a_password_like_the_user_name(db, monkeypatch):
    import io

    factories.default_headquarters()
    monkeypatch.setattr(sys, "stdin", io.StringIO("toyama-office\n"))

    with pytest.raises(CommandError, match="ユーザー名 と似すぎています"):
        call_command(
            "add_user", "toyama-office", "--role", "secretariat", "--password-stdin"
        )


# Password reset only with mail


RESET_URLS = [
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/set-password/",
    "/accounts/reset/done/",
]


@pytest.mark.parametrize("url", RESET_URLS)
def test_reset_pages_are_not_found_without_mail(client, db, url):
    assert client.get(url).status_code == 404


def test_login_page_offers_no_reset_without_mail(client, db):
    response = client.get("/accounts/login/")

    assert "/accounts/password_reset/" not in response.content.decode()


def test_reset_is_offered_and_mails_a_link_with_mail(
    client, settings, secretariat_user
):
    settings.ONECHAMBER_PASSWORD_RESET = True
    secretariat_user.email = "jimukyoku@example.lg.jp"
    secretariat_user.save()

    login = client.get("/accounts/login/")
    form = client.get("/accounts/password_reset/")
    sent = client.post(
        "/accounts/password_reset/", {"email": "jimukyoku@example.lg.jp"}
    )

    assert 'href="/accounts/password_reset/"' in login.content.decode()
    assert form.status_code == 200
    assert sent.status_code == 302
    assert sent["Location"] == "/accounts/password_reset/done/"
    assert [m.to for m in mail.outbox] == [["jimukyoku@example.lg.jp"]]
    assert "/accounts/reset/" in mail.outbox[0].body


# Headers: Content Security Policy, caching, HTTPS


def _csp(response) -> dict[str, str]:
    directives = response["Content-Security-Policy"].split(";")
    return {d.split()[0]: d.strip() for d in directives if d.strip()}


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/admin/", "/admin/meetings/meeting/"]
)
def test_pages_carry_the_content_security_policy(client, secretariat_user, url):
    client.force_login(secretariat_user)

    csp = _csp(client.get(url))

    assert csp["default-src"] == "default-src 'self'"
    assert csp["script-src"] == "script-src 'self'"
    assert csp["object-src"] == "object-src 'none'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"


@pytest.mark.parametrize("url", ["/", "/meetings/", "/admin/", "/accounts/login/"])
def test_pages_are_never_cached(client, secretariat_user, url):
    client.force_login(secretariat_user)

    response = client.get(url)

    assert response["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )


def test_a_response_keeps_its_own_cache_control(client, viewer_user):
    response = client.get(
        reverse("workitems:schedule_ics"),
        {"token": viewer_user.profile.calendar_token},
    )

    assert response["Cache-Control"] == "private, max-age=900"


def test_http_is_redirected_and_https_carries_hsts(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000

    plain = client.get("/accounts/login/")
    secure = client.get("/accounts/login/", secure=True)

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"
    assert secure["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )


# Secret key


@pytest.mark.parametrize(
    ("key", "weak"),
    [
        ("", True),
        ("test-only-not-secret", True),
        ("a" * 60, True),
        ("django-insecure-" + STRONG_KEY, True),
        (STRONG_KEY, False),
    ],
)
def test_weak_secret_keys(key, weak):
    assert is_weak_secret_key(key) is weak


def test_production_start_refuses_a_weak_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "change-me-to-a-long-random-string"

    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is too weak"):
        require_production_settings()


def test_production_start_refuses_debug(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = "x" * 60 + "abcdefgh"

    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG is on"):
        require_production_settings()


def test_production_start_takes_a_strong_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "Jq3v9Xk2Lm8Rt5Wz1Np7Ys4Hb6Dc0Fg2Ke8Mu5Qa1Vw3Tx9Zr7Lo"

    require_production_settings()


def _production_env(**extra) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "ONECHAMBER_"))
    }
    return {
        **env,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "portal.example.lg.jp",
        **extra,
    }


def test_wsgi_application_does_not_start_with_a_weak_key():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import onechamber.wsgi"],
        cwd=ROOT,
        env=_production_env(DJANGO_SECRET_KEY="test-only-not-secret"),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is too weak" in result.stderr


def test_wsgi_application_does_not_start_with_debug_on():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import onechamber.wsgi"],
        cwd=ROOT,
        env=_production_env(
            DJANGO_DEBUG="true",
            DJANGO_SECRET_KEY="Jq3v9Xk2Lm8Rt5Wz1Np7Ys4Hb6Dc0Fg2Ke8Mu5Qa1Vw3Tx9Zr7Lo",
        ),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_DEBUG is on" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(DJANGO_SECRET_KEY=STRONG_KEY),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_development_server_still_starts_with_debug_on():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from django.core.servers.basehttp import get_internal_wsgi_application;"
            "print(callable(get_internal_wsgi_application()))",
        ],
        cwd=ROOT,
        env=_production_env(
            DJANGO_DEBUG="true",
            DJANGO_SECRET_KEY="x",
            DJANGO_SETTINGS_MODULE="onechamber.settings",
        ),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_admin_speaks_japanese_to_an_english_browser(client, secretariat_user):
    client.force_login(secretariat_user)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "ホーム" in body or "サイト管理" in body or "追加" in body
    assert ">Add<" not in body
