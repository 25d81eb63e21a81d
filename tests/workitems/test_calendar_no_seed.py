"""The calendar token reset, without the seed: it asks first."""

import pytest
from django.urls import reverse

from meetings.models import UserProfile

pytestmark = pytest.mark.django_db


def test_reset_needs_login(client, db):
    response = client.post(reverse("workitems:reset_calendar_token"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_reset_asks_first_and_says_the_old_url_stops(client, viewer_user):
    client.force_login(viewer_user)
    client.get(reverse("workitems:schedule"))  # makes the first token
    before = UserProfile.objects.get(user=viewer_user).calendar_token
    schedule = client.get(reverse("workitems:schedule")).content.decode()
    assert reverse("workitems:reset_calendar_token") in schedule
    page = client.get(reverse("workitems:reset_calendar_token"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "今のURLは使えなくなります" in body and "やめる" in body
    assert UserProfile.objects.get(user=viewer_user).calendar_token == before
    done = client.post(reverse("workitems:reset_calendar_token"))
    assert done.status_code == 302
    assert UserProfile.objects.get(user=viewer_user).calendar_token != before


def test_reset_takes_no_other_method(client, viewer_user):
    client.force_login(viewer_user)
    assert client.put(reverse("workitems:reset_calendar_token")).status_code == 405
