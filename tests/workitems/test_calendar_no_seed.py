"""The calendar token reset, without the seed."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_reset_needs_post_and_login(client, db, viewer_user):
    assert client.post(reverse("workitems:reset_calendar_token")).status_code == 302
    client.force_login(viewer_user)
    assert client.get(reverse("workitems:reset_calendar_token")).status_code == 405
