import datetime as dt
import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's text with tags removed and white space folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


PORTAL_URLS = ["/", "/meetings/", "/municipalities/", "/municipalities/162019/"]


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_anonymous_users_are_sent_to_login(client, seed, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("role", ["viewer", "department", "secretariat"])
@pytest.mark.parametrize("url", PORTAL_URLS)
def test_every_role_reads_the_portal_pages(client, seed, role, url):
    user = factories.make_user(role=role, username=f"u-{role}")
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_header_shows_the_users_municipality(client, seed, viewer_user):
    client.force_login(viewer_user)
    response = client.get("/")
    assert 'data-testid="user-org">富山市</span>' in response.content.decode()


def test_home_shows_next_and_latest_meetings(client, seed, viewer_user, settings):
    client.force_login(viewer_user)
    text = _text(client.get("/"))
    # The seed's planned R4 meetings are in the past of today's date too, so the
    # latest held meeting heads "最近の会議".
    assert "最近の会議" in text
    assert "第4回本部会議 令和4年1月20日（木）" in text


def test_meeting_list_groups_by_fiscal_year_newest_first(client, seed, viewer_user):
    client.force_login(viewer_user)
    text = _text(client.get("/meetings/", {"fy": "all"}))
    assert text.index("令和4年度") < text.index("令和3年度") < text.index("令和2年度")
    assert "第1回本部会議 令和4年5月中旬" in text
    assert "新型コロナウイルス対策に関する臨時会議 令和3年12月8日（水） WEB" in text


def test_meeting_list_opens_on_the_latest_year_while_this_one_has_none(
    client, seed, viewer_user, monkeypatch
):
    client.force_login(viewer_user)
    monkeypatch.setattr("meetings.views._today", lambda: dt.date(2026, 12, 2))
    text = _text(client.get("/meetings/"))
    assert "令和8年度の会議はまだありません。令和4年度を表示しています。" in text
    assert "第1回本部会議 令和4年5月中旬" in text
    assert "新型コロナウイルス対策に関する臨時会議 令和3年12月8日（水）" not in text
    # This year, when it has meetings; another by its 和暦 or 西暦 name.
    monkeypatch.setattr("meetings.views._today", lambda: dt.date(2022, 1, 10))
    text = _text(client.get("/meetings/"))
    assert "新型コロナウイルス対策に関する臨時会議 令和3年12月8日（水）" in text
    assert "まだありません" not in text
    for asked in ("令和2年度", "R2", "2020"):
        text = _text(client.get("/meetings/", {"fy": asked}))
        assert "「ワンチームとやま」連携推進本部設置" in text, asked
    text = _text(client.get("/meetings/", {"fy": "いつか"}))
    assert "年度が読み取れません" in text


def test_seed_meeting_page_shows_everything_of_the_seed(client, seed, viewer_user):
    client.force_login(viewer_user)
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    text = _text(response)
    assert "令和3年度第4回「ワンチームとやま」連携推進本部会議" in text
    assert "日時 令和4年1月20日（木） 午後3時～4時30分" in text
    assert "場所 県民会館8階バンケットホール" in text
    agenda = text[text.index("次第") : text.index("配付資料")]
    # The agenda's own 「CSV」「JSON」 links (api/tables.py) come before it.
    assert "ダウンロード： CSV JSON" in agenda
    agenda = agenda.replace("ダウンロード： CSV JSON", "")
    assert re.sub(r"（(参考)?資料[^）]*）", "", agenda).split() == [
        "次第",
        "1",
        "開会",
        "2",
        "知事あいさつ",
        "3",
        "議事",
        "(1)",
        "令和3年度連携推進項目について",
        "(2)",
        "令和4年度における協議事項について",
        "(3)",
        "新型コロナウイルス対策について（報告）",
        "(4)",
        "県、市町村の行政課題等について",
        "(5)",
        "その他",
        "4",
        "閉会",
    ]
    for label, dept in [
        ("資料1", "ワンチームとやま推進室"),
        ("資料4", "厚生部"),
        ("参考資料1", "地方創生局"),
        ("参考資料2", "経営管理部"),
    ]:
        assert re.search(rf"{label} [^ ]+ {dept}", text), label
    assert "1. 市町村等（17名）" in text
    assert "2. 県（17名）" in text
    assert "富山市長 藤井 裕久 高岡市長 角田 悠紀 射水市長 夏野 元志" in text
    assert (
        "理事・ワンチームとやま推進室長 竹内 延和 参事・市町村支援課長 小杉 健" in text
    )
    assert response.content.decode().count('<g class="seat side-') == 34


def test_text_material_page_renders_markdown_table(client, seed, viewer_user):
    client.force_login(viewer_user)
    response = client.get(reverse("meetings:reference_detail", args=[seed.pk, 1]))
    html = response.content.decode()
    assert "<table>" in html
    assert "<td>射水市、小矢部市</td>" in html


def test_material_number_out_of_range_is_404(client, seed, viewer_user):
    client.force_login(viewer_user)
    assert (
        client.get(reverse("meetings:material_detail", args=[seed.pk, 9])).status_code
        == 404
    )


def test_municipality_page_shows_code_people_and_meetings(client, seed, viewer_user):
    client.force_login(viewer_user)
    text = _text(client.get("/municipalities/162019/", {"fy": "2021"}))
    assert "富山市" in text
    assert "162019" in text
    assert "富山市長 藤井 裕久" in text
    assert "第4回本部会議" in text


def test_unknown_municipality_code_is_404(client, seed, viewer_user):
    client.force_login(viewer_user)
    assert client.get("/municipalities/999999/").status_code == 404


def test_meeting_detail_query_count_does_not_grow_with_attendees(
    client, seed, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(19):
        client.get(seed.get_absolute_url())
