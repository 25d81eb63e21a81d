"""Writes that touch several rows: copying and publishing meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import editions
from meetings.models import AgendaItem, Attendance, Meeting, Tenure
from onechamber import jdates


@dataclass
class CopyResult:
    meeting: Meeting
    # Titles of positions with nobody in office on the new date: their rows keep
    # the previous holder's name and must be checked.
    vacant_positions: list[str] = field(default_factory=list)


def next_number(*, meeting: Meeting, new_date: dt.date) -> int:
    """The number a regular meeting on `new_date` takes: the meeting the annual
    schedule plans without a date for that month or the latest month before it
    (else the first planned one), or, with none planned, one past the last."""
    regular = Meeting.objects.filter(
        headquarters=meeting.headquarters,
        fiscal_year=jdates.fiscal_year(new_date),
        kind="regular",
    )
    planned = regular.filter(date__isnull=True)
    placeholder = (
        planned.filter(approx_month__lte=new_date).order_by("-approx_month").first()
        or planned.order_by("approx_month").first()
    )
    if placeholder:
        return placeholder.number
    return (regular.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def copy_meeting(
    *, meeting: Meeting, new_date: dt.date, number: int | None = None
) -> CopyResult:
    """Copy `meeting` as the next one on `new_date`: agenda, materials, attendees
    (as the positions' holders on that date) and seats; unpublished.

    Where the annual schedule already holds that meeting planned without a date
    (「R4.5月中旬 第1回」), the copy fills it: it gets the date, and its planned
    topics become the sub-items of the copied 議事 in place of the old ones.
    """
    fiscal_year = jdates.fiscal_year(new_date)
    if meeting.kind == Meeting.Kind.REGULAR and number is None:
        number = next_number(meeting=meeting, new_date=new_date)
    placeholder = None
    if meeting.kind == Meeting.Kind.REGULAR:
        placeholder = Meeting.objects.filter(
            headquarters=meeting.headquarters,
            fiscal_year=fiscal_year,
            kind=Meeting.Kind.REGULAR,
            number=number,
            date__isnull=True,
        ).first()
    new = placeholder or Meeting(
        headquarters=meeting.headquarters,
        fiscal_year=fiscal_year,
        number=number if meeting.kind == Meeting.Kind.REGULAR else None,
        kind=meeting.kind,
        topic=meeting.topic,
        format=meeting.format,
    )
    if placeholder and (
        placeholder.materials.exists() or placeholder.attendances.exists()
    ):
        raise ValidationError(
            _("%(name)sには既に資料か出席者が登録されているため、コピーできません。")
            % {"name": placeholder.name},
            code="target_not_empty",
        )
    planned_topics = (
        list(placeholder.agenda_items.filter(parent=None)) if placeholder else []
    )
    new.date = new_date
    new.approx_month = None
    new.approx_part = 0
    new.start_time = meeting.start_time
    new.end_time = meeting.end_time
    new.venue = new.venue or meeting.venue
    new.venue_short = new.venue_short or meeting.venue_short
    new.status = Meeting.Status.SCHEDULED
    new.published = False
    new.published_at = None
    new.full_clean()
    new.save()
    for item in planned_topics:
        item.delete()

    material_map = {}
    for material in meeting.materials.all():
        old_pk = material.pk
        material.pk = None
        material.id = None
        material._state.adding = True
        material.meeting = new
        material.save()
        material_map[old_pk] = material

    items = list(meeting.agenda_items.prefetch_related("materials"))
    # The item whose sub-items are the business of the day (議事) takes the
    # planned topics, where the schedule has some.
    business = next((i for i in items if any(c.parent_id == i.pk for c in items)), None)
    parents = {}
    for item in sorted(items, key=lambda i: i.parent_id is not None):
        if planned_topics and business and item.parent_id == business.pk:
            continue
        copy = AgendaItem.objects.create(
            meeting=new,
            parent=parents.get(item.parent_id),
            order=item.order,
            title=item.title,
            is_report=item.is_report,
        )
        copy.materials.set([material_map[m.pk] for m in item.materials.all()])
        parents[item.pk] = copy
    if business and planned_topics:
        for order, topic in enumerate(planned_topics, start=1):
            AgendaItem.objects.create(
                meeting=new,
                parent=parents[business.pk],
                order=order,
                title=topic.title,
                is_report=topic.is_report,
            )

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
def publish_meeting(*, meeting: Meeting, by=None) -> Meeting:
    """Make a meeting visible to every account and distribute its 第1版 (built
    by a worker) when it has materials and no edition yet; a planned meeting
    published as a schedule entry is distributed later, from the admin."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("中止になった会議は公開できません。"), code="cancelled")
    if not meeting.published:
        meeting.published = True
        meeting.published_at = timezone.now()
        meeting.save(update_fields=["published", "published_at", "updated_at"])
    if (
        meeting.materials.exists()
        and meeting.status != Meeting.Status.CANCELLED
        and not meeting.editions.distributed().exists()
    ):
        editions.distribute(meeting=meeting, by=by)
    return meeting
