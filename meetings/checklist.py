"""準備チェックリスト: what a meeting still lacks before it can be distributed.

Each finding names what is missing and links to the place where it is fixed.
Everything is judged on the meeting's own date (its month when the day is not
set), not on today's: a checklist opened in March for a meeting in May asks who
is mayor in May.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings import editions
from meetings.models import Attendance, Material, Meeting, Submission, Tenure
from meetings.reports import number_materials
from onechamber import jdates

# The checklist's parts, in the order the secretariat prepares a meeting.
# Other apps add theirs (with `register`) between the attendees and the
# distribution: the meetings app knows nothing of cooperation items.
PARTS = [
    ("agenda", gettext_lazy("次第")),
    ("materials", gettext_lazy("資料")),
    ("submissions", gettext_lazy("部局からの提出")),
    ("attendance", gettext_lazy("出席者")),
    ("seats", gettext_lazy("配席")),
]
LAST_PARTS = [("distribution", gettext_lazy("公開・配付"))]
_checks: list = []


@dataclass(frozen=True)
class Finding:
    part: str
    message: str
    url: str


def register(part: str, label):
    """Add a part to every meeting's checklist: the decorated function takes
    the meeting, its day and the URLs found so far, and returns findings."""

    def add(check):
        if part not in {name for name, _label in PARTS}:
            PARTS.append((part, label))
        _checks.append(check)
        return check

    return add


def meeting_day(meeting: Meeting) -> dt.date:
    """The day the meeting is judged on: its date, else the first of its
    month, else today (a meeting with no date yet)."""
    return meeting.date or meeting.approx_month or timezone.localdate()


def _meeting_url(meeting: Meeting, group: str = "") -> str:
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    return f"{url}#{group}-group" if group else url


def _agenda(meeting: Meeting) -> list[Finding]:
    if meeting.agenda_items.exists():
        return []
    return [
        Finding(
            "agenda",
            _("次第の項目がありません。"),
            _meeting_url(meeting, "agenda_items"),
        )
    ]


def _materials(meeting: Meeting) -> list[Finding]:
    materials = number_materials(meeting.materials.all())
    if not materials:
        return [
            Finding(
                "materials", _("資料がありません。"), _meeting_url(meeting, "materials")
            )
        ]
    found = []
    for material in materials:
        empty = (
            material.content == Material.Content.TEXT and not material.text.strip()
        ) or (material.content == Material.Content.PDF and not material.file)
        if empty:
            found.append(
                Finding(
                    "materials",
                    _("%(label)s「%(title)s」の内容がありません。")
                    % {"label": material.label, "title": material.title},
                    reverse("admin:meetings_material_change", args=[material.pk]),
                )
            )
    return found


def _submissions(meeting: Meeting) -> list[Finding]:
    found = []
    for material in number_materials(meeting.materials.select_related("department")):
        if material.submission in (Submission.State.NONE, Submission.State.APPROVED):
            continue
        deadline = (
            _("（期限 %(day)s）")
            % {"day": jdates.wareki(material.deadline, with_weekday=False)}
            if material.deadline
            else ""
        )
        found.append(
            Finding(
                "submissions",
                _(
                    "%(label)s「%(title)s」（%(department)s）は%(state)sです%(deadline)s。"
                )
                % {
                    "label": material.label,
                    "title": material.title,
                    "department": material.department,
                    "state": material.get_submission_display(),
                    "deadline": deadline,
                },
                reverse("admin:meetings_material_review", args=[material.pk]),
            )
        )
    return found


def _attendance(meeting: Meeting, day: dt.date) -> list[Finding]:
    attendances = list(
        meeting.attendances.select_related("position__organization").order_by(
            "group", "order", "id"
        )
    )
    if not attendances:
        return [
            Finding(
                "attendance",
                _("出席者が登録されていません。"),
                _meeting_url(meeting, "attendances"),
            )
        ]
    holders = {
        tenure.position_id: tenure.person.name
        for tenure in Tenure.objects.in_force(day)
        .filter(position__in=[a.position_id for a in attendances if a.position_id])
        .select_related("person")
        .order_by("start")
    }
    on = jdates.wareki(day, with_weekday=False)
    found = []
    for attendance in attendances:
        if attendance.position_id is None:
            continue
        url = reverse("admin:meetings_position_change", args=[attendance.position_id])
        holder = holders.get(attendance.position_id)
        if holder is None:
            found.append(
                Finding(
                    "attendance",
                    _("%(title)s：%(day)sに在任中の人が登録されていません。")
                    % {"title": attendance.position.title, "day": on},
                    url,
                )
            )
        elif holder.replace(" ", "").replace("　", "") != attendance.name.replace(
            " ", ""
        ).replace("　", ""):
            found.append(
                Finding(
                    "attendance",
                    _(
                        "%(title)s：出席者名簿の氏名「%(name)s」が、%(day)sの在任者"
                        "「%(holder)s」と違います。"
                    )
                    % {
                        "title": attendance.title,
                        "name": attendance.name,
                        "day": on,
                        "holder": holder,
                    },
                    _meeting_url(meeting, "attendances"),
                )
            )
    return found


def _seats(meeting: Meeting) -> list[Finding]:
    attendances = list(meeting.attendances.all())
    seated = [a for a in attendances if a.seat_side != Attendance.Side.NONE]
    if not seated:
        # A meeting without a seating chart (a web meeting) has no seats.
        return []
    url = _meeting_url(meeting, "attendances")
    found = [
        Finding(
            "seats",
            _("%(title)s %(name)s の席が決まっていません。")
            % {"title": a.title, "name": a.name},
            url,
        )
        for a in attendances
        if a.seat_side == Attendance.Side.NONE
        and a.mode in (Attendance.Mode.PRESENT, Attendance.Mode.PROXY)
    ]
    doubled = Counter((a.seat_side, a.seat_order) for a in seated)
    found += [
        Finding(
            "seats",
            _("%(side)sの%(order)d番目の席に%(count)d人が割り当てられています。")
            % {
                "side": Attendance.Side(side).label,
                "order": order,
                "count": count,
            },
            url,
        )
        for (side, order), count in sorted(doubled.items())
        if count > 1
    ]
    return found


def _distribution(meeting: Meeting) -> list[Finding]:
    url = _meeting_url(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        return []
    found = []
    if not meeting.published:
        found.append(Finding("distribution", _("まだ公開していません。"), url))
    if not meeting.materials.exists():
        return found
    if editions.current_edition(meeting) is None:
        if editions.pending_edition(meeting) is None:
            found.append(
                Finding("distribution", _("資料をまだ配付していません。"), url)
            )
        return found
    changed = editions.changes(meeting)
    if changed:
        found.append(
            Finding(
                "distribution",
                _("配付後の変更が差し替えられていません：%(what)s")
                % {"what": "、".join(change.label for change in changed)},
                url,
            )
        )
    return found


def check(meeting: Meeting) -> list[Finding]:
    """Everything the meeting lacks, part by part."""
    day = meeting_day(meeting)
    found = [
        *_agenda(meeting),
        *_materials(meeting),
        *_submissions(meeting),
        *_attendance(meeting, day),
        *_seats(meeting),
    ]
    for extra in _checks:
        found += extra(meeting, day, {f.url for f in found})
    return found + _distribution(meeting)


def grouped(findings: list[Finding]) -> list[tuple[str, str, list[Finding]]]:
    """(part, label, findings) for every part, in preparation order."""
    return [
        (part, label, [f for f in findings if f.part == part])
        for part, label in [*PARTS, *LAST_PARTS]
    ]
