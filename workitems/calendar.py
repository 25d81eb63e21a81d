"""The schedule as an iCalendar feed (the `icalendar` library)."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from icalendar import Calendar, Event

from meetings import versioning
from meetings.models import Meeting
from workitems.models import Session

FILENAME = "onechamber-schedule.ics"


def _meeting_event(meeting: Meeting, tz, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@onechamber")
    event.add("dtstamp", stamp)
    summary = meeting.name
    if meeting.date and meeting.start_time:
        event.add("dtstart", dt.datetime.combine(meeting.date, meeting.start_time, tz))
        end = (
            meeting.end_time
            or (
                dt.datetime.combine(meeting.date, meeting.start_time)
                + dt.timedelta(hours=1)
            ).time()
        )
        event.add("dtend", dt.datetime.combine(meeting.date, end, tz))
    elif meeting.date:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + dt.timedelta(days=1))
    else:
        start, end = meeting.when.span
        event.add("dtstart", start)
        event.add("dtend", end)
        summary += f"（日程未定：{meeting.when_short}）"
        event.add("status", "TENTATIVE")
    event.add("summary", summary)
    if meeting.venue:
        event.add("location", meeting.venue)
    event.add("description", meeting.get_format_display())
    return event


def _session_event(session: Session, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@onechamber")
    event.add("dtstamp", stamp)
    event.add("dtstart", session.date)
    event.add("dtend", session.date + dt.timedelta(days=1))
    measure = session.measure
    what = session.name or session.topic or session.get_kind_display()
    summary = f"{measure.item.name} {measure.code} {what}".replace("  ", " ")
    if session.planned:
        summary += "（予定）"
        event.add("status", "TENTATIVE")
    event.add("summary", summary)
    if session.note or session.participants_note:
        event.add(
            "description",
            " ".join(filter(None, [session.participants_note, session.note])),
        )
    return event


def build_calendar(*, meetings, sessions) -> bytes:
    """An iCalendar file with every meeting and every dated session."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//onechamber//schedule//JA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "連携推進本部 会議・WG日程")
    for meeting in meetings:
        cal.add_component(_meeting_event(meeting, tz, stamp))
    for session in sessions:
        if session.date:
            cal.add_component(_session_event(session, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


# A fiscal year's feed is rebuilt at most this often while nothing changes.
CACHE_SECONDS = 3600


# Fixed text only: the token is a parameter.
_SUBSCRIBER_SQL = """
    SELECT p.user_id, p.headquarters_id,
      u.is_superuser OR EXISTS (
        SELECT 1 FROM auth_permission perm
          JOIN django_content_type ct ON ct.id = perm.content_type_id
        WHERE ct.app_label = 'meetings' AND perm.codename = 'view_unpublished_meeting'
          AND (perm.id IN (SELECT gp.permission_id FROM auth_group_permissions gp
                 JOIN auth_user_groups ug ON ug.group_id = gp.group_id
                 WHERE ug.user_id = p.user_id)
            OR perm.id IN (SELECT up.permission_id FROM auth_user_user_permissions up
                 WHERE up.user_id = p.user_id))),
      COALESCE((SELECT v.number FROM meetings_contentversion v
        WHERE v.headquarters_id = p.headquarters_id), 0)
      + (SELECT COUNT(*) FROM meetings_contentchange c
        WHERE c.headquarters_id = p.headquarters_id)
    FROM meetings_userprofile p JOIN auth_user u ON u.id = p.user_id
    WHERE p.calendar_token = %s AND u.is_active AND p.headquarters_id IS NOT NULL
"""


def subscriber(token: str) -> tuple[int, int, bool, int] | None:
    """Whose feed a calendar token opens, in one statement: (user id, its
    headquarters, whether it sees unpublished meetings, that headquarters'
    content version, as meetings.versioning counts it); None for a token
    no active account holds. A feed that is kept needs nothing more."""
    if not token:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_SUBSCRIBER_SQL, [token])
        row = cursor.fetchone()
    if row is None:
        return None
    user_id, headquarters_id, unpublished, version = row
    return user_id, headquarters_id, bool(unpublished), int(version)


def feed(*, token: str, first_year: int, last_year: int):
    """The feed of the headquarters of the account holding `token`, for fiscal
    years first..last, and its ETag: (a function that gives the body, etag),
    or None for a token no active account holds. Kept in the cache under the
    headquarters' content version, so any write to its data makes the next
    request build afresh, and the ETag names that version: a client that has
    it gets 304 with no build at all."""
    found = subscriber(token)
    if found is None:
        return None
    user_id, headquarters_id, unpublished, version = found
    key = ":".join(
        str(part)
        for part in (
            "schedule-ics",
            versioning.code_version()[:12],
            headquarters_id,
            version,
            int(unpublished),
            first_year,
            last_year,
        )
    )
    etag = 'W/"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'

    def build() -> bytes:
        user = get_user_model().objects.get(pk=user_id)
        meetings = (
            Meeting.objects.visible_to(user)
            .filter(fiscal_year__range=(first_year, last_year))
            .select_related("headquarters")
        )
        sessions = (
            Session.objects.for_headquarters(headquarters_id)
            .filter(fiscal_year__range=(first_year, last_year))
            .dated()
            .select_related("measure__item")
        )
        return build_calendar(meetings=meetings, sessions=sessions)

    return (lambda: cache.get_or_set(key, build, CACHE_SECONDS)), etag
