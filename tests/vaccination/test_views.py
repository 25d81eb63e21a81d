"""Pages and the JSON API, for every role."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("vaccination:index"),
    reverse("vaccination:eligibility"),
    reverse("vaccination:venues"),
    reverse("vaccination:api_eligibility") + "?group=elderly&completed=2021-07-20",
]
API = reverse("vaccination:api_eligibility")


@pytest.fixture
def users(viewer_user, department_user, secretariat_user):
    return {
        "viewer": viewer_user,
        "department": department_user,
        "secretariat": secretariat_user,
    }


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, vaccination_data, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["viewer", "department", "secretariat"])
@pytest.mark.parametrize("url", PAGES)
def test_every_role_sees_every_page(client, vaccination_data, users, role, url):
    client.force_login(users[role])
    assert client.get(url).status_code == 200


def test_index_shows_rules_timeline_notices_and_grid(
    client, vaccination_data, viewer_user
):
    client.force_login(viewer_user)
    html = client.get(reverse("vaccination:index")).content.decode()
    text = strip_tags(html)  # the dates are in spans that keep them on one line
    assert "当初示されていた追加接種の接種間隔（令和3年11月16日付国事務連絡）" in text
    assert "令和4年3月1日（火）～" in text
    assert "有効とみなす下限" in html
    assert "← 2か月前倒し可" in html
    assert "R3.12月（R3.3月,4月）" in text
    assert "R3.12月</span><br>（" in html
    assert "追加接種の速やかな実施について" in html
    assert "交互接種の安全性と効果" in html
    assert "table-layout: fixed" in html


def test_index_query_count_does_not_grow(
    client, vaccination_data, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(20):
        client.get(reverse("vaccination:index"))


def test_venues_page_marks_added_dates_and_weekends(
    client, vaccination_data, viewer_user
):
    client.force_login(viewer_user)
    html = client.get(reverse("vaccination:venues")).content.decode()
    assert "県東部会場（富山空港ターミナルビル）" in html
    assert "県西部会場（ホテルニューオータニ高岡）" in html
    assert "<ins>1/29（土）</ins>" in html
    assert "<ins>2/27（日）</ins>" in html
    assert '2/5（土） <span class="day-kind">週末</span>' in html
    assert "これまでの予定（1/14発表済み）" in html
    assert (
        '<ins class="added">一般の高齢者（2回目接種から7か月経過した方）</ins>' in html
    )


def test_venues_query_count(
    client, vaccination_data, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(15):
        client.get(reverse("vaccination:venues"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-08-31", "令和4年3月31日（木）"),
        ("2021/8/31", "令和4年3月31日（木）"),
        ("令和3年8月31日", "令和4年3月31日（木）"),
        ("R3.8.31", "令和4年3月31日（木）"),
    ],
)
def test_eligibility_form_reads_every_date_format(
    client, vaccination_data, viewer_user, text, expected
):
    client.force_login(viewer_user)
    response = client.get(
        reverse("vaccination:eligibility"), {"group": "general", "completed": text}
    )
    html = response.content.decode()
    assert f"<strong>{expected}</strong> から" in html
    assert "7か月" in html
    assert "令和4年1月13日付 初回接種完了から8か月以上" in html
    assert "令和4年3月1日（火） 以降の接種も予防接種として認められます" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"group": "general", "completed": "2021-02-30"},
            "2021年2月30日という日付はありません。",
        ),
        ({"group": "general", "completed": "きのう"}, "日付の形式が読み取れません。"),
        ({"group": "general", "completed": "R3.13.1"}, "という日付はありません。"),
        (
            {"group": "general", "completed": "1999-12-31"},
            "2000年1月1日から2099年12月31日",
        ),
        ({"group": "", "completed": "2021-08-31"}, "接種対象の区分を選んでください。"),
        ({"group": "general", "completed": ""}, "初回接種の完了日を入力してください。"),
    ],
)
def test_eligibility_form_explains_bad_input(
    client, vaccination_data, viewer_user, params, message
):
    client.force_login(viewer_user)
    response = client.get(reverse("vaccination:eligibility"), params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_eligibility_form_uses_the_municipality_date(
    client, vaccination_data, viewer_user
):
    import datetime as dt

    from tests.factories import make_municipal_date, make_municipality
    from vaccination.models import IntervalRule

    toyama = make_municipality(name="富山市", code="162019")
    rule = IntervalRule.objects.get(group__code="elderly", interval_months=6)
    make_municipal_date(
        rule=rule, organization=toyama, effective_from=dt.date(2022, 2, 1)
    )
    client.force_login(viewer_user)
    html = client.get(
        reverse("vaccination:eligibility"),
        {"group": "elderly", "completed": "R3.7.20", "municipality": "162019"},
    ).content.decode()
    assert "<strong>令和4年2月1日（火）</strong> から" in html
    assert "富山市の適用開始日" in html


def test_api_answers_in_the_documented_shape(client, vaccination_data, viewer_user):
    client.force_login(viewer_user)
    response = client.get(API, {"group": "elderly", "completed": "2021-07-20"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "group": "elderly",
        "completed": "2021-07-20",
        "eligible_from": "2022-02-20",
        "interval_months": 7,
        "notice": {
            "date": "2021-12-17",
            "title": "初回接種完了から8か月以上の経過を待たずに新型コロナワクチンの追加接種を実施する場合の考え方について",
        },
        "valid_from": "2022-02-20",
    }


def test_api_general_public_valid_from(client, vaccination_data, viewer_user):
    client.force_login(viewer_user)
    data = client.get(API, {"group": "general", "completed": "R3.8.31"}).json()
    assert (data["completed"], data["eligible_from"], data["valid_from"]) == (
        "2021-08-31",
        "2022-03-31",
        "2022-03-01",
    )
    assert data["interval_months"] == 7


def test_api_with_municipality(client, vaccination_data, viewer_user):
    import datetime as dt

    from tests.factories import make_municipal_date, make_municipality
    from vaccination.models import IntervalRule

    toyama = make_municipality(name="富山市", code="162019")
    rule = IntervalRule.objects.get(group__code="elderly", interval_months=6)
    make_municipal_date(
        rule=rule, organization=toyama, effective_from=dt.date(2022, 2, 1)
    )
    client.force_login(viewer_user)
    data = client.get(
        API, {"group": "elderly", "completed": "2021-07-20", "municipality": "162019"}
    ).json()
    assert (data["eligible_from"], data["interval_months"]) == ("2022-02-01", 6)
    assert data["notice"]["date"] == "2022-01-13"


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {},
            {
                "group": ["接種対象の区分を選んでください。"],
                "completed": ["初回接種の完了日を入力してください。"],
            },
        ),
        (
            {"group": "children", "completed": "2021-07-20"},
            {"group": ["接種対象の区分が正しくありません。"]},
        ),
        (
            {"group": "elderly", "completed": "2021-02-29"},
            {"completed": ["2021年2月29日という日付はありません。"]},
        ),
        (
            {"group": "elderly", "completed": "R3.7.20", "municipality": "999999"},
            {
                "municipality": [
                    "市町村が見つかりません。団体コード（6桁）で指定してください。"
                ]
            },
        ),
        (
            {"group": "elderly", "completed": "9999-12-31"},
            {
                "completed": [
                    "完了日は2000年1月1日から2099年12月31日までの日付で入力してください。"
                ]
            },
        ),
        (
            {"group": "elderly", "completed": "x" * 500},
            {"completed": ["日付が長すぎます。2021-08-31 のように入力してください。"]},
        ),
        (
            {"group": "elderly", "completed": "平成31年5月1日"},
            {"completed": ["2019年5月1日は平成の期間ではありません。"]},
        ),
        ({"group": ["elderly", "general"], "completed": "\x00"}, None),
    ],
)
def test_api_rejects_bad_input_with_400_and_errors(
    client, vaccination_data, viewer_user, params, errors
):
    client.force_login(viewer_user)
    response = client.get(API, params)
    assert response.status_code == 400
    body = response.json()
    if errors is not None:
        assert body == {"errors": errors}
    else:
        assert "errors" in body


def test_api_refuses_post(client, vaccination_data, viewer_user):
    client.force_login(viewer_user)
    assert client.post(API, {"group": "elderly"}).status_code == 405
