"""Admin screens against the seed, loaded once for the module (tests/conftest.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Meeting, Organization
from tests.meetings.test_admin import MODELS, _action

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", MODELS)
def test_secretariat_opens_every_admin_list_add_and_change_page(
    client, seed, secretariat_user, model
):
    client.force_login(secretariat_user)
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:meetings_{model}_add")).status_code == 200
    obj = {
        "organization": Organization.objects.first,
        "meeting": lambda: seed,
        "attendance": seed.attendances.first,
        "material": seed.materials.first,
    }.get(model)
    if obj:
        url = reverse(f"admin:meetings_{model}_change", args=[obj().pk])
        assert client.get(url).status_code == 200


def test_copy_action_asks_for_a_date_then_creates_an_unpublished_meeting(
    client, seed, secretariat_user
):
    client.force_login(secretariat_user)
    form = _action(client, "copy_as_next", seed)
    assert form.status_code == 200
    assert "次回の開催日" in form.content.decode()
    response = _action(
        client, "copy_as_next", seed, apply="1", new_date="令和4年5月19日"
    )
    new = Meeting.objects.get(fiscal_year=2022, number=1)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:meetings_meeting_change", args=[new.pk]
    )
    assert new.date == dt.date(2022, 5, 19)
    assert new.published is False
    assert new.attendances.count() == 34


def test_copy_action_with_a_bad_date_shows_the_error(client, seed, secretariat_user):
    client.force_login(secretariat_user)
    count = Meeting.objects.count()
    response = _action(
        client, "copy_as_next", seed, apply="1", new_date="令和4年2月30日"
    )
    assert response.status_code == 200
    assert "2022年2月30日という日付はありません。" in response.content.decode()
    assert Meeting.objects.count() == count


def test_copy_action_with_a_taken_number_shows_the_error(
    client, seed, secretariat_user
):
    client.force_login(secretariat_user)
    response = _action(
        client, "copy_as_next", seed, apply="1", new_date="2021-11-20", number="3"
    )
    assert response.status_code == 200
    assert "この年度のこの回の会議は既にあります。" in response.content.decode()


def test_meeting_change_page_query_count_does_not_grow_with_rows(
    client, seed, secretariat_user, django_assert_max_num_queries
):
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(26):
        response = client.get(reverse("admin:meetings_meeting_change", args=[seed.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("new_date", ["0001-01-01", "9999-12-31"])
def test_copy_action_refuses_dates_outside_the_portals_years(
    client, seed, secretariat_user, new_date
):
    client.force_login(secretariat_user)
    count = Meeting.objects.count()
    response = _action(client, "copy_as_next", seed, apply="1", new_date=new_date)
    assert response.status_code == 200
    assert "1900年から2099年までの日付を入力してください。" in response.content.decode()
    assert Meeting.objects.count() == count
