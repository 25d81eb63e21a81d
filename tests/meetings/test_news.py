"""新着: the latest changes a user may see (meetings, materials, editions,
result rows, WG sessions), newest first, on the home page and as Atom."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree as ET
from django.urls import reverse

from meetings import news
from meetings.models import Material
from tests import factories
from workitems.models import ResultRow, Session

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _change_a_row_and_a_session():
    row = ResultRow.objects.get(label="④ジビエ利活用の推進")
    row.results = row.results.replace("5事業者", "6事業者")
    row.save()
    session = Session.objects.filter(measure__item__name__startswith="防災").first()
    session.note = "会場を変更"
    session.save()
    return row, session


def test_the_latest_changes_come_first_each_record_once(seed, viewer_user):
    row, session = _change_a_row_and_a_session()
    row.save()  # a second change of the same row: still one entry
    entries = news.recent(viewer_user)
    assert [e.key for e in entries[:2]] == [f"result-{row.pk}", f"session-{session.pk}"]
    assert entries[0].what == "更新"
    assert entries[0].kind == "取り組み結果"
    assert entries[0].url.endswith(f"#result-{row.pk}")
    assert len({e.key for e in entries}) == len(entries)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


def test_an_unpublished_meetings_changes_reach_only_those_who_may_see_it(
    seed, viewer_user, secretariat_user
):
    seed.published = False
    seed.save()
    material = Material.objects.filter(meeting=seed).first()
    material.title = material.title + "（改訂）"
    material.save()
    key = f"material-{material.pk}"
    assert key not in {e.key for e in news.recent(viewer_user, limit=50)}
    assert key in {e.key for e in news.recent(secretariat_user, limit=50)}


def test_another_headquarters_news_is_not_ours(seed, viewer_user):
    other = factories.make_headquarters(name="別の連携推進本部")
    item = factories.make_item(name="他県の連携項目", headquarters=other)
    factories.make_result_row(
        item_year=factories.make_item_year(item=item), label="他県の成果"
    )
    assert not any("他県" in e.title for e in news.recent(viewer_user, limit=50))


def test_the_home_page_lists_them(client, seed, viewer_user):
    row, _session = _change_a_row_and_a_session()
    client.force_login(viewer_user)
    html = client.get("/").content.decode()
    listed = html[html.index('data-testid="news"') :]
    assert (
        f'href="{row.table.item_year.item.get_absolute_url()}#result-{row.pk}"'
        in listed
    )
    assert "取り組み結果" in listed and "更新" in listed
    assert "新着をフィード（Atom）で購読する" in html


def test_the_atom_feed_takes_the_calendar_token(client, seed, viewer_user):
    row, _session = _change_a_row_and_a_session()
    token = viewer_user.profile.calendar_token
    response = client.get(reverse("meetings:news_feed"), {"token": token})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles and len(titles) <= 30
    # Newest first: the session changed last, then the row.
    assert titles[0].startswith("［WG等の開催］防災・危機管理体制の連携・強化")
    assert titles[1].startswith("［取り組み結果］有害鳥獣の市町村による連携捕獲の推進")
    assert titles[1].endswith("更新")
    links = [e.find(f"{ATOM}link").get("href") for e in feed.iter(f"{ATOM}entry")]
    assert links[1].endswith(f"#result-{row.pk}")
    for bad in ("", "not-a-token"):
        assert (
            client.get(reverse("meetings:news_feed"), {"token": bad}).status_code == 404
        )
