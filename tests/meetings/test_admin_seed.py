"""Admin screens against the seed, loaded once for the module (tests/conftest.py)."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, Attendance, Material, Meeting, Organization
from tests.meetings.test_admin import MODELS, _action

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", MODELS)
def test_secretariat_opens_every_admin_list_add_and_change_page(
    client, seed, secretariat_user, model
):
    client.force_login(secretariat_user)
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200
    # Making a headquarters is the operator's (the superuser's), not a secretariat's.
    expected_add = 403 if model == "headquarters" else 200
    assert (
        client.get(reverse(f"admin:meetings_{model}_add")).status_code == expected_add
    )
    obj = {
        "organization": Organization.objects.first,
        "meeting": lambda: seed,
        "attendance": seed.attendances.first,
        "material": seed.materials.first,
    }.get(model)
    if obj:
        url = reverse(f"admin:meetings_{model}_change", args=[obj().pk])
        assert client.get(url).status_code == 200


def _copy_form(client, meeting):
    """The copy form as the admin shows it, and the one-time token it carries."""
    response = _action(client, "copy_as_next", meeting)
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return response, token[1]


def _copy(client, meeting, *, token=None, **data):
    if token is None:
        token = _copy_form(client, meeting)[1]
    return _action(client, "copy_as_next", meeting, apply="1", token=token, **data)


def _counts():
    return (
        Meeting.objects.count(),
        Material.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
    )


def _planned(number=1):
    return Meeting.objects.get(fiscal_year=2022, number=number, date__isnull=True)


def _unfolded(response):
    """An iCalendar body with its folded lines joined again."""
    return response.content.decode().replace("\r\n ", "")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_copy_action_asks_for_a_date_then_creates_an_unpublished_meeting(
    client, seed, secretariat_user
):
    client.force_login(secretariat_user)
    form, token = _copy_form(client, seed)
    assert form.status_code == 200
    assert "次回の開催日" in form.content.decode()
    response = _copy(client, seed, token=token, new_date="令和4年6月2日", number="5")
    new = Meeting.objects.get(fiscal_year=2022, number=5)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:meetings_meeting_change", args=[new.pk]
    )
    assert new.date == dt.date(2022, 6, 2)
    assert new.published is False
    assert new.attendances.count() == 34


def test_copy_onto_a_planned_meeting_asks_first_and_changes_nothing(
    client, seed, secretariat_user
):
    client.force_login(secretariat_user)
    planned = _planned()
    before = _counts()
    response = _copy(client, seed, new_date="令和4年5月19日")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "この会議は年間スケジュールの計画中の第1回（令和4年5月中旬）に当たります。"
        in html
    )
    assert (
        f'<input type="checkbox" name="fill_planned" value="{planned.pk}" '
        'id="id_fill_planned">'
    ) in html
    assert "計画中の第1回（令和4年5月中旬）に反映する</label>" in html
    assert "開催日：令和4年5月中旬 → 令和4年5月19日（木）" in html
    assert _counts() == before
    planned.refresh_from_db()
    assert (planned.date, planned.published) == (None, True)


def test_copy_with_the_tick_shows_what_was_made_and_what_to_check(
    client, seed, secretariat_user
):
    client.force_login(secretariat_user)
    planned = _planned()
    response = _copy(
        client, seed, new_date="令和4年5月19日", fill_planned=str(planned.pk)
    )
    new = Meeting.objects.get(fills=planned)
    assert response["Location"] == reverse(
        "admin:meetings_meeting_change", args=[new.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        f"「{new.name}」を作成しました（未公開）。内容を確認して公開してください。"
        "<ul><li>計画中の第1回（令和4年5月中旬）に反映する会議として作成しました。</li>"
        in page
    )
    assert "<li>開催日：令和4年5月中旬 → 令和4年5月19日（木）</li>" in page
    assert "次の箇所は前回のままです。確認してください。<ul>" in page
    planned_url = reverse("admin:meetings_meeting_change", args=[planned.pk])
    assert f'<a href="{planned_url}">{planned.name}</a>' in page
    assert (
        "<li>資料3「令和4年度本部会議年間スケジュール」：表題の令和4年度はコピー元の"
        "年度ではないため、そのままです。</li>"
    ) in page


def test_a_tick_does_not_carry_over_to_another_planned_meeting(
    client, seed, secretariat_user
):
    client.force_login(secretariat_user)
    before = _counts()
    # Ticked for 第1回, then the date changed to one in 第2回's month.
    response = _copy(
        client, seed, new_date="2022-08-25", fill_planned=str(_planned(1).pk)
    )
    html = response.content.decode()
    assert (
        f'<input type="checkbox" name="fill_planned" value="{_planned(2).pk}" '
        'id="id_fill_planned">'
    ) in html
    assert "計画中の第2回（令和4年8月下旬）に反映する</label>" in html
    assert _counts() == before


def test_the_meeting_list_tells_a_planned_meeting_from_its_copy(
    client, seed, secretariat_user
):
    client.force_login(secretariat_user)
    _copy(client, seed, new_date="令和4年5月19日", fill_planned=str(_planned().pk))
    html = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    assert "令和4年5月中旬（コピーを作成中）" in html
    assert "令和4年5月19日（木）（計画中の第1回（令和4年5月中旬）に反映）" in html


def test_copy_form_sent_twice_creates_nothing_the_second_time(
    client, seed, secretariat_user
):
    client.force_login(secretariat_user)
    token = _copy_form(client, seed)[1]
    data = {"new_date": "令和4年5月19日", "fill_planned": str(_planned().pk)}
    first = _copy(client, seed, token=token, **data)
    client.get(first["Location"])  # the result page, then back and send again
    before = _counts()
    again = _copy(client, seed, token=token, **data)
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    new = Meeting.objects.get(fills=_planned())
    assert _messages(again) == [
        f"この内容のコピーは既に作成されています。「{new.name}」を表示します。"
    ]
    assert _counts() == before


def test_copy_action_refuses_a_missing_or_forged_token(client, seed, secretariat_user):
    client.force_login(secretariat_user)
    before = _counts()
    other = Meeting.objects.get(fiscal_year=2021, number=3)
    for token in ["", "forged", _copy_form(client, other)[1]]:
        response = _copy(client, seed, token=token, new_date="2022-06-02", number="5")
        assert response.status_code == 200
        assert "「次回の会議を作成」を選び直してください。" in response.content.decode()
    assert _counts() == before


def test_viewers_keep_the_planned_meeting_in_their_calendar_until_publication(
    client, seed, secretariat_user, viewer_user
):
    client.force_login(secretariat_user)
    _copy(client, seed, new_date="令和4年5月19日", fill_planned=str(_planned().pk))
    new = Meeting.objects.get(fills=_planned())
    feed = reverse("workitems:schedule_ics") + (
        f"?token={viewer_user.profile.calendar_token}&from=2020"
    )
    client.force_login(viewer_user)
    ics = _unfolded(client.get(feed))
    assert "第1回「ワンチームとやま」連携推進本部会議（日程未定：R4.5月中旬）" in ics
    assert "DTSTART;TZID=Asia/Tokyo:20220519T150000" not in ics
    assert (
        "令和4年5月中旬" in client.get(reverse("workitems:schedule")).content.decode()
    )

    services.publish_meeting(meeting=new)
    services.complete_planned(meeting=new)
    ics = _unfolded(client.get(feed))
    assert "日程未定：R4.5月中旬" not in ics
    assert "DTSTART;TZID=Asia/Tokyo:20220519T150000" in ics


def test_copy_action_with_a_bad_date_shows_the_error(client, seed, secretariat_user):
    client.force_login(secretariat_user)
    count = Meeting.objects.count()
    response = _copy(client, seed, new_date="令和4年2月30日")
    assert response.status_code == 200
    assert "2022年2月30日という日付はありません。" in response.content.decode()
    assert Meeting.objects.count() == count


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("3", "この年度のこの回の会議は既にあります。"),
        ("0", "1 以上"),
        ("100", "99 以下"),
        ("三", "整数"),
    ],
)
def test_copy_action_with_a_bad_number_shows_the_error(
    client, seed, secretariat_user, number, message
):
    client.force_login(secretariat_user)
    before = _counts()
    response = _copy(client, seed, new_date="2021-11-20", number=number)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


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
    response = _copy(client, seed, new_date=new_date)
    assert response.status_code == 200
    assert "1900年から2099年までの日付を入力してください。" in response.content.decode()
    assert Meeting.objects.count() == count
