"""Portal pages on data made by the factories, without the seed."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from tests.meetings.test_views import _text

pytestmark = pytest.mark.django_db


def test_login_page_is_open_and_japanese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "ユーザー名" in _text(response)


def test_unpublished_meeting_is_404_for_viewers_and_departments(client, db):
    meeting = factories.make_meeting(published=False)
    for role in ("viewer", "department"):
        client.force_login(factories.make_user(role=role, username=role))
        assert client.get(meeting.get_absolute_url()).status_code == 404
        assert meeting.short_title not in _text(client.get("/meetings/"))


def test_unpublished_meeting_is_shown_to_the_secretariat_marked(
    client, secretariat_user
):
    meeting = factories.make_meeting(published=False)
    client.force_login(secretariat_user)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert "未公開" in _text(response)


def test_meeting_list_query_count_does_not_grow(
    client, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    for n in range(1, 4):
        factories.make_meeting(number=n, date=dt.date(2021, 6, n))
    # Session, user, role, profile, the permission to see unpublished meetings
    # (user and group permissions), the years, the count, the page of
    # meetings: none grows with the data.
    with django_assert_max_num_queries(13):
        client.get("/meetings/", {"fy": "2021"})
    for n in range(4, 30):
        factories.make_meeting(number=n, date=dt.date(2021, 7, n))
    with django_assert_max_num_queries(13):
        response = client.get("/meetings/", {"fy": "2021"})
    # 29 meetings: 20, then 9 on the second page.
    assert response.content.decode().count('class="meeting-row') == 20
    assert "1～20件目／全29件（1/2ページ）" in response.content.decode()
    second = client.get("/meetings/", {"fy": "2021", "page": "2"}).content.decode()
    assert second.count('class="meeting-row') == 9
