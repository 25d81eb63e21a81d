"""What the API and the exports read: the same querysets and report functions
as the portal pages, so that both say what the page says, to the same
accounts. Dates come as ISO 8601 with their 和暦 label beside them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from api import frozen
from api.errors import ApiError
from meetings import editions
from meetings import reports as meeting_reports
from meetings.models import Attendance, Meeting, headquarters_of
from onechamber import jdates, listing


def date_fields(name: str, value: dt.date | None, *, weekday: bool = False) -> dict:
    """``{name: "2022-01-20", name_label: "令和4年1月20日"}`` (None for no date)."""
    return {
        name: value.isoformat() if value else None,
        f"{name}_label": jdates.wareki(value, with_weekday=weekday) if value else "",
    }


def fiscal_year_fields(year: int | None) -> dict:
    return {
        "fiscal_year": year,
        "fiscal_year_label": jdates.fiscal_year_label(year) if year else "",
    }


def when_fields(record) -> dict:
    """A day or an approximate month (ApproximateDate), with its label."""
    return {
        **date_fields("date", record.date),
        "approx_month": record.approx_month.isoformat()
        if record.approx_month
        else None,
        "when_label": record.when.label,
    }


# --- Meetings -------------------------------------------------------------------


def visible_meetings(user):
    """The meetings the meeting list shows `user`, in its order."""
    return (
        Meeting.objects.visible_to(user)
        .select_related("headquarters")
        .order_by(
            "-fiscal_year",
            Coalesce("date", "approx_month"),
            "approx_part",
            "start_time",
            "pk",
        )
    )


def meeting_years(user) -> list[int]:
    return list(
        Meeting.objects.visible_to(user)
        .order_by()
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def get_meeting(user, pk: int) -> Meeting:
    """The meeting `pk` if `user` may see it, else 404 (as the meeting page)."""
    return get_object_or_404(
        Meeting.objects.visible_to(user).select_related("headquarters__organization"),
        pk=pk,
    )


def meeting_fields(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "name": meeting.name,
        "short_title": meeting.short_title,
        **fiscal_year_fields(meeting.fiscal_year),
        "number": meeting.number,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "format": meeting.format,
        "format_label": meeting.get_format_display(),
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        **when_fields(meeting),
        "start_time": meeting.start_time.isoformat() if meeting.start_time else None,
        "end_time": meeting.end_time.isoformat() if meeting.end_time else None,
        "venue": meeting.venue,
        "published": meeting.published,
        "url": meeting.get_absolute_url(),
    }


class MeetingRecord:
    """A meeting as its page shows it: as distributed (its current edition),
    else from today's data."""

    def __init__(self, meeting: Meeting, *, edition_number: int | None = None):
        self.meeting = meeting
        self.current = editions.current_edition(meeting)
        self.edition = self.current
        if edition_number is not None:
            # A past edition's own page (/meetings/<pk>/editions/<n>/): 404 as there.
            self.edition = get_object_or_404(
                meeting.editions.distributed().ready(), number=edition_number
            )
        if self.edition is not None:
            self.agenda, self.attendees = frozen.read_record(self.edition.page_html)
            self.seats = frozen.read_seats(self.edition.page_html)
            self.materials = [
                self._item_row(i)
                for i in self.edition.items.all()
                if i.role == "material"
            ]
        else:
            context = meeting_reports.meeting_context(meeting)
            self.agenda = [self._agenda_node(i) for i in context["agenda"]]
            self.attendees = [
                self._attendance_row(a)
                for _l, rows in context["attendance_groups"]
                for a in rows
            ]
            self.materials = [self._material_row(m) for m in context["materials"]]
            self.seats = [
                {
                    "side": str(seat["attendance"].get_seat_side_display()),
                    "title": seat["attendance"].title,
                    "name": self._seat_name(seat["attendance"]),
                }
                for seat in context["seating"]["seats"]
            ]

    @property
    def edition_fields(self) -> dict | None:
        e = self.edition
        if e is None:
            return None
        return {
            "number": e.number,
            "label": e.label,
            "summary": editions.edition_summary(e),
            "distributed_at": e.distributed_at.isoformat()
            if e.distributed_at
            else None,
            "packet_url": reverse(
                "meetings:edition_packet", args=[self.meeting.pk, e.number]
            ),
            "page_count": e.page_count,
            "sha256": e.sha256,
        }

    @staticmethod
    def _agenda_node(item) -> dict:
        return {
            "number": item.number,
            "title": item.display_title,
            "materials": list(item.material_labels),
            "children": [
                {
                    "number": sub.number,
                    "title": sub.display_title,
                    "materials": list(sub.material_labels),
                    "children": [],
                }
                for sub in item.subitems
            ],
        }

    @staticmethod
    def _seat_name(a: Attendance) -> str:
        # As the seat list prints it (meetings/_meeting_record.html).
        if a.mode == Attendance.Mode.PROXY:
            return f"{a.proxy_name}（代理）"
        return a.name

    @staticmethod
    def _attendance_row(a: Attendance) -> dict:
        return {
            "group": a.get_group_display(),
            "title": a.title,
            "name": a.name,
            "mode": a.mode,
            "proxy_title": a.proxy_title if a.mode == Attendance.Mode.PROXY else "",
            "proxy_name": a.proxy_name if a.mode == Attendance.Mode.PROXY else "",
        }

    def _material_row(self, m) -> dict:
        pk, series = self.meeting.pk, m.series
        kind = "material" if series == "main" else "reference"
        return {
            "label": m.label,
            "series": series,
            "number": m.number,
            "title": m.title,
            "department": m.department.name if m.department else "",
            "content": m.content,
            "page_url": reverse(f"meetings:{kind}_detail", args=[pk, m.number]),
            "pdf_url": reverse(f"meetings:{kind}_pdf", args=[pk, m.number]),
            "file_url": reverse(f"meetings:{kind}_file", args=[pk, m.number])
            if m.content == "pdf"
            else None,
            "replaced_in": None,
        }

    def _item_row(self, item) -> dict:
        pk, number, series = self.meeting.pk, self.edition.number, item.series or "main"
        kind = "material" if series == "main" else "reference"
        return {
            "label": item.label,
            "series": series,
            "number": item.number,
            "title": item.title,
            "department": item.department,
            "content": item.content,
            "page_url": reverse(
                f"meetings:edition_{kind}_detail", args=[pk, number, item.number]
            ),
            "pdf_url": reverse(
                f"meetings:edition_{kind}_pdf", args=[pk, number, item.number]
            ),
            "file_url": None,
            "replaced_in": item.replaced_in,
        }


def headquarters(user):
    return headquarters_of(user)


def parse_fiscal_year(value: str | None) -> int | None:
    """The year ``fy`` names (2021, 令和3年度, R3); None for none or ``all``;
    an ApiError (400, in Japanese) when it names no year."""
    value = (value or "").strip()
    if not value or value == listing.ALL:
        return None
    choice = listing.choose_fiscal_year(value, years=(), today=timezone.localdate())
    if choice.error:
        raise ApiError(
            400,
            _("年度（fy）が読み取れません：%(error)s") % {"error": choice.error},
            field="fy",
        )
    return choice.year


# --- Cooperation items ------------------------------------------------------------


def item_year_fields(y) -> dict:
    return {
        **fiscal_year_fields(y.fiscal_year),
        "status": y.status,
        "status_label": y.get_status_display(),
        "followup": y.followup,
    }


def item_fields(item) -> dict:
    """An item as the item list shows it (proposers, departments, targets and
    years prefetched by `for_listing`)."""
    from workitems import reports as item_reports

    responsibilities = list(item.responsibilities.all())
    return {
        "id": item.pk,
        "name": item.name,
        "short_name": item.short_name,
        "years": [
            item_year_fields(y)
            for y in sorted(item.years.all(), key=lambda y: y.fiscal_year)
        ],
        "proposers": [p.organization.name for p in item.proposals.all()],
        "targets_all": item.targets_all,
        "targets": [t.name for t in item.targets.all()],
        "departments": item_reports.department_label(responsibilities),
        "divisions": item_reports.division_names(responsibilities),
        "url": item.get_absolute_url(),
    }


def session_fields(s) -> dict:
    measure = s.measure
    return {
        "id": s.pk,
        "item_id": measure.item_id,
        "measure_id": measure.pk,
        "measure": str(measure),
        **fiscal_year_fields(s.fiscal_year),
        **when_fields(s),
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "planned": s.planned,
        "name": s.name,
        "topic": s.topic,
        "participants": [p.label for p in s.participants.all()],
        "participants_note": s.participants_note,
        "note": s.note,
    }


def measure_fields(m, *, item_name: str | None = None) -> dict:
    return {
        "id": m.pk,
        "item_id": m.item_id,
        "item": item_name if item_name is not None else m.item.name,
        "parent_id": m.parent_id,
        "code": m.code,
        "name": m.title,
        "department": m.department.name if m.department_id and m.department else "",
        "participation": m.participation,
        "wg_note": m.wg_note,
    }


def result_row_fields(row, *, table=None, item_year=None, item=None) -> dict:
    table = table or row.table
    item_year = item_year or table.item_year
    item = item or item_year.item
    return {
        "id": row.pk,
        "item_id": item.pk,
        "item": item.name,
        **fiscal_year_fields(item_year.fiscal_year),
        "table": table.title,
        "heading": row.heading,
        "label": row.label,
        "results": row.result_lines,
        "next_steps": row.next_lines,
        "results_heading": table.results_heading,
        "next_heading": table.next_heading_full,
    }


def _decimal(value) -> str | None:
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_fields(ind, *, item_year=None, item=None) -> dict:
    from workitems import reports as item_reports

    item_year = item_year or ind.item_year
    item = item or item_year.item
    return {
        "id": ind.pk,
        "item_id": item.pk,
        "item": item.name,
        **fiscal_year_fields(item_year.fiscal_year),
        "name": ind.name,
        "unit": ind.unit,
        "value": _decimal(ind.value),
        "value_label": ind.value_label,
        "rank": ind.rank,
        "rank_scope": ind.rank_scope,
        **date_fields("as_of", ind.as_of),
        "baseline_value": _decimal(ind.baseline_value),
        "baseline_label": ind.baseline_label_text,
        **date_fields("baseline_as_of", ind.baseline_as_of),
        "phrase": item_reports.indicator_phrase(ind),
        "note": ind.note,
    }


# --- Vaccination -----------------------------------------------------------------


def notice_fields(n) -> dict:
    return {
        "id": n.pk,
        **date_fields("date", n.date),
        "issuer": n.issuer,
        "title": n.title,
        "addressee": n.addressee,
        "heading": n.heading,
        "summary": n.summary_lines,
        "note": n.note,
    }


def rule_fields(rule, group) -> dict:
    return {
        "id": rule.pk,
        "group": group.name,
        "group_code": group.code,
        "kind": rule.kind,
        "kind_label": rule.get_kind_display(),
        "interval_months": rule.interval_months,
        **date_fields("effective_from", rule.effective_from, weekday=True),
        **date_fields("effective_to", rule.effective_to, weekday=True),
        "notice_id": rule.notice_id,
        "notice": rule.notice.title,
        **date_fields("notice_date", rule.notice.date),
        "condition": rule.condition,
    }
