"""Writes that touch several rows: copying and publishing meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import AgendaItem, Attendance, Meeting, Tenure
from onechamber import jdates


@dataclass
class CopyResult:
    meeting: Meeting
    # Titles of positions with nobody in office on the new date: their rows keep
    # the previous holder's name and must be checked.
    vacant_positions: list[str] = field(default_factory=list)


def next_number(*, meeting: Meeting, fiscal_year: int) -> int:
    """The next free regular-meeting number in a fiscal year."""
    last = Meeting.objects.filter(
        headquarters=meeting.headquarters, fiscal_year=fiscal_year, kind="regular"
    ).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


@transaction.atomic
def copy_meeting(
    *, meeting: Meeting, new_date: dt.date, number: int | None = None
) -> CopyResult:
    """Copy `meeting` as the next one on `new_date`: agenda, materials, attendees
    (as the positions' holders on that date) and seats; unpublished."""
    fiscal_year = jdates.fiscal_year(new_date)
    if meeting.kind == Meeting.Kind.REGULAR and number is None:
        number = next_number(meeting=meeting, fiscal_year=fiscal_year)
    new = Meeting(
        headquarters=meeting.headquarters,
        fiscal_year=fiscal_year,
        number=number if meeting.kind == Meeting.Kind.REGULAR else None,
        kind=meeting.kind,
        topic=meeting.topic,
        format=meeting.format,
        date=new_date,
        start_time=meeting.start_time,
        end_time=meeting.end_time,
        venue=meeting.venue,
        venue_short=meeting.venue_short,
        status=Meeting.Status.SCHEDULED,
        published=False,
    )
    new.full_clean()
    new.save()

    material_map = {}
    for material in meeting.materials.all():
        old_pk = material.pk
        material.pk = None
        material.id = None
        material._state.adding = True
        material.meeting = new
        material.save()
        material_map[old_pk] = material

    parents = {}
    items = list(meeting.agenda_items.prefetch_related("materials"))
    for item in sorted(items, key=lambda i: i.parent_id is not None):
        copy = AgendaItem.objects.create(
            meeting=new,
            parent=parents.get(item.parent_id),
            order=item.order,
            title=item.title,
            is_report=item.is_report,
        )
        copy.materials.set([material_map[m.pk] for m in item.materials.all()])
        parents[item.pk] = copy

    holders = {
        t.position_id: t
        for t in Tenure.objects.in_force(new_date)
        .filter(position__attendances__meeting=meeting)
        .select_related("person", "position")
    }
    vacant = []
    rows = []
    for attendance in meeting.attendances.select_related("position"):
        tenure = holders.get(attendance.position_id)
        if tenure:
            title, name = tenure.position.title, tenure.person.name
        else:
            title, name = attendance.title, attendance.name
            if attendance.position_id:
                vacant.append(attendance.position.title)
        rows.append(
            Attendance(
                meeting=new,
                group=attendance.group,
                order=attendance.order,
                position=attendance.position,
                title=title,
                name=name,
                seat_side=attendance.seat_side,
                seat_order=attendance.seat_order,
            )
        )
    Attendance.objects.bulk_create(rows)
    return CopyResult(meeting=new, vacant_positions=vacant)


@transaction.atomic
def publish_meeting(*, meeting: Meeting) -> Meeting:
    """Make a meeting visible to every account."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("中止になった会議は公開できません。"), code="cancelled")
    if not meeting.published:
        meeting.published = True
        meeting.published_at = timezone.now()
        meeting.save(update_fields=["published", "published_at", "updated_at"])
    return meeting
