"""Vaccination pages and the API on data made by the factories, without the seed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.vaccination.test_views import API

pytestmark = pytest.mark.django_db


def test_venues_page_names_a_public_holiday(client, viewer_user):
    from tests.factories import make_venue_date

    make_venue_date(date=__import__("datetime").date(2022, 2, 11), added=True)
    client.force_login(viewer_user)
    html = client.get(reverse("vaccination:venues")).content.decode()
    assert (
        '<ins>2/11（金）</ins> <span class="day-kind">祝日・建国記念の日</span>' in html
    )


def test_api_rejects_a_group_without_rules(client, db, viewer_user):
    from tests.factories import make_group

    make_group(code="none", name="規則のない区分")
    client.force_login(viewer_user)
    response = client.get(API, {"group": "none", "completed": "2021-07-20"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "__all__": ["この区分と完了日に当てはまる接種間隔の規則がありません。"]
        }
    }


def test_nav_links_to_the_vaccination_pages(client, viewer_user):
    client.force_login(viewer_user)
    html = client.get(reverse("meetings:home")).content.decode()
    assert reverse("vaccination:index") in html


def test_eligibility_link_preselects_the_municipality(client, db, viewer_user):
    client.force_login(viewer_user)
    html = client.get(
        reverse("vaccination:eligibility"), {"municipality": "162019"}
    ).content.decode()
    assert '<option value="162019" selected>富山市</option>' in html
    assert "errorlist" not in html
    assert "接種対象の区分を選んでください。" not in html
