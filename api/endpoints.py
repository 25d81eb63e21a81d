"""The read-only JSON API under /api/ (django-ninja): the portal's data, to the
accounts that may see it on the pages, from the same querysets.

Every list is in pages (api.pagination) and takes ``fy`` (2021, 令和3年度, R3,
all) where the page it mirrors has a 年度; every error is a JSON answer in
Japanese (api.errors), never a server error.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import paginate

from api import reads, schemas
from api.auth import TokenOrSession
from api.errors import ApiError, error_response, validation_message
from api.pagination import Mapped, Pages
from meetings.models import Organization
from onechamber import jdates
from onechamber.forms import clean_year

DESCRIPTION = (
    "「ワンチームとやま」連携推進本部ポータルのデータを読むためのAPIです（読み取り専用）。"
    "認証はAPIトークン（Authorization: Bearer …）か、ログイン中のブラウザのセッションです。"
    "日付はISO 8601と和暦の表記（*_label）を並べて返します。"
)

api = NinjaAPI(
    title="onechamber API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenOrSession(),
    docs_url=None,
    openapi_url="/openapi.json",
)


# --- Errors -------------------------------------------------------------------


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(exc.status, {exc.field: [exc.message]})


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field, message = validation_message(error)
        errors.setdefault(field, []).append(message)
    return error_response(400, errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = error_response(
        401,
        {
            "__all__": [
                _(
                    "認証が必要です。有効なAPIトークンを「Authorization: Bearer "
                    "トークン」で送るか、ポータルにログインしてください。"
                )
            ]
        },
    )
    response["WWW-Authenticate"] = 'Bearer realm="onechamber"'
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(404, {"__all__": [_("見つかりません。")]})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return error_response(exc.status_code, {"__all__": [str(exc)]})


# --- Filters ------------------------------------------------------------------


class YearFilter(Schema):
    fy: str | None = None


fiscal_year = reads.parse_fiscal_year


def _hq(request):
    return reads.headquarters(request.auth)


def _user(request):
    return request.auth


# --- Meetings -----------------------------------------------------------------


@api.get(
    "/meetings/",
    response=list[schemas.Meeting],
    tags=["会議"],
    summary="会議の一覧",
)
@paginate(Pages)
def meeting_list(request, filters: Query[YearFilter]):
    """見られる会議（会議の一覧のページと同じ）。fy で年度を絞り込みます。"""
    meetings = reads.visible_meetings(_user(request))
    year = fiscal_year(filters.fy)
    if year is not None:
        meetings = meetings.filter(fiscal_year=year)
    return Mapped(meetings, reads.meeting_fields)


class EditionFilter(Schema):
    edition: int | None = Field(
        None, ge=1, le=10_000, description="過去の配付版の番号（既定は現在の版）"
    )


def _record(request, pk: int, edition: int | None = None) -> reads.MeetingRecord:
    return reads.MeetingRecord(
        reads.get_meeting(_user(request), pk), edition_number=edition
    )


@api.get(
    "/meetings/{int:pk}/",
    response=schemas.MeetingDetail,
    tags=["会議"],
    summary="会議（次第・配付資料・出席者）",
)
def meeting_detail(request, pk: int, filters: Query[EditionFilter]):
    """会議のページと同じ内容：配付済みなら現在の版の内容、未配付なら今のデータ。"""
    record = _record(request, pk, filters.edition)
    return {
        **reads.meeting_fields(record.meeting),
        "edition": record.edition_fields,
        "agenda": record.agenda,
        "materials": record.materials,
        "attendees": record.attendees,
    }


@api.get(
    "/meetings/{int:pk}/agenda/",
    response=list[schemas.AgendaItem],
    tags=["会議"],
    summary="会議の次第",
)
def meeting_agenda(request, pk: int, filters: Query[EditionFilter]):
    return _record(request, pk, filters.edition).agenda


@api.get(
    "/meetings/{int:pk}/materials/",
    response=list[schemas.MaterialRow],
    tags=["会議"],
    summary="会議の配付資料（PDFのURL付き）",
)
def meeting_materials(request, pk: int, filters: Query[EditionFilter]):
    return _record(request, pk, filters.edition).materials


@api.get(
    "/meetings/{int:pk}/attendees/",
    response=list[schemas.Attendee],
    tags=["会議"],
    summary="会議の出席者",
)
def meeting_attendees(request, pk: int, filters: Query[EditionFilter]):
    return _record(request, pk, filters.edition).attendees


@api.get(
    "/schedule/",
    response=list[schemas.ScheduleRow],
    tags=["会議"],
    summary="年間スケジュール",
)
@paginate(Pages)
def schedule(request, filters: Query[YearFilter]):
    """年間スケジュールのページの表の行（会議ごと）。"""
    from workitems import reports as item_reports

    user = _user(request)
    years = sorted(set(reads.meeting_years(user)))
    year = fiscal_year(filters.fy)
    if year is not None:
        years = [y for y in years if y == year]
    context = item_reports.schedule_context(
        user, years=years, current_year=jdates.fiscal_year(timezone.localdate())
    )
    return [
        {
            **reads.fiscal_year_fields(y["year"]),
            "meeting_id": r["meeting"].pk,
            "when": r["when"],
            "text": r["text"],
            "agenda": r["agenda"],
            "note": r["note"],
        }
        for y in context["years"]
        for r in y["rows"]
    ]


# --- Cooperation items -----------------------------------------------------------


class ItemFilter(Schema):
    fy: str | None = None
    status: str | None = None
    department: int | None = None
    municipality: str | None = None


def items_for(request, filters) -> object:
    """The items of the item list for these filters (all years when no fy)."""
    from workitems.models import ItemYear, WorkItem

    hq = _hq(request)
    items = WorkItem.objects.for_headquarters(hq).for_listing()
    year = fiscal_year(filters.fy)
    years = ItemYear.objects.all()
    if year is not None:
        years = years.filter(fiscal_year=year)
    if filters.status:
        if filters.status not in ItemYear.Status.values:
            raise ApiError(
                400,
                _("状態（status）は %(values)s のどれかで指定してください。")
                % {"values": "、".join(ItemYear.Status.values)},
                field="status",
            )
        years = years.filter(status=filters.status)
    if year is not None or filters.status:
        items = items.filter(pk__in=years.values("item_id"))
    if filters.department is not None:
        dept = Organization.objects.for_headquarters(hq).departments()
        org = dept.filter(pk=filters.department).first()
        if org is None:
            raise ApiError(400, _("その担当部局はありません。"), field="department")
        items = items.for_department(org)
    if filters.municipality:
        towns = Organization.objects.for_headquarters(hq).municipalities()
        org = towns.filter(code=filters.municipality).first()
        if org is None:
            raise ApiError(
                400,
                _("市町村（municipality）は全国地方公共団体コードで指定してください。"),
                field="municipality",
            )
        items = items.concerning(org)
    return items


@api.get(
    "/items/",
    response=list[schemas.Item],
    tags=["連携推進項目"],
    summary="連携推進項目の一覧",
)
@paginate(Pages)
def item_list(request, filters: Query[ItemFilter]):
    """連携推進項目の一覧のページと同じ絞り込み（fy・status・department・municipality）。"""
    return Mapped(items_for(request, filters), reads.item_fields)


def _sessions():
    from workitems.models import Session

    return Session.objects.select_related("measure").prefetch_related("participants")


@api.get(
    "/items/{int:pk}/",
    response=schemas.ItemDetail,
    tags=["連携推進項目"],
    summary="連携推進項目（施策・WG開催・取り組み結果・指標）",
)
def item_detail(request, pk: int):
    from meetings.models import Meeting
    from workitems.models import Indicator, ItemYear, Measure, ResultRow, WorkItem

    item = get_object_or_404(
        WorkItem.objects.for_headquarters(_hq(request)).for_listing(), pk=pk
    )
    measures = list(
        Measure.objects.filter(item=item, parent=None)
        .select_related("department")
        .prefetch_related(
            Prefetch("sessions", queryset=_sessions()),
            Prefetch(
                "children",
                queryset=Measure.objects.select_related("department").prefetch_related(
                    Prefetch("sessions", queryset=_sessions())
                ),
            ),
        )
    )

    def measure(m):
        return {
            **reads.measure_fields(m, item_name=item.name),
            "sessions": [reads.session_fields(s) for s in m.sessions.all()],
            "children": [measure(c) for c in m.children.all()]
            if m.parent_id is None
            else [],
        }

    years = {y.pk: y for y in ItemYear.objects.filter(item=item)}
    rows = ResultRow.objects.filter(table__item_year__item=item).select_related("table")
    indicators = Indicator.objects.filter(item_year__item=item)
    meetings = Meeting.objects.visible_to(_user(request)).filter(workitems=item)
    return {
        **reads.item_fields(item),
        "measures": [measure(m) for m in measures],
        "results": [
            reads.result_row_fields(
                r, table=r.table, item_year=years[r.table.item_year_id], item=item
            )
            for r in rows.order_by(
                "table__item_year__fiscal_year", "table__order", "order", "id"
            )
        ],
        "indicators": [
            reads.indicator_fields(i, item_year=years[i.item_year_id], item=item)
            for i in indicators.order_by("item_year__fiscal_year", "order", "id")
        ],
        "meetings": [
            reads.meeting_fields(m) for m in meetings.select_related("headquarters")
        ],
    }


class ItemYearFilter(Schema):
    fy: str | None = None
    item: int | None = None


@api.get(
    "/measures/",
    response=list[schemas.Measure],
    tags=["連携推進項目"],
    summary="施策・WG区分",
)
@paginate(Pages)
def measure_list(request, filters: Query[ItemYearFilter]):
    """施策・WG区分。fy はその年度に協議した項目の施策。"""
    from workitems.models import ItemYear, Measure

    measures = (
        Measure.objects.for_headquarters(_hq(request))
        .select_related("item", "department")
        .order_by("item__order", "item_id", "parent_id", "order", "id")
    )
    if filters.item is not None:
        measures = measures.filter(item_id=filters.item)
    year = fiscal_year(filters.fy)
    if year is not None:
        measures = measures.filter(
            item__in=ItemYear.objects.filter(fiscal_year=year).values("item_id")
        )
    return Mapped(measures, reads.measure_fields)


@api.get(
    "/sessions/",
    response=list[schemas.Session],
    tags=["連携推進項目"],
    summary="WG等の開催（予定を含む）",
)
@paginate(Pages)
def session_list(request, filters: Query[ItemYearFilter]):
    from workitems.models import Session

    sessions = (
        Session.objects.for_headquarters(_hq(request))
        .select_related("measure")
        .prefetch_related("participants")
        .order_by("fiscal_year", "measure__item__order", "measure_id", "order", "id")
    )
    if filters.item is not None:
        sessions = sessions.filter(measure__item_id=filters.item)
    year = fiscal_year(filters.fy)
    if year is not None:
        sessions = sessions.filter(fiscal_year=year)
    return Mapped(sessions, reads.session_fields)


@api.get(
    "/results/",
    response=list[schemas.ResultRow],
    tags=["連携推進項目"],
    summary="取り組み結果の行",
)
@paginate(Pages)
def result_list(request, filters: Query[ItemYearFilter]):
    from workitems.models import ResultRow

    rows = (
        ResultRow.objects.for_headquarters(_hq(request))
        .select_related("table__item_year__item")
        .order_by(
            "table__item_year__fiscal_year",
            "table__item_year__item__order",
            "table__item_year__item_id",
            "table__order",
            "table_id",
            "order",
            "id",
        )
    )
    if filters.item is not None:
        rows = rows.filter(table__item_year__item_id=filters.item)
    year = fiscal_year(filters.fy)
    if year is not None:
        rows = rows.filter(table__item_year__fiscal_year=year)
    return Mapped(rows, reads.result_row_fields)


@api.get(
    "/indicators/",
    response=list[schemas.Indicator],
    tags=["連携推進項目"],
    summary="指標",
)
@paginate(Pages)
def indicator_list(request, filters: Query[ItemYearFilter]):
    from workitems.models import Indicator

    indicators = (
        Indicator.objects.for_headquarters(_hq(request))
        .select_related("item_year__item")
        .order_by("item_year__fiscal_year", "item_year__item__order", "order", "id")
    )
    if filters.item is not None:
        indicators = indicators.filter(item_year__item_id=filters.item)
    year = fiscal_year(filters.fy)
    if year is not None:
        indicators = indicators.filter(item_year__fiscal_year=year)
    return Mapped(indicators, reads.indicator_fields)


@api.get(
    "/wg-status/",
    response=list[schemas.WgRow],
    tags=["連携推進項目"],
    summary="WG開催状況",
)
@paginate(Pages)
def wg_status(request, filters: Query[YearFilter]):
    """WG開催状況のページの表（施策ごとの行）。fy がなければ最新の年度。"""
    from api import tables

    year = fiscal_year(filters.fy)
    return tables.wg_status_rows(_hq(request), year)


def _plan_fields(plan) -> dict:
    return {
        **reads.fiscal_year_fields(plan.fiscal_year),
        "draft": plan.draft,
        "other_issues": plan.issue_lines,
        "url": plan.get_absolute_url(),
    }


@api.get(
    "/plans/",
    response=list[schemas.Plan],
    tags=["年度の協議事項"],
    summary="年度の協議事項",
)
@paginate(Pages)
def plan_list(request):
    from workitems.models import FiscalYearPlan

    plans = FiscalYearPlan.objects.for_headquarters(_hq(request)).order_by(
        "-fiscal_year"
    )
    return Mapped(plans, _plan_fields)


@api.get(
    "/plans/{int:fiscal_year}/",
    response=schemas.PlanDetail,
    tags=["年度の協議事項"],
    summary="ある年度の協議事項（選定した連携推進項目）",
)
def plan_detail(request, fiscal_year: int):
    from workitems import reports as item_reports
    from workitems.models import FiscalYearPlan

    try:
        fiscal_year = clean_year(fiscal_year)
    except DjangoValidationError as exc:  # a year no plan can have
        raise Http404 from exc
    plan = get_object_or_404(
        FiscalYearPlan.objects.for_headquarters(_hq(request)), fiscal_year=fiscal_year
    )
    context = item_reports.plan_context(
        fiscal_year, plan, headquarters=plan.headquarters_id
    )
    return {
        **_plan_fields(plan),
        "entries": [
            {
                "item_id": e["item"].pk,
                "item": e["item"].name,
                "status": e["year"].status,
                "status_label": e["year"].get_status_display(),
                "origin": e["origin"],
                "proposers": e["proposers"],
                "targets": e["targets"],
                "divisions": e["divisions"],
            }
            for e in context["entries"]
        ],
    }


# --- Vaccination ------------------------------------------------------------------


@api.get(
    "/notices/",
    response=list[schemas.Notice],
    tags=["ワクチン接種"],
    summary="事務連絡",
)
@paginate(Pages)
def notice_list(request):
    from vaccination.models import Notice

    return Mapped(Notice.objects.for_headquarters(_hq(request)), reads.notice_fields)


@api.get(
    "/rules/",
    response=list[schemas.Rule],
    tags=["ワクチン接種"],
    summary="接種間隔の規則",
)
@paginate(Pages)
def rule_list(request):
    """接種間隔のページの「接種間隔の規則」の表と同じ行・同じ順。"""
    from vaccination import reports as vaccination_reports

    groups = vaccination_reports.groups_with_rules(headquarters=_hq(request))
    return [reads.rule_fields(r, g) for g in groups for r in g.rule_list]


@api.get(
    "/venues/",
    response=list[schemas.Venue],
    tags=["ワクチン接種"],
    summary="県特設会場と接種日",
)
@paginate(Pages)
def venue_list(request):
    from vaccination import reports as vaccination_reports
    from vaccination.models import Venue

    hq = _hq(request)
    dates: dict[int, list[dict]] = {}
    for plan in vaccination_reports.venue_plans(headquarters=hq):
        for venue, days in plan.venue_rows:
            dates.setdefault(venue.pk, []).extend(
                {
                    **reads.date_fields("date", d.date, weekday=True),
                    "plan": plan.title,
                    "added": d.added,
                    "target_note": d.target_note,
                    "day_kind": d.day_kind,
                }
                for d in days
            )
    return [
        {"id": v.pk, "area": v.area, "name": v.name, "dates": dates.get(v.pk, [])}
        for v in Venue.objects.for_headquarters(hq)
    ]


def urls():
    """The API's URL patterns, each open to requests without a session: the
    API answers them itself (a token, or 401 in JSON) where the portal's
    login-required middleware would send a script to the login page."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace
