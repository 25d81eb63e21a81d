"""The schedule as an iCalendar feed (the `icalendar` library)."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo

from django.conf import settings
from django.core.cache import cache
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


def feed(*, user, headquarters_id: int, first_year: int, last_year: int):
    """The feed of a user's headquarters for fiscal years first..last, and its
    ETag: (a function that gives the body, etag). Kept in the cache under the headquarters' content
    version, so any write to its data makes the next request build afresh,
    and the ETag names that version: a client that has it gets 304 with no
    build at all."""
    unpublished = user.has_perm("meetings.view_unpublished_meeting")
    version = versioning.current(headquarters_id)
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
