"""Portal pages of cooperation items for every role; query counts pinned."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import make_item, make_item_year
from workitems.models import WorkItem

pytestmark = pytest.mark.django_db

ROLES = ["viewer_user", "department_user", "secretariat_user"]


def _pages(items):
    disaster = items["防災・危機管理体制の連携・強化"]
    return [
        reverse("workitems:item_list"),
        reverse("workitems:item_list") + "?fy=2021&status=new",
        reverse("workitems:item_detail", args=[disaster.pk]),
        reverse("workitems:wg_status") + "?fy=2021",
        reverse("workitems:plan", args=[2022]),
        reverse("workitems:schedule"),
        reverse("meetings:municipality", args=["163210"]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_opens_for_every_role(client, seed_items, role, request):
    client.force_login(request.getfixturevalue(role))
    for url in _pages(seed_items):
        assert client.get(url).status_code == 200, url


def test_pages_ask_anonymous_users_to_log_in(client, seed_items):
    for url in _pages(seed_items):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_item_list_shows_status_proposers_and_departments(client, seed, viewer_user):
    client.force_login(viewer_user)
    html = client.get(reverse("workitems:item_list")).content.decode()
    assert "有害鳥獣の市町村による連携捕獲の推進" in html
    assert "R4年度 協議終了" in html
    assert "生活環境文化部 (まとめ)" in html
    assert "射水市、氷見市、砺波市、滑川市" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "?fy=2022&status=continued",
            ["ゼロカーボンシティ富山の実現", "自治体行政のデジタル化"],
        ),
        (
            "?fy=2022&status=concluded",
            ["有害鳥獣の市町村による連携捕獲の推進", "防災・危機管理体制の連携・強化"],
        ),
        (
            "?municipality=163210",
            [
                "有害鳥獣の市町村による連携捕獲の推進",
                "自治体行政のデジタル化",
                "農林水産物等の輸出促進に向けた連携・強化",
            ],
        ),
    ],
)
def test_item_list_filters(client, seed, viewer_user, query, expected):
    client.force_login(viewer_user)
    response = client.get(reverse("workitems:item_list") + query)
    names = [row["item"].name for row in response.context["rows"]]
    assert names == expected


def test_item_list_filters_by_department(client, seed, viewer_user):
    from meetings.models import Organization

    dept = Organization.objects.get(name="土木部")
    client.force_login(viewer_user)
    response = client.get(reverse("workitems:item_list") + f"?department={dept.pk}")
    assert [r["item"].name for r in response.context["rows"]] == [
        "防災・危機管理体制の連携・強化"
    ]


def test_item_list_rejects_an_unknown_year_with_a_message(client, seed, viewer_user):
    client.force_login(viewer_user)
    response = client.get(reverse("workitems:item_list") + "?fy=1999")
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()


def test_item_list_query_count_does_not_grow_with_items(
    client, seed, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    url = reverse("workitems:item_list")
    with django_assert_max_num_queries(19):
        client.get(url, {"fy": "all"})
    for n in range(25):
        make_item_year(item=make_item(name=f"追加{n}"), fiscal_year=2022)
    with django_assert_max_num_queries(19):
        response = client.get(url, {"fy": "all"})
    # 31 items: 20 a page.
    assert len(response.context["rows"]) == 20
    assert "1～20件目／全31件（1/2ページ）" in response.content.decode()
    second = client.get(url, {"fy": "all", "page": "2"})
    assert len(second.context["rows"]) == 11


def test_item_list_opens_on_the_latest_year_while_this_one_has_none(
    client, seed, viewer_user, monkeypatch
):
    client.force_login(viewer_user)
    url = reverse("workitems:item_list")
    monkeypatch.setattr("workitems.views._today", lambda: dt.date(2026, 12, 2))
    response = client.get(url)
    text = response.content.decode()
    assert (
        "令和8年度の連携推進項目はまだありません。令和4年度を表示しています。" in text
    )
    assert '<option value="2022" selected>' in text
    in_2022 = {row["item"].name for row in response.context["rows"]}
    assert len(in_2022) == 5
    every = {row["item"].name for row in client.get(url, {"fy": "all"}).context["rows"]}
    assert len(every) == 6 and in_2022 < every
    # Today in 令和3年度: that year, with no note.
    monkeypatch.setattr("workitems.views._today", lambda: dt.date(2021, 6, 1))
    response = client.get(url)
    assert "まだありません" not in response.content.decode()
    assert '<option value="2021" selected>' in response.content.decode()


def test_item_detail_shows_timeline_followup_and_indicators(
    client, seed_items, viewer_user
):
    client.force_login(viewer_user)
    disaster = seed_items["防災・危機管理体制の連携・強化"]
    html = client.get(disaster.get_absolute_url()).content.decode()
    assert "防災担当課長会議" in html
    assert "令和4年2月4日" in html and "予定" in html
    assert "訓練事前打合等で個別の進行管理" in html
    assert "自治体行政のデジタル化の一項目として進行管理" in html
    digital_url = seed_items["自治体行政のデジタル化"].get_absolute_url()
    assert f'href="{digital_url}"' in html
    assert "共同雪捨て場 (富山市有沢)" in html
    assert "<svg" in html  # the snow-dump chart: 49 → 66
    assert "第4回本部会議" in html

    digital = seed_items["自治体行政のデジタル化"]
    html = client.get(digital.get_absolute_url()).content.decode()
    assert "22.7%（全国27位, R3.1.1時点） → 41.7%（全国10位, R4.1.1時点）" in html
    assert "参加：県・11市町" in html
    assert "R4.7～" in strip_tags(html)
    assert "次の項目の一部をこの項目で進行管理しています：" in html
    assert html.count("防災・危機管理体制の連携・強化</a>") == 1


def test_item_detail_hides_unpublished_meetings_from_viewers(
    client, seed_items, viewer_user
):
    seed_meeting = seed_items["自治体行政のデジタル化"].reported_at.get()
    seed_meeting.published = False
    seed_meeting.save()
    client.force_login(viewer_user)
    response = client.get(seed_items["自治体行政のデジタル化"].get_absolute_url())
    assert list(response.context["meetings"]) == []


def test_item_detail_query_count(
    client, seed_items, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(35):
        client.get(seed_items["自治体行政のデジタル化"].get_absolute_url())


def test_wg_status_page_query_count(
    client, seed, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    # The items of the year come in pages: one more query, for their count.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("workitems:wg_status") + "?fy=2021")
    assert "5/26、7/16、9/24(設定完了)" in response.content.decode()


def test_wg_status_reads_a_year_as_people_write_it(client, seed, viewer_user):
    client.force_login(viewer_user)
    for asked in ("R3", "令和3年度", "2021"):
        response = client.get(reverse("workitems:wg_status"), {"fy": asked})
        assert response.status_code == 200
        assert "令和3年度連携推進項目のWG開催状況" in response.content.decode()


def test_plan_page_shows_selected_items_and_the_new_items_sheet(
    client, seed, viewer_user
):
    client.force_login(viewer_user)
    html = client.get(reverse("workitems:plan", args=[2022])).content.decode()
    assert "ゼロカーボンシティ富山の実現</a>（R3年度からの継続）" in html
    assert "農林水産物等の輸出促進に向けた連携・強化</a>（R4年度新規項目）" in html
    assert "・選定理由：農林漁業者の所得向上" in html
    assert "新型コロナウイルス対策、公共施設のあり方など" in html
    for heading in ("○目標(目指す姿)", "現状", "課題", "具体的手段", "効果"):
        assert heading in html
    assert client.get(reverse("workitems:plan", args=[2030])).status_code == 404
    assert client.get(reverse("workitems:plan_latest"))["Location"] == reverse(
        "workitems:plan", args=[2022]
    )


def test_schedule_page_lists_meetings_and_the_feed_url(
    client, seed, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(17):
        html = client.get(reverse("workitems:schedule"), {"fy": "all"}).content.decode()
    assert "※新型コロナワクチン接種に関する臨時会議（対面+WEB）" in html
    assert "R4.5月中旬" in strip_tags(html)
    assert "① 令和4年度連携推進項目の取り組み内容等の報告" in html
    assert viewer_user.profile.calendar_token in html
    # A planned session of an approximate month, in 和暦 as every date here.
    assert "令和4年2月予定" in strip_tags(html)


def test_municipality_panel_shows_what_concerns_it(
    client, seed, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(26):
        response = client.get(
            reverse("meetings:municipality", args=["163210"]), {"fy": "2021"}
        )
    html = response.content.decode()
    assert "関係する連携推進項目" in html
    assert (
        "クマ出没時の応援に関する協定（令和3年9月1日）：舟橋村・上市町・立山町"
        in strip_tags(html)
    )
    assert "捕獲の「空白地域」解消に向けた協議（3町村で協定締結）" in html
    toyama = client.get(
        reverse("meetings:municipality", args=["162019"])
    ).content.decode()
    assert "防災・危機管理体制の連携・強化" in toyama.split("提案した項目")[1]


def test_nav_links_to_items_and_schedule(client, seed, viewer_user):
    client.force_login(viewer_user)
    html = client.get(reverse("meetings:home")).content.decode()
    assert reverse("workitems:item_list") in html
    assert reverse("workitems:schedule") in html


def test_items_are_listed_once_when_several_filters_match(client, seed, viewer_user):
    client.force_login(viewer_user)
    response = client.get(reverse("workitems:item_list") + "?municipality=162019")
    names = [r["item"].name for r in response.context["rows"]]
    assert len(names) == len(set(names))
    assert WorkItem.objects.count() == 6


@pytest.mark.parametrize("fy", ["99999", "-1", "99999999999999999999999"])
def test_wg_status_with_a_year_out_of_range_shows_a_message(
    client, seed, viewer_user, fy
):
    client.force_login(viewer_user)
    response = client.get(reverse("workitems:wg_status"), {"fy": fy})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "年度が読み取れません。令和4年度、R4、2022 のいずれかの形で入力してください。"
        in html
    )
    assert "を表示しています）" in html  # and which year it shows instead
