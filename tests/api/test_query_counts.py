"""The API's lists and the exports of whole tables ask the same number of
queries at three times the seed as at the seed (tests/scaledata.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import scaledata

LISTS = [
    "/api/meetings/?page_size=100",
    "/api/items/?page_size=100",
    "/api/items/?fy=2021&municipality=162019&page_size=100",
    "/api/measures/?page_size=100",
    "/api/sessions/?page_size=100",
    "/api/results/?page_size=100",
    "/api/indicators/?page_size=100",
    "/api/schedule/?page_size=100",
    "/api/wg-status/?fy=2021&page_size=100",
    "/api/plans/",
    "/api/notices/?page_size=100",
    "/api/rules/?page_size=100",
    "/api/venues/?page_size=100",
    "/export/items.csv?fy=all",
    "/export/meetings.csv?fy=all",
    "/export/schedule.csv",
    "/export/wg-status.csv?fy=2021",
    "/export/vaccination-rules.csv",
    "/export/vaccination-notices.csv",
    "/export/vaccination-venues.csv",
]


def _counts(client) -> dict[str, int]:
    counts = {}
    for url in LISTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        counts[url] = len(queries)
    return counts


def test_list_queries_do_not_grow_with_the_data(client, seed, viewer_user):
    client.force_login(viewer_user)
    client.get("/api/meetings/")  # the session and the account, read once
    before = _counts(client)
    scaledata.scale(3)
    after = _counts(client)
    grown = {
        url: (before[url], after[url]) for url in LISTS if after[url] != before[url]
    }
    assert not grown, grown
    assert max(before.values()) <= 20, before
