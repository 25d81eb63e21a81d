"""The vaccination pages show one fiscal year at a time: the rules and the
事務連絡 of the notices of that year, the venue schedules set up in it; by
default this year or the latest that has any, with a 年度 switcher and
「すべての年度」; their CSV and JSON have the page's rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from vaccination.models import (
    IntervalRule,
    Notice,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)

pytestmark = pytest.mark.django_db

OLD_TITLE = "平成30年度の事務連絡（年度の切り替えの確認用）"
OLD_PLAN = "平成30年度の会場日程（年度の切り替えの確認用）"


@pytest.fixture
def older_year(vaccination_data):
    """A notice with a rule, and a venue schedule, in 平成30年度 (2018)."""
    seed_notice = Notice.objects.order_by("date").first()
    hq = seed_notice.headquarters
    notice = Notice.objects.create(
        headquarters=hq, date=dt.date(2019, 2, 1), title=OLD_TITLE
    )
    IntervalRule.objects.create(
        group=TargetGroup.objects.filter(headquarters=hq).first(),
        interval_months=9,
        effective_from=dt.date(2019, 2, 1),
        notice=notice,
    )
    plan = VenuePlan.objects.create(
        headquarters=hq, title=OLD_PLAN, opening_date=dt.date(2018, 6, 1)
    )
    VenueDate.objects.create(
        plan=plan,
        venue=Venue.objects.filter(headquarters=hq).first(),
        date=dt.date(2018, 6, 2),
    )
    return notice


def _text(client, url) -> str:
    return strip_tags(client.get(url).content.decode())


def test_the_rules_page_opens_on_the_latest_year_with_notices(
    client, older_year, viewer_user
):
    client.force_login(viewer_user)
    text = _text(client, reverse("vaccination:index"))
    # Today's year has none: the latest that has (令和3年度) is shown, and said.
    assert "令和3年度を表示しています" in text
    assert "追加接種の速やかな実施について" in text
    assert OLD_TITLE not in text
    assert "9か月" not in text

    text = _text(client, reverse("vaccination:index") + "?fy=H30")
    assert OLD_TITLE in text
    assert "9か月" in text
    assert "追加接種の速やかな実施について" not in text

    text = _text(client, reverse("vaccination:index") + "?fy=all")
    assert OLD_TITLE in text
    assert "追加接種の速やかな実施について" in text


def test_a_year_that_is_not_one_is_said_and_the_default_shown(
    client, older_year, viewer_user
):
    client.force_login(viewer_user)
    response = client.get(reverse("vaccination:index") + "?fy=来年")
    assert response.status_code == 200
    text = strip_tags(response.content.decode())
    assert "令和3年度を表示しています" in text
    assert "追加接種の速やかな実施について" in text


def test_the_venues_page_shows_the_schedules_of_one_year(
    client, older_year, viewer_user
):
    client.force_login(viewer_user)
    text = _text(client, reverse("vaccination:venues"))
    assert "これまでの予定（1/14発表済み）" in text
    assert OLD_PLAN not in text
    text = _text(client, reverse("vaccination:venues") + "?fy=2018")
    assert OLD_PLAN in text
    assert "これまでの予定（1/14発表済み）" not in text
    assert "平成30年度" in text


def _csv(client, name, query="") -> list[dict]:
    response = client.get(reverse("data:export", args=[name, "csv"]) + query)
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("query", ["", "?fy=H30", "?fy=all"])
def test_the_exports_have_the_pages_rows(client, older_year, viewer_user, query):
    client.force_login(viewer_user)
    page = _text(client, reverse("vaccination:index") + query)
    notices = _csv(client, "vaccination-notices", query)
    assert notices
    assert {row["件名"] for row in notices} == {
        n.title for n in Notice.objects.all() if n.title in page
    }
    rules = _csv(client, "vaccination-rules", query)
    assert (any(row["間隔"] == "9か月" for row in rules)) == (OLD_TITLE in page)
    response = client.get(
        reverse("data:export", args=["vaccination-venues", "json"]) + query
    )
    plans = {row["plan"] for row in json.loads(response.content)["rows"]}
    venues_page = _text(client, reverse("vaccination:venues") + query)
    assert plans == {p.title for p in VenuePlan.objects.all() if p.title in venues_page}


def test_an_export_asked_for_no_year_is_refused_with_the_reason(
    client, older_year, viewer_user
):
    client.force_login(viewer_user)
    response = client.get(
        reverse("data:export", args=["vaccination-notices", "json"]) + "?fy=来年"
    )
    assert response.status_code == 400
    assert "年度" in response.content.decode()
