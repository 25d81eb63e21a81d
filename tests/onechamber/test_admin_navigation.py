"""After saving a record opened from another record's page, the admin goes
back to that page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from workitems.models import ResultTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def table():
    item = factories.make_item(name="除雪の連携")
    year = factories.make_item_year(item=item)
    return ResultTable.objects.create(item_year=year, order=1, title="除雪")


def _post(table, **extra):
    return {
        "item_year": table.item_year_id,
        "order": 1,
        "title": "除雪（直した）",
        "label_heading": "項目",
        "results_heading": "令和3年度の取り組み成果",
        "next_heading": "令和4年度以降の取り組み",
        "followup": "",
        "rows-TOTAL_FORMS": 0,
        "rows-INITIAL_FORMS": 0,
        **extra,
    }


def test_saving_a_table_opened_from_its_year_returns_to_the_year(
    client, table, secretariat_user
):
    client.force_login(secretariat_user)
    year_url = reverse("admin:workitems_itemyear_change", args=[table.item_year_id])
    url = reverse("admin:workitems_resulttable_change", args=[table.pk])
    assert (
        client.get(url, HTTP_REFERER=f"http://testserver{year_url}").status_code == 200
    )
    response = client.post(url, _post(table, _save="保存"))
    assert response.status_code == 302
    assert response["Location"] == year_url
    table.refresh_from_db()
    assert table.title == "除雪（直した）"


def test_opened_from_the_list_it_returns_to_the_list(client, table, secretariat_user):
    client.force_login(secretariat_user)
    listing = reverse("admin:workitems_resulttable_changelist")
    url = reverse("admin:workitems_resulttable_change", args=[table.pk])
    client.get(url, HTTP_REFERER=f"http://testserver{listing}")
    response = client.post(url, _post(table, _save="保存"))
    assert response["Location"] == listing


def test_continue_editing_stays_and_another_site_is_ignored(
    client, table, secretariat_user
):
    client.force_login(secretariat_user)
    year_url = reverse("admin:workitems_itemyear_change", args=[table.item_year_id])
    url = reverse("admin:workitems_resulttable_change", args=[table.pk])
    client.get(url, HTTP_REFERER=f"https://evil.example{year_url}")
    response = client.post(url, _post(table, _save="保存"))
    assert response["Location"] == reverse("admin:workitems_resulttable_changelist")
    client.get(url, HTTP_REFERER=f"http://testserver{year_url}")
    response = client.post(url, _post(table, _continue="1"))
    assert response["Location"] == url
