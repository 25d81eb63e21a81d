import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from meetings.models import UserProfile
from tests import factories

pytestmark = pytest.mark.django_db


def _add_user(*args, password: str | None = None):
    stdin = io.StringIO(f"{password}\n" if password else "")
    out = io.StringIO()
    import sys

    old, sys.stdin = sys.stdin, stdin
    try:
        call_command("add_user", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_add_user_creates_a_viewer_of_a_municipality_by_code(db):
    factories.make_municipality(name="富山市", code="162019")
    out = _add_user(
        "toyama",
        "--role",
        "viewer",
        "--organization",
        "162019",
        "--password-stdin",
        password="a-long-passphrase-42",
    )
    user = get_user_model().objects.get(username="toyama")
    assert out.strip() == "toyama（viewer）を作成しました。"
    assert user.check_password("a-long-passphrase-42")
    assert [g.name for g in user.groups.all()] == ["viewer"]
    assert user.is_staff is False
    assert user.profile.organization.name == "富山市"


def test_add_user_twice_updates_instead_of_duplicating(db):
    factories.make_organization(name="厚生部", kind="department")
    _add_user(
        "kousei",
        "--role",
        "department",
        "--organization",
        "厚生部",
        "--password-stdin",
        password="first-passphrase-42",
    )
    out = _add_user(
        "kousei",
        "--role",
        "secretariat",
        "--password-stdin",
        password="second-passphrase-42",
    )
    user = get_user_model().objects.get(username="kousei")
    assert out.strip() == "kousei（secretariat）を更新しました。"
    assert get_user_model().objects.count() == 1
    assert UserProfile.objects.count() == 1
    assert [g.name for g in user.groups.all()] == ["secretariat"]
    assert user.is_staff is True
    assert user.check_password("second-passphrase-42")


def test_viewer_needs_a_municipality(db):
    with pytest.raises(CommandError, match="viewer には --organization で市町村を指定"):
        _add_user("x", "--role", "viewer")


def test_unknown_organization_is_a_clear_error(db):
    factories.make_headquarters()
    with pytest.raises(CommandError, match="組織「999999」が見つかりません"):
        _add_user("x", "--role", "viewer", "--organization", "999999")


def test_weak_password_is_refused(db):
    factories.make_municipality()
    with pytest.raises(CommandError):
        _add_user(
            "x",
            "--role",
            "viewer",
            "--organization",
            "162019",
            "--password-stdin",
            password="123",
        )
    assert not get_user_model().objects.filter(username="x").exists()
