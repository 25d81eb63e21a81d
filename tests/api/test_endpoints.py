"""The JSON API on the seed: what it answers, to whom, in pages, with dates
as ISO 8601 and their 和暦 labels."""

import json

import pytest

from api import services
from api.endpoints import api
from meetings.models import Meeting
from tests import factories
from workitems.models import WorkItem

PATHS = [
    "/api/meetings/",
    "/api/meetings/{meeting}/",
    "/api/meetings/{meeting}/agenda/",
    "/api/meetings/{meeting}/materials/",
    "/api/meetings/{meeting}/attendees/",
    "/api/schedule/",
    "/api/items/",
    "/api/items/{item}/",
    "/api/measures/",
    "/api/sessions/",
    "/api/results/",
    "/api/indicators/",
    "/api/wg-status/",
    "/api/plans/",
    "/api/plans/2022/",
    "/api/notices/",
    "/api/rules/",
    "/api/venues/",
]


def _get(client, url, **extra):
    response = client.get(url, **extra)
    return response, json.loads(response.content)


def _url(path, seed):
    item = WorkItem.objects.get(name="有害鳥獣の市町村による連携捕獲の推進")
    return path.format(meeting=seed.pk, item=item.pk)


@pytest.mark.parametrize("path", PATHS)
def test_every_endpoint_answers_a_viewer(client, seed, viewer_user, path):
    client.force_login(viewer_user)
    response, body = _get(client, _url(path, seed))
    assert response.status_code == 200, body
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", PATHS)
def test_every_endpoint_refuses_anonymous_with_json_401(client, seed, path):
    response, body = _get(client, _url(path, seed))
    assert response.status_code == 401
    assert "認証が必要です" in body["errors"]["__all__"][0]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_meeting_detail_dates_agenda_and_materials(client, seed, viewer_user):
    client.force_login(viewer_user)
    _response, body = _get(client, f"/api/meetings/{seed.pk}/")
    assert body["date"] == "2022-01-20"
    assert body["date_label"] == "令和4年1月20日"
    assert body["when_label"] == "令和4年1月20日（木）"
    assert body["fiscal_year"] == 2021
    assert body["fiscal_year_label"] == "令和3年度"
    assert body["edition"] is None
    labels = [m["label"] for m in body["materials"]]
    assert labels[0] == "資料1"
    assert body["materials"][0]["pdf_url"] == f"/meetings/{seed.pk}/materials/1.pdf"
    assert [a["title"] for a in body["agenda"]][:2] == ["開会", "知事あいさつ"]
    assert body["attendees"][0]["group"] == "市町村等"


def test_meeting_list_pages_and_page_errors(client, seed, viewer_user):
    client.force_login(viewer_user)
    _response, body = _get(client, "/api/meetings/?page_size=2")
    assert body["page"] == 1 and body["page_size"] == 2
    assert body["pages"] == -(-body["count"] // 2)
    assert len(body["items"]) == 2
    response, body = _get(client, "/api/meetings/?page=abc")
    assert response.status_code == 400
    assert body["errors"]["page"] == ["ページ番号（page）は整数で指定してください。"]
    response, body = _get(client, "/api/meetings/?page_size=1000")
    assert response.status_code == 400
    assert body["errors"]["page_size"] == [
        "1ページの件数（page_size）は100以下にしてください。"
    ]
    response, body = _get(client, "/api/meetings/?page=999")
    assert response.status_code == 400
    assert "ページ番号は" in body["errors"]["page"][0]


@pytest.mark.parametrize("fy", ["2021", "令和3年度", "R3"])
def test_meeting_list_fiscal_year_in_any_form(client, seed, viewer_user, fy):
    client.force_login(viewer_user)
    _response, body = _get(client, f"/api/meetings/?fy={fy}&page_size=100")
    expected = Meeting.objects.visible_to(viewer_user).filter(fiscal_year=2021)
    assert body["count"] == expected.count()
    assert {m["fiscal_year"] for m in body["items"]} == {2021}


def test_bad_fiscal_year_is_a_japanese_400(client, seed, viewer_user):
    client.force_login(viewer_user)
    response, body = _get(client, "/api/items/?fy=きのう")
    assert response.status_code == 400
    assert body["errors"]["fy"][0].startswith("年度（fy）が読み取れません")


def test_unpublished_meeting_is_404_for_viewers(client, seed, viewer_user):
    hidden = factories.make_meeting(
        headquarters=seed.headquarters, number=9, published=False
    )
    client.force_login(viewer_user)
    response, body = _get(client, f"/api/meetings/{hidden.pk}/")
    assert response.status_code == 404
    assert body == {"errors": {"__all__": ["見つかりません。"]}}


def test_bearer_token_reads_as_its_user_and_records_use(client, seed, viewer_user):
    token, key = services.create_token(user=viewer_user, name="集計")
    response, body = _get(client, "/api/meetings/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert body["count"] == Meeting.objects.visible_to(viewer_user).count()
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_revoked_or_inactive_tokens_get_401(client, seed, viewer_user):
    token, key = services.create_token(user=viewer_user, name="集計")
    client.force_login(viewer_user)
    # A wrong token is refused even with a session.
    response, _body = _get(client, "/api/meetings/", HTTP_AUTHORIZATION="Bearer x")
    assert response.status_code == 401
    client.logout()
    services.revoke_token(token=token)
    response, body = _get(client, "/api/meetings/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    token2, key2 = services.create_token(user=viewer_user, name="別の")
    viewer_user.is_active = False
    viewer_user.save()
    response, _body = _get(
        client, "/api/meetings/", HTTP_AUTHORIZATION=f"Bearer {key2}"
    )
    assert response.status_code == 401


def test_openapi_schema_lists_every_path(client, seed):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    expected = {
        p.replace("{meeting}", "{pk}")
        .replace("{item}", "{pk}")
        .replace("/2022/", "/{fiscal_year}/")
        for p in PATHS
    }
    assert paths == expected
    assert set(schema["paths"]) == set(api.get_openapi_schema()["paths"])
