"""Error pages are Japanese, in the layout of the part of the site they
answer, with a way back; the 500 page needs no database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onechamber import views

pytestmark = pytest.mark.django_db


def test_a_missing_portal_page(client, viewer_user):
    client.force_login(viewer_user)
    response = client.get("/meetings/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="ja">' in body and "ページが見つかりません" in body
    assert reverse("meetings:home") in body and "site-nav" in body


def test_a_missing_admin_page_in_the_admins_layout(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get("/admin/meetings/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "ページが見つかりません" in body and "管理画面のトップに戻る" in body
    assert "onechamber 管理画面" in body


def test_a_refusal_says_why_and_where_to_go(client, department_user):
    client.force_login(department_user)
    response = client.get(reverse("admin:meetings_meeting_changelist"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "このページは開けません" in body and "kousei さんのアカウント" in body
    assert "管理画面のトップに戻る" in body
    assert "403 Forbidden" not in body


def test_an_expired_form_is_explained(viewer_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "送信できませんでした" in response.content.decode()


def test_the_500_page_reads_nothing_from_the_database():
    request = RequestFactory().get("/meetings/")
    with CaptureQueriesContext(connection) as queries:
        response = views.server_error(request)
    assert len(queries) == 0
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="ja">' in body and "サーバーで問題が起きました" in body
    assert 'href="/"' in body


def test_a_bad_request_page(rf):
    response = views.bad_request(rf.get("/x"))
    assert response.status_code == 400
    assert "読み取れない要求です" in response.content.decode()
