"""The account page (API tokens) and the API's documentation page."""

import hashlib
import json
import re

import pytest

from api import services
from api.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer():
    return factories.make_user(role="viewer", username="toyama")


def test_header_links_the_user_name_to_the_account_page(client, viewer):
    client.force_login(viewer)
    page = client.get("/").content.decode()
    assert '<a class="user-name" href="/account/"' in page


def test_making_a_token_shows_its_key_once_and_stores_only_its_hash(client, viewer):
    client.force_login(viewer)
    response = client.post("/account/", {"name": "集計用のマクロ"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    key = re.search(r'data-testid="new-token-key">([^<]+)<', page).group(1)
    assert "このトークンは今だけ表示されます" in page
    token = ApiToken.objects.get(user=viewer)
    assert token.name == "集計用のマクロ"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert key not in {token.name, token.prefix, token.key_hash}
    again = client.get("/account/").content.decode()
    assert key not in again
    assert f"{token.prefix}…" in again
    response = client.get("/api/meetings/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_a_token_needs_a_name(client, viewer):
    client.force_login(viewer)
    response = client.post("/account/", {"name": "  "})
    assert response.status_code == 400
    assert "トークンの名前を入力してください。" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_stops_the_token(client, viewer):
    token, key = services.create_token(user=viewer, name="集計")
    client.force_login(viewer)
    url = f"/account/tokens/{token.pk}/revoke/"
    page = client.get(url).content.decode()
    assert "無効にしますか" in page
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    response = client.get("/api/meetings/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert json.loads(response.content)["errors"]["__all__"][0].startswith("認証が必要")


def test_nobody_revokes_anothers_token(client, viewer):
    token, _key = services.create_token(user=viewer, name="集計")
    other = factories.make_user(role="secretariat", username="jimukyoku")
    client.force_login(other)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_keeps_at_most_ten_live_tokens(client, viewer):
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.create_token(user=viewer, name=f"t{n}")
    client.force_login(viewer)
    response = client.post("/account/", {"name": "もう一つ"})
    assert response.status_code == 400
    assert "有効なトークンは10個までです" in response.content.decode()


def test_account_page_needs_a_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_docs_page_lists_every_endpoint_of_the_schema(client, viewer):
    client.force_login(viewer)
    page = client.get("/api/docs/").content.decode()
    schema = json.loads(client.get("/api/openapi.json").content)
    for path in schema["paths"]:
        assert f"GET {path}</code>" in page
    assert "Authorization: Bearer" in page
    assert 'href="/api/openapi.json"' in page
    assert "令和3年度" in page


def test_token_admin_shows_no_key_and_adds_none(client):
    admin_user = factories.make_user(role="secretariat", username="jimukyoku")
    admin_user.is_superuser = True
    admin_user.save()
    token, key = services.create_token(user=admin_user, name="集計")
    client.force_login(admin_user)
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash in page
    assert key not in page
    assert client.get("/admin/api/apitoken/add/").status_code == 403


def test_export_links_render_two_named_links_keeping_the_page_filters(rf):
    from django.template import Context, Template

    request = rf.get("/items/wg-status/", {"fy": "2021", "page": "3"})
    html = Template(
        '{% load exports %}{% export_links "wg-status" "WG開催状況" %}'
        '{% export_links "meeting-agenda" "次第" pk=12 %}'
    ).render(Context({"request": request}))
    assert (
        '<a href="/export/wg-status.csv?fy=2021" download'
        ' aria-label="この表（WG開催状況）をCSVで">CSV</a>'
    ) in html
    assert 'href="/export/wg-status.json?fy=2021"' in html
    # The page number is the page's, not the table's: every row is exported.
    assert "page=3" not in html
    assert 'href="/export/meeting-agenda.csv?pk=12"' in html
    assert 'aria-label="この表（次第）をJSONで"' in html
