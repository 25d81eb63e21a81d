"""Writes that touch several rows: copying and publishing meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import editions, reports
from meetings.models import AgendaItem, Attendance, Material, Meeting, Tenure
from meetings.packet import build
from onechamber import history, jdates


@dataclass
class CopyPlan:
    """Where a copy on a date goes: its fiscal year and number, and the meeting
    the annual schedule plans without a date that it would fill, if any."""

    fiscal_year: int
    number: int | None
    planned: Meeting | None = None


@dataclass
class CopyResult:
    meeting: Meeting
    # False when the copy had been made already (the same form sent again, or
    # the same meeting copied to the same date): nothing was written.
    created: bool = True
    # What the copy created or changed, in sentences for the secretariat.
    changes: list[str] = field(default_factory=list)
    # Titles of positions with nobody in office on the new date: their rows keep
    # the previous holder's name and must be checked.
    vacant_positions: list[str] = field(default_factory=list)
    # What the copy could not bring forward to the new fiscal year.
    review: list[str] = field(default_factory=list)


def plan_copy(
    *, meeting: Meeting, new_date: dt.date, number: int | None = None
) -> CopyPlan:
    """Where a copy of `meeting` on `new_date` goes. A regular meeting takes
    `number` if given, else the number of the meeting the annual schedule plans
    without a date for that month or the latest month before it (else the
    earliest planned one), or, with none planned, one past the last. A planned
    meeting that a copy already fills is never offered again."""
    fiscal_year = jdates.fiscal_year(new_date)
    if meeting.kind != Meeting.Kind.REGULAR:
        return CopyPlan(fiscal_year=fiscal_year, number=None)
    regular = Meeting.objects.filter(
        headquarters=meeting.headquarters_id,
        fiscal_year=fiscal_year,
        kind=Meeting.Kind.REGULAR,
    )
    planned = regular.filter(date__isnull=True, fills__isnull=True).select_related(
        "headquarters"
    )
    if number is not None:
        return CopyPlan(
            fiscal_year=fiscal_year,
            number=number,
            planned=planned.filter(number=number).first(),
        )
    open_ = planned.filter(filled_by__isnull=True)
    placeholder = (
        open_.filter(approx_month__lte=new_date)
        .order_by("-approx_month", "-approx_part")
        .first()
        or open_.order_by("approx_month", "approx_part").first()
    )
    if placeholder:
        return CopyPlan(
            fiscal_year=fiscal_year, number=placeholder.number, planned=placeholder
        )
    last = regular.aggregate(n=Max("number"))["n"] or 0
    return CopyPlan(fiscal_year=fiscal_year, number=last + 1)


def next_number(*, meeting: Meeting, new_date: dt.date) -> int | None:
    """The number a copy of `meeting` on `new_date` takes (see `plan_copy`)."""
    return plan_copy(meeting=meeting, new_date=new_date).number


def planned_label(planned: Meeting) -> str:
    """``計画中の第1回（令和4年5月中旬）``."""
    return _("計画中の第%(number)s回（%(when)s）") % {
        "number": planned.number,
        "when": planned.when_label,
    }


def planned_changes(
    *, meeting: Meeting, planned: Meeting, new_date: dt.date
) -> list[str]:
    """What filling `planned` with a copy of `meeting` on `new_date` changes,
    in sentences, for the form to show before anyone agrees to it."""
    label = planned_label(planned)
    changes = [
        _("開催日：%(old)s → %(new)s")
        % {
            "old": planned.when_label,
            "new": jdates.wareki(new_date),
        }
    ]
    topics = [
        i.display_title for i in planned.agenda_items.all() if i.parent_id is None
    ]
    if topics and meeting.agenda_items.filter(children__isnull=False).exists():
        changes.append(
            _(
                "次第：「議事」の小項目は、コピー元のものに代えて計画中の議題"
                "（%(topics)s）になります。"
            )
            % {"topics": "、".join(topics)}
        )
    elif topics:
        changes.append(
            _("次第：計画中の議題（%(topics)s）を次第の最後に加えます。")
            % {"topics": "、".join(topics)}
        )
    if meeting.start_time:
        changes.append(
            _("時刻：%(times)s（コピー元と同じ）")
            % {"times": jdates.time_range(meeting.start_time, meeting.end_time)}
        )
    venue = planned.venue or meeting.venue
    if venue:
        changes.append(
            _("場所：%(venue)s（%(source)s）")
            % {
                "venue": venue,
                "source": _("計画のまま") if planned.venue else _("コピー元と同じ"),
            }
        )
    changes.append(
        _("開催形式：%(format)s（計画のまま）")
        % {"format": planned.get_format_display()}
    )
    if planned.published:
        changes.append(
            _(
                "%(planned)sは、コピーした会議を公開するまで利用者に計画中のまま"
                "表示され、公開するとコピーした会議に置き換わります。"
            )
            % {"planned": label}
        )
    else:
        changes.append(
            _("コピーした会議を公開すると、%(planned)sに置き換わります。")
            % {"planned": label}
        )
    return changes


def _existing_copy(*, meeting: Meeting, new_date: dt.date, token: str):
    """The copy this request would make, if it was made already: by the same
    form (its token), or of the same meeting to the same date."""
    if token:
        found = Meeting.objects.filter(copy_token=token).first()
        if found is not None:
            return found
    return (
        Meeting.objects.filter(
            headquarters=meeting.headquarters_id, copied_from=meeting, date=new_date
        )
        .order_by("pk")
        .first()
    )


def _check_planned(*, planned: Meeting, fill_planned: int | None) -> None:
    label = planned_label(planned)
    copy = Meeting.objects.filter(fills=planned).first()
    if copy is not None:
        raise ValidationError(
            _(
                "%(planned)sには既にコピー「%(copy)s」（%(date)s）があります。"
                "そのコピーを直すか、削除してからもう一度コピーしてください。"
            )
            % {"planned": label, "copy": copy.name, "date": copy.when_label},
            code="planned_already_filled",
        )
    if planned.materials.exists() or planned.attendances.exists():
        raise ValidationError(
            _(
                "%(planned)sには既に資料か出席者が登録されているため、"
                "コピーを反映できません。"
            )
            % {"planned": label},
            code="target_not_empty",
        )
    if fill_planned != planned.pk:
        raise ValidationError(
            _(
                "この会議は年間スケジュールの%(planned)sに当たります。反映する場合は"
                "「%(planned)sに反映する」にチェックを入れてください。別の会議として"
                "作成する場合は、「回」に別の番号を入力してください。"
            )
            % {"planned": label},
            code="planned_needs_choice",
        )


def _roll(text: str, from_year: int, to_year: int, limit: int):
    """`text` rolled to `to_year` and the fiscal years it leaves; unchanged
    when the rolled text would not fit in `limit` characters."""
    rolled, leftovers = jdates.roll_fiscal_year_names(text, from_year, to_year)
    if len(rolled) > limit:
        return text, leftovers, True
    return rolled, leftovers, False


def _listed(found: list[str], most: int = 5) -> str:
    shown = "、".join(found[:most])
    return shown + (_("ほか") if len(found) > most else "")


def copy_meeting(
    *,
    meeting: Meeting,
    new_date: dt.date,
    number: int | None = None,
    fill_planned: int | None = None,
    token: str = "",
) -> CopyResult:
    """Copy `meeting` as the next one on `new_date`: agenda, materials, attendees
    (as the positions' holders on that date) and seats; unpublished. Titles that
    name the old fiscal year name the new one (令和3年度 → 令和4年度).

    Where the annual schedule plans that meeting without a date (「R4.5月中旬
    第1回」), the copy fills it only if `fill_planned` is its primary key (the
    secretariat agreed to it on the form), else it is refused. The copy is then
    a new meeting of the same number linked to it (`fills`), and its planned
    topics become the sub-items of the copied 議事. The planned meeting stays as
    it was, visible as planned, until the copy is published (`complete_planned`).

    `token` is the form's one-time key: the same form sent twice, or the same
    meeting copied to the same date again, returns the first copy with
    `created=False` and writes nothing.
    """
    # Every row the copy writes says, in its history, where it came from.
    with history.reason(_("会議をコピー（%(source)sから）") % {"source": meeting.name}):
        return _copy_meeting(
            meeting=meeting,
            new_date=new_date,
            number=number,
            fill_planned=fill_planned,
            token=token,
        )


@transaction.atomic
def _copy_meeting(
    *,
    meeting: Meeting,
    new_date: dt.date,
    number: int | None,
    fill_planned: int | None,
    token: str,
) -> CopyResult:
    # Copies of one meeting are made one at a time: a second submission waits
    # here for the first to commit, then finds it.
    source = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("headquarters")
        .get(pk=meeting.pk)
    )
    existing = _existing_copy(meeting=source, new_date=new_date, token=token)
    if existing is not None:
        return CopyResult(meeting=existing, created=False)
    if number is not None and source.kind != Meeting.Kind.REGULAR:
        raise ValidationError(
            _("臨時会議には回を付けません。「回」を空欄にしてください。"),
            code="number_not_regular",
        )
    plan = plan_copy(meeting=source, new_date=new_date, number=number)
    planned = None
    if plan.planned is not None:
        planned = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("headquarters")
            .get(pk=plan.planned.pk)
        )
        _check_planned(planned=planned, fill_planned=fill_planned)
    elif fill_planned is not None:
        raise ValidationError(
            _(
                "反映するはずの計画中の会議が、この日付・回には当たらなくなりました。"
                "内容を確かめて、もう一度「作成する」を押してください。"
            ),
            code="planned_gone",
        )

    from_year, to_year = source.fiscal_year, plan.fiscal_year
    review: list[str] = []
    topic, left, _too_long = _roll(source.topic, from_year, to_year, 200)
    new = Meeting(
        headquarters=source.headquarters,
        fiscal_year=plan.fiscal_year,
        number=plan.number,
        kind=source.kind,
        topic=planned.topic if planned else topic,
        format=planned.format if planned else source.format,
        date=new_date,
        start_time=source.start_time,
        end_time=source.end_time,
        venue=(planned.venue if planned else "") or source.venue,
        venue_short=(planned.venue_short if planned else "") or source.venue_short,
        status=Meeting.Status.SCHEDULED,
        note=planned.note if planned else "",
        published=False,
        copied_from=source,
        copy_token=token,
        fills=planned,
    )
    try:
        new.full_clean()
        with transaction.atomic():
            new.save()
    except (ValidationError, IntegrityError) as exc:
        # Made meanwhile by a submission that did not wait on the lock above
        # (SQLite takes none): the same form again.
        existing = _existing_copy(meeting=source, new_date=new_date, token=token)
        if existing is not None:
            return CopyResult(meeting=existing, created=False)
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(
            _("この年度のこの回の会議は既にあります。"), code="number_taken"
        ) from None
    if left and not planned:
        review.append(
            _(
                "議題「%(title)s」：%(years)sはコピー元の年度ではないため、そのままです。"
            )
            % {"title": new.topic, "years": _listed(left)}
        )

    rolled_titles = 0
    material_map = {}
    for material in reports.number_materials(source.materials.all()):
        old_pk, label = material.pk, material.label
        title, left, too_long = _roll(material.title, from_year, to_year, 300)
        rolled_titles += title != material.title
        material.pk = None
        material.id = None
        material._state.adding = True
        material.meeting = new
        material.title = title
        material.save()
        material_map[old_pk] = material
        named = {"label": label, "title": title}
        if too_long:
            review.append(
                _("%(label)s「%(title)s」：表題が長すぎるため、年度を改めていません。")
                % named
            )
        elif left:
            review.append(
                _(
                    "%(label)s「%(title)s」：表題の%(years)sはコピー元の年度"
                    "ではないため、そのままです。"
                )
                % {**named, "years": _listed(left)}
            )
        if material.content == Material.Content.PDF:
            review.append(
                _("%(label)s「%(title)s」：PDFファイルは前回のままです。") % named
            )
        elif material.content == Material.Content.TEXT:
            # Text is left as written: 「R3年度（0期）」「R4年度（1期）」 in one
            # table would both become R4 if rolled.
            found = jdates.dates_in(material.text) + jdates.fiscal_years_in(
                material.text
            )
            if found:
                review.append(
                    _(
                        "%(label)s「%(title)s」：本文の日付・年度は前回のままです"
                        "（%(found)s）。"
                    )
                    % {**named, "found": _listed(found)}
                )

    planned_topics = (
        [i for i in planned.agenda_items.all() if i.parent_id is None]
        if planned
        else []
    )
    items = list(source.agenda_items.prefetch_related("materials"))
    # The item whose sub-items are the business of the day (議事) takes the
    # planned topics, where the schedule has some.
    business = next((i for i in items if any(c.parent_id == i.pk for c in items)), None)
    parents = {}
    for item in sorted(items, key=lambda i: i.parent_id is not None):
        if planned_topics and business and item.parent_id == business.pk:
            continue
        title, left, too_long = _roll(item.title, from_year, to_year, 200)
        rolled_titles += title != item.title
        copy = AgendaItem.objects.create(
            meeting=new,
            parent=parents.get(item.parent_id),
            order=item.order,
            title=title,
            is_report=item.is_report,
        )
        copy.materials.set([material_map[m.pk] for m in item.materials.all()])
        parents[item.pk] = copy
        if too_long:
            review.append(
                _("次第「%(title)s」：長すぎるため、年度を改めていません。")
                % {"title": title}
            )
        elif left:
            review.append(
                _(
                    "次第「%(title)s」：%(years)sはコピー元の年度ではないため、"
                    "そのままです。"
                )
                % {"title": title, "years": _listed(left)}
            )
    if planned_topics:
        parent = parents[business.pk] if business else None
        last = max((i.order for i in items if i.parent_id is None), default=0)
        for order, topic_item in enumerate(planned_topics, start=1):
            AgendaItem.objects.create(
                meeting=new,
                parent=parent,
                order=order if parent else last + order,
                title=topic_item.title,
                is_report=topic_item.is_report,
            )
        if parent is None:
            review.append(
                _(
                    "コピー元の次第に「議事」の小項目がないため、計画中の議題を"
                    "次第の最後に加えました。位置を確かめてください。"
                )
            )

    holders = {
        t.position_id: t
        for t in Tenure.objects.in_force(new_date)
        .filter(position__attendances__meeting=source)
        .select_related("person", "position")
    }
    vacant = []
    rows = []
    for attendance in source.attendances.select_related("position"):
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

    if planned:
        changes = [
            _("%(planned)sに反映する会議として作成しました。")
            % {"planned": planned_label(planned)},
            *planned_changes(meeting=source, planned=planned, new_date=new_date),
        ]
    else:
        changes = [_("%(when)sの会議として作成しました。") % {"when": new.when_label}]
    changes.append(
        _(
            "次第%(items)s項目、配付資料%(materials)s件、出席者%(people)s人をコピーしました。"
        )
        % {
            "items": new.agenda_items.count(),
            "materials": len(material_map),
            "people": len(rows),
        }
    )
    if rolled_titles:
        changes.append(
            _("表題の%(old)sを%(new)sに改めました（%(count)s件）。")
            % {
                "old": jdates.fiscal_year_label(from_year),
                "new": jdates.fiscal_year_label(to_year),
                "count": rolled_titles,
            }
        )
    return CopyResult(
        meeting=new,
        changes=changes,
        vacant_positions=vacant,
        review=review,
    )


@transaction.atomic
def complete_planned(*, meeting: Meeting) -> Meeting:
    """When a copy that fills a planned meeting is published: the planned one
    gives way to it. What pointed at the planned meeting (the items reported
    at it) points at the copy; the planned meeting and its planned topics go.
    To be called by `publish_meeting`; does nothing for any other meeting."""
    if not meeting.published or meeting.fills_id is None:
        return meeting
    planned = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.fills_id)
    build.discard_previews(planned)
    try:
        with transaction.atomic():
            for relation in Meeting._meta.related_objects:
                if relation.many_to_many:
                    _move_links(relation.field, planned=planned, copy=meeting)
            # The copy is exempt from the number's uniqueness while it fills
            # the planned meeting: the planned one lets go of the number first.
            Meeting.objects.filter(pk=planned.pk).update(number=None)
            Meeting.objects.filter(pk=meeting.pk).update(fills=None)
            planned.delete()
    except ProtectedError:
        # Something keeps the planned meeting; it stays, hidden from every
        # list by `visible_to` since its copy is published.
        return meeting
    meeting.fills = None
    return meeting


def _move_links(m2m, *, planned: Meeting, copy: Meeting) -> None:
    through = m2m.remote_field.through
    to_meeting, other = m2m.m2m_reverse_field_name(), m2m.m2m_field_name()
    linked = through.objects.filter(**{to_meeting: copy}).values(other)
    rows = through.objects.filter(**{to_meeting: planned})
    rows.filter(**{f"{other}__in": linked}).delete()
    rows.update(**{to_meeting: copy})


@transaction.atomic
def publish_meeting(*, meeting: Meeting, by=None) -> Meeting:
    """Make a meeting visible to every account and distribute its 第1版 (built
    by a worker) when it has materials and no edition yet; a planned meeting
    published as a schedule entry is distributed later, from the admin."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("中止になった会議は公開できません。"), code="cancelled")
    with history.reason(_("公開")):
        if not meeting.published:
            meeting.published = True
            meeting.published_at = timezone.now()
            meeting.save(update_fields=["published", "published_at", "updated_at"])
        # A copy that fills a planned meeting takes its place now.
        complete_planned(meeting=meeting)
        if (
            meeting.materials.exists()
            and meeting.status != Meeting.Status.CANCELLED
            and not meeting.editions.distributed().exists()
        ):
            editions.distribute(meeting=meeting, by=by)
    return meeting
