"""The search page on the seed, as a mayor's office uses it."""

import re

import pytest
from django.urls import reverse

from search import index
from tests.factories import make_municipality, make_user

URL = reverse("search:search")


@pytest.fixture(scope="module")
def indexed(seed_module, django_db_blocker):
    """The seed's index, written once for the module (rolled back with it)."""
    with django_db_blocker.unblock():
        index.rebuild()


@pytest.fixture
def client_viewer(indexed, seed, client):
    user = make_user(role="viewer", username="toyama", organization=make_municipality())
    client.force_login(user)
    return client


def hits(response) -> list[str]:
    """The titles of the hits on a results page, marks removed."""
    html = response.content.decode()
    titles = re.findall(r'<h3 class="hit-title"><a href="[^"]*">(.*?)</a></h3>', html)
    return [re.sub(r"</?mark>", "", t) for t in titles]


def count(response) -> int:
    return int(re.search(r"の検索結果：(\d+)件", response.content.decode())[1])


def test_a_two_character_word_finds_the_seeds_snow_removal(client_viewer):
    response = client_viewer.get(URL, {"q": "除雪"})
    assert response.status_code == 200
    assert count(response) == 7
    assert "連携除雪区間の拡大" in hits(response)
    assert "<mark>除雪</mark>" in response.content.decode()


@pytest.mark.parametrize("query", ["除雪", "接種間隔", "第4回"])
def test_every_hit_links_to_the_place_on_a_page_that_opens(client_viewer, query):
    """The page opens, and the part after # names an element of it (the
    session in the item's timeline, the row of its results table…)."""
    kinds = set()
    for page in (1, 2):
        response = client_viewer.get(URL, {"q": query, "page": page})
        html = response.content.decode()
        kinds |= set(re.findall(r'class="badge kind-(\w+)"', html))
        for link in re.findall(r'<h3 class="hit-title"><a href="([^"]*)">', html):
            path, _, fragment = link.partition("#")
            target = client_viewer.get(path)
            assert target.status_code == 200, link
            if fragment and not fragment.startswith("page="):
                assert f'id="{fragment}"' in target.content.decode(), link
    assert len(kinds) >= 2, kinds


@pytest.mark.parametrize(
    ("typed", "as_also"),
    [
        ("ＲＰＡ", "RPA"),
        ("令和3年度 防災", "2021年度 防災"),
        ("R3年度 防災", "2021年度 防災"),
        ("R4.1.20", "令和4年1月20日"),
        ("２０２２/１/２０", "2022/1/20"),
    ],
)
def test_a_query_finds_the_same_however_it_is_typed(client_viewer, typed, as_also):
    first = client_viewer.get(URL, {"q": typed})
    second = client_viewer.get(URL, {"q": as_also})
    assert count(first) == count(second) > 0
    assert hits(first) == hits(second)


def test_the_seed_meeting_is_found_by_its_date(client_viewer):
    response = client_viewer.get(URL, {"q": "R4.1.20", "kind": "meeting"})
    assert hits(response) == ["令和3年度第4回「ワンチームとやま」連携推進本部会議"]


def test_filters_narrow_by_kind_year_and_municipality(client_viewer):
    every = count(client_viewer.get(URL, {"q": "会議"}))
    sessions = client_viewer.get(URL, {"q": "会議", "kind": "session"})
    assert 0 < count(sessions) < every
    assert 'class="badge kind-session"' in sessions.content.decode()
    assert 'class="badge kind-meeting"' not in sessions.content.decode()
    in_2020 = count(client_viewer.get(URL, {"q": "会議", "fy": "2020"}))
    assert 0 < in_2020 < every
    # 富山市: the items it proposed or takes part in, what belongs to them.
    toyama = count(client_viewer.get(URL, {"q": "連携", "municipality": "162019"}))
    assert 0 < toyama < count(client_viewer.get(URL, {"q": "連携"}))


def test_results_come_in_pages_of_twenty(client_viewer):
    first = client_viewer.get(URL, {"q": "2021年度"})
    total = count(first)
    assert total > 40
    assert len(hits(first)) == 20
    last_page = -(-total // 20)
    beyond = client_viewer.get(URL, {"q": "2021年度", "page": "999"})
    assert f"（{last_page}/{last_page}ページ）" in beyond.content.decode()
    assert len(hits(beyond)) == total - 20 * (last_page - 1)
    assert len(hits(client_viewer.get(URL, {"q": "2021年度", "page": "x"}))) == 20


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "除雪", "fy": "abc"}, "選べる値から選んでください。"),
        ({"q": "除雪", "kind": "nothing"}, "選べる値から選んでください。"),
        ({"q": "除雪", "municipality": "999999"}, "選べる値から選んでください。"),
        ({"q": "あ" * 201}, "検索する言葉は200文字までにしてください。"),
        ({"q": "・、！？"}, "検索する言葉を、文字か数字で入力してください。"),
        ({"q": "存在しない言葉"}, "見つかりませんでした。"),
    ],
)
def test_what_cannot_be_searched_says_why(client_viewer, params, message):
    response = client_viewer.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_empty_page_explains_how_to_search(client_viewer):
    response = client_viewer.get(URL)
    assert "検索のしかた" in response.content.decode()


def test_every_portal_page_has_the_search_box(client_viewer):
    for url in ("/", "/meetings/", "/items/", "/vaccination/"):
        html = client_viewer.get(url).content.decode()
        assert f'action="{URL}"' in html and 'role="search"' in html, url


def test_the_search_page_needs_a_login(client, indexed, seed):
    response = client.get(URL, {"q": "除雪"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_search_page_asks_a_fixed_number_of_queries(
    client_viewer, django_assert_max_num_queries
):
    # Session, user, profile, permissions, the years, kinds, count, page, role,
    # and for the page cache the account's state and the index's.
    with django_assert_max_num_queries(15):
        client_viewer.get(URL, {"q": "2021年度"})


def test_a_kept_search_page_shows_what_the_index_holds_once_it_is_written(
    client_viewer, settings
):
    # The index follows the data in the background: a page kept before the
    # index was written again is not served after.
    from django.core.cache import cache

    from search import index

    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    first = client_viewer.get(URL, {"q": "除雪"})
    assert first["X-Page-Cache"] == "miss"
    assert client_viewer.get(URL, {"q": "除雪"})["X-Page-Cache"] == "hit"
    index.rebuild()
    again = client_viewer.get(URL, {"q": "除雪"})
    assert again["X-Page-Cache"] == "miss"
    assert again.content.decode().count("<mark>") == first.content.decode().count(
        "<mark>"
    )
