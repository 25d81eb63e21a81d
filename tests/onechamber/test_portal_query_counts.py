"""Every portal page asks the database as often at 3× the seed's data as on
the seed: lists come in pages and panels show a page at most, so no page's
queries grow with the records (rendered each time: the page cache is emptied
before each reading)."""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories, scaledata
from tests.conftest import load_seed, module_storages, rolled_back_module_data

SCALE = 3
ROLES = ("viewer", "secretariat")
pytestmark = pytest.mark.django_db


def _pages() -> dict[str, str]:
    from meetings.models import Meeting, UserProfile
    from workitems.models import FiscalYearPlan, WorkItem

    seed = Meeting.objects.get(fiscal_year=2021, number=4)
    item = WorkItem.objects.order_by("pk").first()
    plan = FiscalYearPlan.objects.order_by("pk").first()
    token = UserProfile.objects.get(user__username="viewer").calendar_token
    pages = {
        "home": "/",
        "meeting list": "/meetings/",
        "meeting list, all years": "/meetings/?fy=all",
        "meeting": f"/meetings/{seed.pk}/",
        "material": f"/meetings/{seed.pk}/materials/1/",
        "item list": "/items/",
        "item list, all years": "/items/?fy=all",
        "item": f"/items/{item.pk}/",
        "WG table": "/items/wg-status/?fy=2021",
        "plan": f"/plans/{plan.fiscal_year}/",
        "schedule": "/schedule/",
        "schedule, all years": "/schedule/?fy=all",
        "calendar feed": f"/schedule.ics?token={urllib.parse.quote(token)}&from=2020",
        "municipality list": "/municipalities/",
        "municipality": "/municipalities/162019/?fy=2021",
        "municipality, all years": "/municipalities/162019/?fy=all",
        "vaccination": "/vaccination/",
        "venues": "/vaccination/venues/",
        "eligibility": "/vaccination/eligibility/",
        "search": "/search/?" + urllib.parse.urlencode({"q": "除雪"}),
    }
    return pages


@dataclass
class Counts:
    seed: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    scaled: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)


def _count(clients, pages) -> dict:
    found = {}
    for role, client in clients.items():
        for name, url in pages.items():
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            found[role, name] = (response.status_code, len(queries))
    return found


@pytest.fixture(scope="module")
def counts(request, django_db_setup, django_db_blocker, tmp_path_factory):
    found = Counts()

    def load_and_count():
        load_seed()
        from meetings.models import Organization

        toyama = Organization.objects.get(code="162019")
        users = {
            "viewer": factories.make_user(
                role="viewer", username="viewer", organization=toyama
            ),
            "secretariat": factories.make_user(
                role="secretariat", username="secretariat"
            ),
        }
        clients = {role: Client() for role in ROLES}
        for role, client in clients.items():
            client.force_login(users[role])
        pages = _pages()
        from search import index

        index.rebuild()
        found.seed = _count(clients, pages)
        scaledata.scale(SCALE)
        index.rebuild()
        found.scaled = _count(clients, pages)

    with (
        module_storages(tmp_path_factory.mktemp("media")),
        rolled_back_module_data(request, django_db_blocker, load_and_count),
    ):
        yield found


def test_no_portal_page_asks_more_with_more_data(counts):
    assert counts.seed, "nothing was measured"
    grown = {
        key: (counts.seed[key], counts.scaled[key])
        for key in counts.seed
        if counts.scaled[key][1] != counts.seed[key][1]
    }
    assert not grown, (
        f"queries at 1× and {SCALE}× ((status, queries), (status, queries)): {grown}"
    )
    for key, (status, _n) in counts.seed.items():
        assert status == 200, key


@pytest.mark.skipif(
    not os.environ.get("PORTAL_QUERY_COUNTS"),
    reason="prints the counts: PORTAL_QUERY_COUNTS=1 pytest -s -k report",
)
def test_report(counts):
    for (role, name), (status, n) in counts.seed.items():
        print(
            f"{role:<12} {name:<28} {status} {n:>4} {counts.scaled[role, name][1]:>4}"
        )
