"""資料4's sections on data made by the factories, without the seed."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_municipality_page_without_own_dates(client, viewer_user):
    client.force_login(viewer_user)
    html = client.get(
        reverse("meetings:municipality", args=["162019"])
    ).content.decode()
    assert "富山市独自の適用開始日は登録されていません" in html
