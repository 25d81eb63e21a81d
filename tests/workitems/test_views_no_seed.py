"""Item pages without the seed."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_item_detail_404_for_missing_item(client, db, viewer_user):
    client.force_login(viewer_user)
    assert client.get(reverse("workitems:item_detail", args=[999])).status_code == 404
