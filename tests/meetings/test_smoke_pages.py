import pytest

pytestmark = pytest.mark.django_db


def test_seed_meeting_page_shows_date_and_venue(client, seed, viewer_user):
    client.force_login(viewer_user)
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "令和4年1月20日（木）" in html
    assert "午後3時～4時30分" in html
