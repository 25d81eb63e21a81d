"""The iCalendar feed: parsed back with the same library."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.models import Meeting, UserProfile
from workitems.models import Session

pytestmark = pytest.mark.django_db


def _feed(client, token, headers=None, **params):
    # The seed's years (FY2020–2022) from FY2020 on.
    params.setdefault("from", "2020")
    return client.get(
        reverse("workitems:schedule_ics"), {"token": token, **params}, headers=headers
    )


def _uids(response) -> set[str]:
    return {str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


@pytest.fixture
def fiscal_2021(monkeypatch):
    """Today in the seed's fiscal year, 令和3年度."""
    monkeypatch.setattr("workitems.views._today", lambda: dt.date(2022, 1, 10))


def test_feed_holds_every_meeting_and_every_dated_session(client, seed, viewer_user):
    response = _feed(client, viewer_user.profile.calendar_token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    uids = {str(e["uid"]) for e in cal.walk("VEVENT")}
    meetings = {
        f"meeting-{pk}@onechamber"
        for pk in Meeting.objects.values_list("pk", flat=True)
    }
    sessions = {
        f"session-{pk}@onechamber"
        for pk in Session.objects.filter(date__isnull=False).values_list(
            "pk", flat=True
        )
    }
    assert uids == meetings | sessions
    assert len(meetings) == 13
    assert len(sessions) == 59


def test_feed_events_carry_dates_and_times(client, seed, viewer_user):
    cal = Calendar.from_ical(_feed(client, viewer_user.profile.calendar_token).content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    seed_event = events[f"meeting-{seed.pk}@onechamber"]
    start = seed_event.decoded("dtstart")
    assert (start.date(), start.hour, start.minute) == (dt.date(2022, 1, 20), 15, 0)
    assert str(start.tzinfo) == "Asia/Tokyo"
    assert seed_event.decoded("dtend").hour == 16
    assert str(seed_event["location"]) == "県民会館8階バンケットホール"

    planned = Meeting.objects.get(fiscal_year=2022, number=1)
    approx = events[f"meeting-{planned.pk}@onechamber"]
    assert approx.decoded("dtstart") == dt.date(2022, 5, 11)
    assert approx.decoded("dtend") == dt.date(2022, 5, 21)
    assert "日程未定" in str(approx["summary"])

    feb4 = Session.objects.get(date=dt.date(2022, 2, 4))
    event = events[f"session-{feb4.pk}@onechamber"]
    assert event.decoded("dtstart") == dt.date(2022, 2, 4)
    assert str(event["summary"]).endswith("（予定）")


def test_feed_needs_a_valid_token(client, seed, viewer_user):
    assert client.get(reverse("workitems:schedule_ics")).status_code == 404
    assert _feed(client, "not-a-token").status_code == 404


def test_feed_leaves_unpublished_meetings_out_for_viewers(client, seed, viewer_user):
    seed.published = False
    seed.save()
    cal = Calendar.from_ical(_feed(client, viewer_user.profile.calendar_token).content)
    assert f"meeting-{seed.pk}@onechamber" not in {
        str(e["uid"]) for e in cal.walk("VEVENT")
    }


def test_feed_holds_unpublished_meetings_for_those_who_may_see_them(
    client, seed, viewer_user, secretariat_user
):
    """The permission is read with the token (from the account's groups):
    the secretariat's feed has the unpublished meeting, a viewer's has not,
    and each is kept apart."""
    seed.published = False
    seed.save()
    uid = f"meeting-{seed.pk}@onechamber"
    assert uid not in _uids(_feed(client, viewer_user.profile.calendar_token))
    assert uid in _uids(_feed(client, secretariat_user.profile.calendar_token))
    assert uid not in _uids(_feed(client, viewer_user.profile.calendar_token))


def test_an_inactive_accounts_token_opens_nothing(client, seed, viewer_user):
    token = viewer_user.profile.calendar_token
    viewer_user.is_active = False
    viewer_user.save()
    assert _feed(client, token).status_code == 404


def test_resetting_the_token_invalidates_the_old_url(client, seed, viewer_user):
    old = viewer_user.profile.calendar_token
    client.force_login(viewer_user)
    response = client.post(reverse("workitems:reset_calendar_token"))
    assert response.status_code == 302
    new = UserProfile.objects.get(user=viewer_user).calendar_token
    assert new != old
    client.logout()
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200


def _years(response) -> set[int]:
    ids = {
        int(uid.split("@")[0].split("-")[1])
        for uid in _uids(response)
        if uid.startswith("meeting-")
    }
    return set(Meeting.objects.filter(pk__in=ids).values_list("fiscal_year", flat=True))


def test_feed_holds_this_fiscal_year_and_the_years_beside_it(
    client, seed, viewer_user, fiscal_2021
):
    token = viewer_user.profile.calendar_token
    response = client.get(reverse("workitems:schedule_ics"), {"token": token})
    assert _years(response) == {2020, 2021, 2022}
    sessions = {u for u in _uids(response) if u.startswith("session-")}
    assert len(sessions) == 59


def test_feed_of_today_leaves_the_seeds_old_years_out(
    client, seed, viewer_user, monkeypatch
):
    monkeypatch.setattr("workitems.views._today", lambda: dt.date(2026, 12, 2))
    token = viewer_user.profile.calendar_token
    response = client.get(reverse("workitems:schedule_ics"), {"token": token})
    assert response.status_code == 200
    assert _uids(response) == set()
    # Older years by a parameter, as people write a fiscal year.
    assert _years(_feed(client, token, **{"from": "令和3年度"})) == {2021, 2022}
    assert _years(_feed(client, token, **{"from": "R2"})) == {2020, 2021, 2022}


def test_feed_refuses_a_year_it_cannot_read(client, seed, viewer_user):
    response = _feed(client, viewer_user.profile.calendar_token, **{"from": "いつか"})
    assert response.status_code == 400
    assert "年度が読み取れません" in response.content.decode()


def test_feed_answers_not_modified_until_the_data_changes(
    client, seed, viewer_user, django_assert_max_num_queries
):
    token = viewer_user.profile.calendar_token
    first = _feed(client, token)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    # One statement: the token's account, its permission to see unpublished
    # meetings and the content version (no request transaction): no build.
    with django_assert_max_num_queries(1):
        again = _feed(client, token, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    # Kept: the same body while nothing changed.
    assert _feed(client, token).content == first.content

    meeting = Meeting.objects.get(pk=seed.pk)
    meeting.venue = "富山県民会館"
    meeting.save()
    changed = _feed(client, token, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "富山県民会館" in changed.content.decode()
