"""Rendered portal pages are kept, and never outlive what they show."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def meeting():
    return factories.make_meeting(fiscal_year=2021, number=1)


def _get(client, url="/meetings/?fy=2021"):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_second_reading_is_served_from_the_cache_with_few_queries(
    client, meeting, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    first = _get(client)
    assert first["X-Page-Cache"] == "miss"
    # The session, the account, one statement for all the page depends on,
    # and the request's savepoint and its release: whatever the page shows.
    with django_assert_max_num_queries(5):
        second = _get(client)
    assert second["X-Page-Cache"] == "hit"
    assert "第1回本部会議" in second.content.decode()
    # The same page but for the form token, which is fresh each time.
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub(
        "", second.content.decode()
    )


def test_an_edit_shows_at_once(client, meeting, viewer_user):
    client.force_login(viewer_user)
    _get(client)
    meeting.date = meeting.date.replace(day=11)
    meeting.save()
    response = _get(client)
    assert response["X-Page-Cache"] == "miss"
    assert "令和3年6月11日" in response.content.decode()
    factories.make_meeting(fiscal_year=2021, number=2)
    response = _get(client)
    assert response["X-Page-Cache"] == "miss"
    assert "第2回本部会議" in response.content.decode()


def test_accounts_see_their_own_pages(client, meeting, viewer_user, secretariat_user):
    factories.make_meeting(fiscal_year=2021, number=2, published=False)
    client.force_login(secretariat_user)
    assert "第2回本部会議" in _get(client).content.decode()
    viewer = Client()
    viewer.force_login(viewer_user)
    response = _get(viewer)
    assert response["X-Page-Cache"] == "miss"
    assert "第2回本部会議" not in response.content.decode()
    assert "jimukyoku" not in response.content.decode()


def test_a_role_change_shows_at_once(client, meeting, viewer_user):
    factories.make_meeting(fiscal_year=2021, number=2, published=False)
    client.force_login(viewer_user)
    assert "第2回本部会議" not in _get(client).content.decode()
    assert _get(client)["X-Page-Cache"] == "hit"
    viewer_user.groups.set([factories.sync_groups()["secretariat"]])
    client.force_login(viewer_user)  # a fresh request.user, as each request has
    response = _get(client)
    assert response["X-Page-Cache"] == "miss"
    assert "第2回本部会議" in response.content.decode()


def test_the_form_token_of_a_kept_page_is_good_for_the_session_reading_it(
    meeting, viewer_user
):
    for _session in range(2):  # a second session reads the page the first one kept
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(viewer_user)
        response = _get(browser)
        token = TOKEN.search(response.content.decode()).group(1)
        logout = browser.post(reverse("logout"), {"csrfmiddlewaretoken": token})
        assert logout.status_code == 302, "the logout form's token was refused"
    assert response["X-Page-Cache"] == "hit"


def test_a_page_with_a_message_is_not_kept(client, meeting, viewer_user):
    client.force_login(viewer_user)
    response = client.post(reverse("workitems:reset_calendar_token"), follow=True)
    assert "以前のURLは使えなくなります" in response.content.decode()
    assert "X-Page-Cache" not in response
    again = _get(client, reverse("workitems:schedule"))
    assert again["X-Page-Cache"] == "miss"
    assert "以前のURLは使えなくなります" not in again.content.decode()


def test_a_new_calendar_url_shows_at_once(client, meeting, viewer_user):
    client.force_login(viewer_user)
    url = reverse("workitems:schedule")
    _get(client, url)
    client.post(reverse("workitems:reset_calendar_token"))
    viewer_user.profile.refresh_from_db()
    assert viewer_user.profile.calendar_token in _get(client, url).content.decode()


def test_another_address_is_another_page(client, meeting, viewer_user):
    client.force_login(viewer_user)
    _get(client, "/meetings/?fy=2021")
    assert _get(client, "/meetings/?fy=2022")["X-Page-Cache"] == "miss"
