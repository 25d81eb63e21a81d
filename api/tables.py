"""Every table of the portal's pages, as rows to take away (CSV and JSON).

A table has a name (its address, /export/<name>.csv), a Japanese title (its
file name), its columns (key and Japanese heading) and a function that reads
its rows as the page does: the same querysets, the same filters from the
query string (``fy`` …), every row of the filter rather than one page of it.
Tables of one record name it in the query string (``?pk=12``, ``?code=162019``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from api import reads
from api.errors import ApiError
from onechamber import jdates, listing

Rows = list[dict]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[tuple[str, str], ...]
    read: Callable[..., tuple[str, Rows]]  # (request, **params) -> (subject, rows)
    params: tuple[str, ...] = ()  # what names the record: pk, code, fiscal_year
    optional: tuple[str, ...] = ()  # edition: a meeting's past edition
    # Filters of the page that the export keeps (the page's query string).
    filters: tuple[str, ...] = field(default=())

    @property
    def keys(self) -> list[str]:
        return [key for key, _label in self.columns]

    @property
    def headings(self) -> list[str]:
        return [label for _key, label in self.columns]


registry: dict[str, Table] = {}


def table(name, title, columns, *, params=(), filters=(), optional=()):
    def register(read):
        registry[name] = Table(
            name,
            title,
            tuple(columns),
            read,
            params=params,
            optional=optional,
            filters=filters,
        )
        return read

    return register


def read_params(table: Table, query) -> dict:
    """The record a table of one record names, from the query string; 400 for
    a missing or malformed one (its existence is the reader's 404)."""
    out = {}
    for name in (*table.params, *table.optional):
        value = (query.get(name) or "").strip()
        if not value and name in table.optional:
            continue
        if not value:
            raise ApiError(
                400, _("%(name)s を指定してください。") % {"name": name}, field=name
            )
        if name in ("pk", "fiscal_year", "edition"):
            if not value.isascii() or not value.isdigit() or len(value) > 9:
                raise ApiError(
                    400,
                    _("%(name)s は数字で指定してください。") % {"name": name},
                    field=name,
                )
            out[name] = int(value)
        else:
            out[name] = value[:20]
    return out


fiscal_year_of = reads.parse_fiscal_year


def _today():
    return timezone.localdate()


def _wareki(d, *, weekday=False) -> str:
    return jdates.wareki(d, with_weekday=weekday) if d else ""


def _iso(d) -> str:
    return d.isoformat() if d else ""


def _lines(lines) -> str:
    return "\n".join(lines)


# --- Meetings ----------------------------------------------------------------------


@table(
    "meetings",
    _("会議の一覧"),
    [
        ("fiscal_year", _("年度")),
        ("fiscal_year_label", _("年度（和暦）")),
        ("title", _("会議")),
        ("date", _("開催日")),
        ("when_label", _("日時（和暦）")),
        ("format", _("開催形式")),
        ("status", _("状態")),
        ("url", _("URL")),
    ],
    filters=("fy",),
)
def meetings(request):
    """The meeting list: the page's year (this one by default), all its pages."""
    user = request.user
    fy = listing.choose_fiscal_year(
        request.GET.get("fy"), years=reads.meeting_years(user), today=_today()
    )
    if fy.error:
        raise ApiError(400, fy.error, field="fy")
    rows = reads.visible_meetings(user)
    if fy.year is not None:
        rows = rows.filter(fiscal_year=fy.year)
    return fy.label, [
        {
            "fiscal_year": m.fiscal_year,
            "fiscal_year_label": m.fiscal_year_label,
            "title": m.short_title,
            "date": _iso(m.date or m.approx_month),
            "when_label": m.when_label,
            "format": m.get_format_display(),
            "status": m.get_status_display(),
            "url": m.get_absolute_url(),
        }
        for m in rows
    ]


def _record(request, pk, edition=None):
    return reads.MeetingRecord(
        reads.get_meeting(request.user, pk), edition_number=edition
    )


@table(
    "meeting-agenda",
    _("次第"),
    [
        ("number", _("番号")),
        ("sub_number", _("小項目")),
        ("title", _("項目")),
        ("materials", _("資料")),
    ],
    params=("pk",),
    optional=("edition",),
)
def meeting_agenda(request, pk, edition=None):
    record = _record(request, pk, edition)
    rows = []
    for node in record.agenda:
        for n in (node, *node["children"]):
            rows.append(
                {
                    "number": node["number"],
                    "sub_number": n["number"] if n is not node else "",
                    "title": n["title"],
                    "materials": "、".join(n["materials"]),
                }
            )
    return record.meeting.name, rows


@table(
    "meeting-materials",
    _("配付資料"),
    [
        ("label", _("資料")),
        ("title", _("表題")),
        ("department", _("提出部局")),
        ("replaced_in", _("差し替えた版")),
        ("page_url", _("ページのURL")),
        ("pdf_url", _("PDFのURL")),
    ],
    params=("pk",),
    optional=("edition",),
)
def meeting_materials(request, pk, edition=None):
    record = _record(request, pk, edition)
    base = request.build_absolute_uri("/")[:-1]
    return record.meeting.name, [
        {
            "label": m["label"],
            "title": m["title"],
            "department": m["department"],
            "replaced_in": _("第%(n)d版") % {"n": m["replaced_in"]}
            if m["replaced_in"]
            else "",
            "page_url": base + m["page_url"],
            "pdf_url": base + m["pdf_url"],
        }
        for m in record.materials
    ]


ATTENDEE_MODES = {
    "present": _("出席"),
    "online": _("WEB出席"),
    "proxy": _("代理出席"),
    "absent": _("欠席"),
}


@table(
    "meeting-attendees",
    _("出席者"),
    [
        ("group", _("区分")),
        ("title", _("職名")),
        ("name", _("氏名")),
        ("mode", _("出席の形")),
        ("proxy", _("代理出席者")),
    ],
    params=("pk",),
    optional=("edition",),
)
def meeting_attendees(request, pk, edition=None):
    record = _record(request, pk, edition)
    return record.meeting.name, [
        {
            "group": a["group"],
            "title": a["title"],
            "name": a["name"],
            "mode": str(ATTENDEE_MODES.get(a["mode"], "")),
            "proxy": f"{a['proxy_title']} {a['proxy_name']}".strip(),
        }
        for a in record.attendees
    ]


@table(
    "meeting-seats",
    _("席の一覧"),
    [("side", _("位置")), ("title", _("職名")), ("name", _("氏名"))],
    params=("pk",),
    optional=("edition",),
)
def meeting_seats(request, pk, edition=None):
    record = _record(request, pk, edition)
    return record.meeting.name, record.seats


# --- Municipalities -------------------------------------------------------------------


def _municipality(request, code):
    from meetings.models import Organization

    return get_object_or_404(
        Organization.objects.for_headquarters(
            reads.headquarters(request.user)
        ).local_governments(),
        code=code,
    )


@table(
    "municipality-members",
    _("本部の構成員"),
    [
        ("position", _("職")),
        ("name", _("氏名")),
        ("start", _("在任開始日")),
        ("start_label", _("在任開始日（和暦）")),
        ("end", _("在任終了日")),
        ("end_label", _("在任終了日（和暦）")),
    ],
    params=("code",),
)
def municipality_members(request, code):
    from meetings import reports as meeting_reports

    org = _municipality(request, code)
    rows = []
    for position in meeting_reports.positions_with_tenures(org):
        tenures = list(position.tenures.all())
        for t in tenures:
            rows.append(
                {
                    "position": position.title,
                    "name": t.person.name,
                    "start": _iso(t.start),
                    "start_label": _wareki(t.start),
                    "end": _iso(t.end),
                    "end_label": _wareki(t.end),
                }
            )
        if not tenures:
            rows.append(
                {"position": position.title, "name": _("（登録なし）")}
                | dict.fromkeys(("start", "start_label", "end", "end_label"), "")
            )
    return org.name, rows


@table(
    "municipality-meetings",
    _("出席した会議"),
    [
        ("title", _("会議")),
        ("fiscal_year_label", _("年度")),
        ("date", _("開催日")),
        ("when_label", _("日時（和暦）")),
        ("url", _("URL")),
    ],
    params=("code",),
)
def municipality_meetings(request, code):
    from meetings.views import attended_meetings, meeting_year

    org = _municipality(request, code)
    # As the page lists them: its year (`fy`), latest first.
    attended = attended_meetings(request.user, org, meeting_year(request))
    return org.name, [
        {
            "title": m.short_title,
            "fiscal_year_label": m.fiscal_year_label,
            "date": _iso(m.date or m.approx_month),
            "when_label": m.when_label,
            "url": m.get_absolute_url(),
        }
        for m in attended
    ]


@table(
    "municipality-items",
    _("関係する連携推進項目"),
    [
        ("item", _("連携推進項目")),
        ("relation", _("関わり")),
        ("measures", _("参加する施策")),
        ("url", _("URL")),
    ],
    params=("code",),
)
def municipality_items(request, code):
    from meetings.views import meeting_year
    from workitems.sections import concerning_items, proposed_items

    org = _municipality(request, code)
    year = meeting_year(request).year  # the page's year
    proposed = set(proposed_items(org, year).values_list("pk", flat=True))
    concerning = concerning_items(org, year)
    rows = []
    for item in concerning:
        relation = []
        if item.pk in proposed:
            relation.append(_("提案"))
        if item.targets_all:
            relation.append(_("全市町村対象"))
        rows.append(
            {
                "item": item.name,
                "relation": "、".join(str(r) for r in relation) or _("参加・対象"),
                "measures": "、".join(
                    f"{m.code} {m.title}".strip() for m in item.joined_measures
                ),
                "url": item.get_absolute_url(),
            }
        )
    return org.name, rows


@table(
    "municipality-rules",
    _("市町村の接種間隔の適用開始日"),
    [
        ("group", _("対象")),
        ("interval", _("間隔")),
        ("national_from", _("国の適用開始日")),
        ("national_from_label", _("国の適用開始日（和暦）")),
        ("own_from", _("市町村の適用開始日")),
        ("own_from_label", _("市町村の適用開始日（和暦）")),
        ("note", _("備考")),
    ],
    params=("code",),
)
def municipality_rules(request, code):
    from vaccination.models import MunicipalRuleDate

    org = _municipality(request, code)
    dates = MunicipalRuleDate.objects.filter(organization=org).select_related(
        "rule__group", "rule__notice"
    )
    return org.name, [
        {
            "group": d.rule.group.name,
            "interval": _("%(n)dか月") % {"n": d.rule.interval_months},
            "national_from": _iso(d.rule.effective_from),
            "national_from_label": _wareki(d.rule.effective_from, weekday=True),
            "own_from": _iso(d.effective_from),
            "own_from_label": _wareki(d.effective_from, weekday=True),
            "note": d.note,
        }
        for d in dates
    ]


# --- Cooperation items -----------------------------------------------------------------


@table(
    "items",
    _("連携推進項目"),
    [
        ("name", _("連携推進項目")),
        ("years", _("年度ごとの状態")),
        ("proposers", _("提案市町村")),
        ("departments", _("担当部局")),
        ("divisions", _("担当課")),
        ("targets", _("対象市町村")),
        ("url", _("URL")),
    ],
    filters=("fy", "status", "department", "municipality"),
)
def items(request):
    """The item list as its filters give it (the page's default year too)."""
    from workitems import reports as item_reports
    from workitems.models import ItemYear, WorkItem
    from workitems.views import ItemFilterForm, _item_years

    hq = reads.headquarters(request.user)
    years = _item_years(hq)
    data = request.GET.copy()
    shown = listing.choose_fiscal_year(None, years=years, today=_today())
    if data.get("fy") and data["fy"] != listing.ALL:
        data["fy"] = str(fiscal_year_of(data["fy"]))
    if not data.get("fy"):
        data["fy"] = shown.value if years else listing.ALL
    form = ItemFilterForm(data, headquarters=hq, years=years)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        raise ApiError(400, message)
    found = WorkItem.objects.for_headquarters(hq).for_listing()
    fy, status = form.cleaned_data.get("fy"), form.cleaned_data.get("status")
    item_years = ItemYear.objects.all()
    if fy:
        item_years = item_years.filter(fiscal_year=fy)
    if status:
        item_years = item_years.filter(status=status)
    if fy or status:
        found = found.filter(pk__in=item_years.values("item_id"))
    if form.cleaned_data.get("department"):
        found = found.for_department(form.cleaned_data["department"])
    if form.cleaned_data.get("municipality"):
        found = found.concerning(form.cleaned_data["municipality"])
    rows = []
    for item in found:
        responsibilities = list(item.responsibilities.all())
        rows.append(
            {
                "name": item.name,
                "years": "、".join(
                    f"{jdates.fiscal_year_short(y.fiscal_year)} {y.get_status_display()}"
                    for y in sorted(item.years.all(), key=lambda y: y.fiscal_year)
                ),
                "proposers": "、".join(
                    p.organization.name for p in item.proposals.all()
                ),
                "departments": "、".join(
                    item_reports.department_label(responsibilities)
                ),
                "divisions": "、".join(item_reports.division_names(responsibilities)),
                "targets": _("全市町村")
                if item.targets_all
                else "、".join(t.name for t in item.targets.all()),
                "url": item.get_absolute_url(),
            }
        )
    return (jdates.fiscal_year_label(fy) if fy else _("すべての年度")), rows


def _item(request, pk):
    from workitems.models import WorkItem

    return get_object_or_404(
        WorkItem.objects.for_headquarters(reads.headquarters(request.user)), pk=pk
    )


@table(
    "item-years",
    _("年度ごとの状態"),
    [
        ("fiscal_year", _("年度")),
        ("fiscal_year_label", _("年度（和暦）")),
        ("status", _("状態")),
        ("followup", _("その後の進行管理")),
        ("merged_into", _("統合先の項目")),
    ],
    params=("pk",),
)
def item_years(request, pk):
    from workitems.models import ItemYear

    item = _item(request, pk)
    years = ItemYear.objects.filter(item=item).select_related("merged_into")
    return item.name, [
        {
            "fiscal_year": y.fiscal_year,
            "fiscal_year_label": y.fiscal_year_label,
            "status": y.get_status_display(),
            "followup": y.followup,
            "merged_into": y.merged_into.name if y.merged_into else "",
        }
        for y in years.order_by("fiscal_year")
    ]


@table(
    "item-sessions",
    _("施策・WG区分と開催状況"),
    [
        ("measure", _("施策・WG区分")),
        ("date", _("開催日")),
        ("when_label", _("開催日（和暦）")),
        ("planned", _("予定")),
        ("kind", _("種類")),
        ("name", _("会議名")),
        ("topic", _("協議の内容")),
        ("participants", _("参加団体")),
        ("note", _("備考")),
    ],
    params=("pk",),
)
def item_sessions(request, pk):
    """The item page's timeline: each measure's sessions, sub-measures after."""
    from workitems import reports as item_reports
    from workitems.models import WorkItem

    item = get_object_or_404(
        WorkItem.objects.for_headquarters(
            reads.headquarters(request.user)
        ).prefetch_related(item_reports.timeline_prefetch()),
        pk=pk,
    )
    rows = []

    def add(measure, sessions):
        for s in sessions:
            participants = [p.label for p in s.participants.all()]
            if s.participants_note:
                participants.append(s.participants_note)
            rows.append(
                {
                    "measure": str(measure),
                    "date": _iso(s.date or s.approx_month),
                    "when_label": s.when.label,
                    "planned": _("予定") if s.planned else "",
                    "kind": s.get_kind_display(),
                    "name": s.name,
                    "topic": s.topic,
                    "participants": "、".join(participants),
                    "note": s.note,
                }
            )

    for m in item.top_measures:
        add(m, m.sessions.all())
        for child in m.children.all():
            add(child, child.sessions.all())
    return item.name, rows


def _sheets(item):
    """The item page's result sheets (years not concluded), as it builds them."""
    from workitems import reports as item_reports
    from workitems.models import ItemYear

    years = list(
        ItemYear.objects.filter(item=item)
        .select_related("merged_into", "item")
        .prefetch_related(*item_reports.sheet_prefetches())
        .order_by("fiscal_year")
    )
    return [y for y in years if y.status != ItemYear.Status.CONCLUDED]


@table(
    "item-results",
    _("取り組み結果"),
    [
        ("fiscal_year_label", _("年度")),
        ("table", _("表")),
        ("heading", _("見出し")),
        ("label", _("項目")),
        ("results", _("取り組み成果")),
        ("next_steps", _("次年度以降の取り組み")),
    ],
    params=("pk",),
)
def item_results(request, pk):
    item = _item(request, pk)
    rows = []
    for year in _sheets(item):
        for t in year.result_tables.all():
            for r in t.rows.all():
                rows.append(
                    {
                        "fiscal_year_label": year.fiscal_year_label,
                        "table": t.title,
                        "heading": r.heading,
                        "label": r.label,
                        "results": _lines(r.result_lines),
                        "next_steps": _lines(r.next_lines),
                    }
                )
    return item.name, rows


@table(
    "item-indicators",
    _("指標"),
    [
        ("fiscal_year_label", _("年度")),
        ("name", _("指標名")),
        ("value", _("値")),
        ("as_of", _("時点")),
        ("as_of_label", _("時点（和暦）")),
        ("baseline", _("基準値")),
        ("phrase", _("推移")),
        ("note", _("注記")),
    ],
    params=("pk",),
)
def item_indicators(request, pk):
    from workitems import reports as item_reports

    item = _item(request, pk)
    rows = []
    for year in _sheets(item):
        for ind in year.indicators.all():
            rows.append(
                {
                    "fiscal_year_label": year.fiscal_year_label,
                    "name": ind.name,
                    "value": ind.value_label,
                    "as_of": _iso(ind.as_of),
                    "as_of_label": _wareki(ind.as_of),
                    "baseline": ind.baseline_label_text,
                    "phrase": item_reports.indicator_phrase(ind),
                    "note": ind.note,
                }
            )
    return item.name, rows


@table(
    "item-trainings",
    _("研修の開催"),
    [
        ("fiscal_year_label", _("年度")),
        ("highlight", _("連携項目名(施策)")),
        ("date", _("開催日")),
        ("when_label", _("開催日（和暦）")),
        ("name", _("テーマ")),
    ],
    params=("pk",),
)
def item_trainings(request, pk):
    """The trainings table of the item's highlights (主な取り組み実績と成果)."""
    item = _item(request, pk)
    rows = []
    for year in _sheets(item):
        for h in year.highlights.all():
            for s in getattr(h.measure, "trainings", []) if h.measure_id else []:
                rows.append(
                    {
                        "fiscal_year_label": year.fiscal_year_label,
                        "highlight": h.title,
                        "date": _iso(s.date or s.approx_month),
                        "when_label": s.when.label,
                        "name": s.name,
                    }
                )
    return item.name, rows


def wg_status_rows(hq, year: int | None) -> Rows:
    """The WG-status table, a row per measure (the item's cells repeated); the
    latest year of WG sessions when `year` is None, as the page opens."""
    from workitems import reports as item_reports
    from workitems.models import Session

    if year is None:
        year = Session.objects.for_headquarters(hq).aggregate(fy=Max("fiscal_year"))[
            "fy"
        ]
    if year is None:
        return []
    context = item_reports.wg_status_context(year, headquarters=hq)
    return [
        {
            **reads.fiscal_year_fields(year),
            "item_id": row["item"].pk,
            "item": row["item"].name,
            "proposers": row["proposers"],
            "measure": m["cell"],
            "department": m["department"]
            if row["per_measure_department"]
            else "、".join(row["departments"]),
            "sessions": m["sessions"],
        }
        for row in context["rows"]
        for m in row["measures"]
    ]


@table(
    "wg-status",
    _("WG開催状況"),
    [
        ("fiscal_year_label", _("年度")),
        ("item", _("連携項目名")),
        ("proposers", _("提案市町村")),
        ("measure", _("WG設置区分")),
        ("department", _("担当部局")),
        ("sessions", _("WG開催状況")),
    ],
    filters=("fy",),
)
def wg_status(request):
    hq = reads.headquarters(request.user)
    from workitems.views import wg_year

    # The page's year: its `fy`, else this one or the latest with sessions.
    rows = wg_status_rows(hq, wg_year(request, hq).year)
    for row in rows:
        row["proposers"] = "、".join(row["proposers"])
        row["measure"] = _lines(row["measure"])
        row["sessions"] = _lines(row["sessions"])
    subject = rows[0]["fiscal_year_label"] if rows else ""
    return subject, rows


@table(
    "schedule",
    _("年間スケジュール"),
    [
        ("fiscal_year_label", _("年度")),
        ("when", _("日程")),
        ("text", _("内容")),
        ("agenda", _("議題")),
        ("note", _("備考")),
    ],
)
def schedule(request):
    from workitems import reports as item_reports
    from workitems.views import schedule_page_meetings, schedule_year

    user = request.user
    # The page's year (`fy`, else this one or the latest with meetings), all
    # its meetings.
    context = item_reports.schedule_context(
        user,
        years=[],
        current_year=jdates.fiscal_year(_today()),
        meetings=schedule_page_meetings(user, schedule_year(request)),
    )
    return "", [
        {
            "fiscal_year_label": y["label"],
            "when": r["when"],
            "text": r["text"],
            "agenda": _lines(r["agenda"]),
            "note": r["note"],
        }
        for y in context["years"]
        for r in y["rows"]
    ]


@table(
    "plan-items",
    _("年度の協議事項"),
    [
        ("number", _("番号")),
        ("item", _("連携推進項目")),
        ("origin", _("区分")),
        ("proposers", _("提案市町村")),
        ("targets", _("対象市町村")),
        ("divisions", _("県担当課")),
    ],
    params=("fiscal_year",),
)
def plan_items(request, fiscal_year):
    from workitems import reports as item_reports
    from workitems.models import FiscalYearPlan

    plan = get_object_or_404(
        FiscalYearPlan.objects.for_headquarters(reads.headquarters(request.user)),
        fiscal_year=fiscal_year,
    )
    context = item_reports.plan_context(
        fiscal_year, plan, headquarters=plan.headquarters_id
    )
    return context["fiscal_year_label"], [
        {
            "number": n,
            "item": e["item"].name,
            "origin": e["origin"],
            "proposers": "、".join(e["proposers"]),
            "targets": e["targets"],
            "divisions": "、".join(e["divisions"]),
        }
        for n, e in enumerate(context["entries"], start=1)
    ]


# --- Vaccination ---------------------------------------------------------------------


@table(
    "vaccination-rules",
    _("接種間隔の規則"),
    [
        ("group", _("対象")),
        ("kind", _("種別")),
        ("interval", _("間隔")),
        ("effective_from", _("適用開始日")),
        ("effective_from_label", _("適用開始日（和暦）")),
        ("effective_to", _("適用終了日")),
        ("effective_to_label", _("適用終了日（和暦）")),
        ("notice", _("事務連絡")),
        ("condition", _("条件")),
    ],
    filters=("fy",),
)
def vaccination_rules(request):
    """The rules of the page's year (that of their 事務連絡)."""
    from vaccination import reports as vaccination_reports

    hq = reads.headquarters(request.user)
    fy = _notice_year(request, hq)
    groups = vaccination_reports.groups_with_rules(headquarters=hq, fiscal_year=fy.year)
    return fy.label, [
        {
            "group": g.name,
            "kind": r.get_kind_display(),
            "interval": _("%(n)dか月") % {"n": r.interval_months},
            "effective_from": _iso(r.effective_from),
            "effective_from_label": _wareki(r.effective_from, weekday=True),
            "effective_to": _iso(r.effective_to),
            "effective_to_label": _wareki(r.effective_to, weekday=True),
            "notice": f"{_wareki(r.notice.date)}付 {r.notice.title}",
            "condition": r.condition,
        }
        for g in groups
        for r in g.rule_list
    ]


@table(
    "vaccination-periods",
    _("対象ごとの推移"),
    [
        ("group", _("対象")),
        ("start", _("開始日")),
        ("start_label", _("開始日（和暦）")),
        ("end", _("終了日")),
        ("end_label", _("終了日（和暦）")),
        ("interval", _("接種間隔")),
        ("floor", _("有効の下限")),
        ("notice", _("根拠の事務連絡")),
    ],
    filters=("fy",),
)
def vaccination_periods(request):
    from vaccination import reports as vaccination_reports

    hq = reads.headquarters(request.user)
    fy = _notice_year(request, hq)
    groups = vaccination_reports.groups_with_rules(headquarters=hq, fiscal_year=fy.year)
    return fy.label, [
        {
            "group": g.name,
            "start": _iso(p.start),
            "start_label": _wareki(p.start, weekday=True),
            "end": _iso(p.end),
            "end_label": _wareki(p.end, weekday=True),
            "interval": _("%(n)dか月") % {"n": p.rule.interval_months},
            "floor": _("%(n)dか月") % {"n": p.floor.interval_months} if p.floor else "",
            "notice": f"{_wareki(p.rule.notice.date)}付 {p.rule.notice.title}",
        }
        for g in groups
        for p in g.periods
    ]


def _notice_year(request, hq):
    """The year of the vaccination page (its 事務連絡's), as the page reads it;
    400 for one that is not a year."""
    from vaccination import reports as vaccination_reports

    fy = vaccination_reports.notice_year(
        request.GET.get("fy"), headquarters=hq, today=_today()
    )
    if fy.error:
        raise ApiError(400, fy.error, field="fy")
    return fy


def _grid(request):
    from vaccination import reports as vaccination_reports

    return vaccination_reports.booster_grid(
        headquarters=reads.headquarters(request.user)
    )


@table(
    "vaccination-grid",
    _("前倒しの表"),
    [
        ("category", _("区分")),
        ("label", _("細区分")),
        ("column", _("追加接種のタイミング")),
        ("second_dose", _("2回目接種時期")),
        ("text", _("表示")),
        ("advance_months", _("前倒し（か月）")),
        ("eligible_from", _("規則から求めた接種可能日（最初）")),
        ("eligible_to", _("規則から求めた接種可能日（最後）")),
    ],
)
def vaccination_grid(request):
    """The grid and its computed days, a row per (row, column) cell."""
    grid = _grid(request)
    rows = []
    for row in grid["rows"]:
        for column, cell, span in zip(
            grid["columns"], row.cell_list, row.computed, strict=True
        ):
            rows.append(
                {
                    "category": row.category,
                    "label": row.label,
                    "column": column.label,
                    "second_dose": column.second_dose_label,
                    "text": cell.text if cell else "",
                    "advance_months": cell.advance_months if cell else "",
                    "eligible_from": jdates.wareki_short(span[0]) if span else "",
                    "eligible_to": jdates.wareki_short(span[1]) if span else "",
                }
            )
    return "", rows


@table(
    "vaccination-notices",
    _("事務連絡"),
    [
        ("date", _("日付")),
        ("date_label", _("日付（和暦）")),
        ("issuer", _("発出元")),
        ("title", _("件名")),
        ("addressee", _("宛先")),
    ],
    filters=("fy",),
)
def vaccination_notices(request):
    from vaccination.models import Notice

    hq = reads.headquarters(request.user)
    fy = _notice_year(request, hq)
    notices = Notice.objects.for_headquarters(hq).filter(
        listing.in_fiscal_year("date", fy.year)
    )
    return fy.label, [
        {
            "date": _iso(n.date),
            "date_label": _wareki(n.date, weekday=True),
            "issuer": n.issuer,
            "title": n.title,
            "addressee": n.addressee,
        }
        for n in notices
    ]


@table(
    "vaccination-venues",
    _("県特設会場の日程"),
    [
        ("plan", _("日程")),
        ("opening_date", _("設置日")),
        ("area", _("会場区分")),
        ("venue", _("施設名")),
        ("date", _("接種日")),
        ("date_label", _("接種日（和暦）")),
        ("day_kind", _("曜日の区分")),
        ("added", _("追加")),
        ("target_note", _("対象の注記")),
    ],
    filters=("fy",),
)
def vaccination_venues(request):
    from vaccination import reports as vaccination_reports

    hq = reads.headquarters(request.user)
    fy = vaccination_reports.venue_year(
        request.GET.get("fy"), headquarters=hq, today=_today()
    )
    if fy.error:
        raise ApiError(400, fy.error, field="fy")
    plans = vaccination_reports.venue_plans(headquarters=hq, fiscal_year=fy.year)
    return fy.label, [
        {
            "plan": plan.title,
            "opening_date": _iso(plan.opening_date),
            "area": venue.area,
            "venue": venue.name,
            "date": _iso(d.date),
            "date_label": _wareki(d.date, weekday=True),
            "day_kind": d.day_kind,
            "added": _("追加") if d.added else "",
            "target_note": d.target_note,
        }
        for plan in plans
        for venue, dates in plan.venue_rows
        for d in dates
    ]


def get(name: str) -> Table:
    try:
        return registry[name]
    except KeyError:
        raise Http404 from None
