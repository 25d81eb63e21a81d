"""What the pages and the packet print: the WG-status table, result sheets,
highlights, the fiscal-year plan and the schedule, built from the data.

Table layout rules (rowspans, grouped dates) are plain functions on plain
objects; the `*_context` functions run the queries, each a fixed number of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import Prefetch

from meetings.models import Meeting, Organization
from onechamber import jdates
from workitems.models import (
    Highlight,
    Indicator,
    ItemYear,
    Measure,
    ResultTable,
    Session,
    WorkItem,
    organization_prefetches,
)

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"


# --- Plain rules ---------------------------------------------------------------


def session_token(session) -> str:
    """One date as the WG table writes it: ``9/1(3町村で協定締結)``, ``7/21 5市``."""
    text = session.when_label
    if session.participants_note and not session.name:
        text += f" {session.participants_note}"
    if session.note:
        text += f"({session.note})"
    return text


def _participant_suffix(topic: str, participants: list) -> str:
    # The topic often names its participants already (「氷見市と…の協議」).
    names = [
        p.label for p in participants if p.name not in topic and p.label not in topic
    ]
    return f"({'、'.join(names)})" if names else ""


def session_lines(sessions: list, note: str = "") -> list[str]:
    """The WG-status cell of a measure: sessions grouped by topic and name.

    Consecutive sessions with the same topic, name and ※ mark share a line:
    ``2/25、8/17、10/14、1/6：IT担当課長会議``; a topic heads its dates on a line
    of its own: ``※捕獲の「空白地域」解消に向けた協議(舟橋、上市、立山)``.
    """
    out: list[str] = []
    for (topic, name, aside), group in groupby(
        sessions, key=lambda s: (s.topic, s.name, s.aside)
    ):
        group = list(group)
        dates = "、".join(session_token(s) for s in group)
        if topic:
            participants = list(group[0].participants.all())
            out.append(f"※{topic}{_participant_suffix(topic, participants)}")
        if name:
            dates += f"：{name}"
            notes = {s.participants_note for s in group if s.participants_note}
            if notes:
                dates += f"({'、'.join(sorted(notes))})"
        out.append(f"※{dates}" if aside else dates)
    if note:
        out.append(f"※{note}")
    return out


def measure_cell_lines(measure, children: list) -> list[str]:
    """The WG設置区分 cell of a top-level measure.

    A measure that lists its children prints them, a later child's repeated
    parent name as 〃: ``①-1 子ども医療費(現物支給化)`` / ``①-2 〃 (助成制度)``.
    """
    if measure.list_children_in_wg_table and children:
        out = []
        for i, child in enumerate(children):
            name = child.title
            if i and measure.title and name.startswith(measure.title):
                name = f"〃 {name[len(measure.title) :]}"
            out.append(f"{child.code} {name}".strip())
        return out
    names = measure.name_lines
    if len(names) > 1:
        return [f"・{n}" for n in names]
    return [f"{measure.code}{measure.title}"]


def department_label(responsibilities: list) -> list[str]:
    """``生活環境文化部 (まとめ)``, ``農林水産部``: departments only, lead first."""
    depts = [
        r
        for r in responsibilities
        if r.organization.kind == Organization.Kind.DEPARTMENT
    ]
    depts.sort(key=lambda r: (not r.is_lead, r.order))
    return [
        f"{r.organization.name} (まとめ)" if r.is_lead else r.organization.name
        for r in depts
    ]


def division_names(responsibilities: list) -> list[str]:
    return [
        r.organization.name
        for r in responsibilities
        if r.organization.kind == Organization.Kind.DIVISION
    ]


@dataclass
class RowLayout:
    row: object
    heading_span: int = 0  # 0: covered by the cell above
    next_span: int = 0


def layout_rows(rows: list) -> list[RowLayout]:
    """Rowspans of a results table: ● headings shared by consecutive rows, and a
    next-years cell that rows with none of their own share with the row above."""
    out = [RowLayout(row=r) for r in rows]
    for i, lay in enumerate(out):
        if i == 0 or rows[i - 1].heading != lay.row.heading:
            span = 1
            while i + span < len(rows) and rows[i + span].heading == lay.row.heading:
                span += 1
            lay.heading_span = span
        if i == 0 or lay.row.next_steps:
            span = 1
            while i + span < len(rows) and not rows[i + span].next_steps:
                span += 1
            lay.next_span = span
    return out


@dataclass
class Chart:
    """A before → after bar pair, as an inline SVG draws it."""

    width: int = 320
    bar_max: int = 200
    bars: list[dict] = field(default_factory=list)


def indicator_chart(indicator: Indicator) -> Chart | None:
    """Two bars, baseline and value, scaled to the larger (or to 100 for %)."""
    if indicator.baseline_value is None:
        return None
    top = max(indicator.value, indicator.baseline_value)
    if indicator.unit == "%":
        top = Decimal(100)
    chart = Chart()
    before = indicator.baseline_label or (
        jdates.wareki_short(indicator.baseline_as_of)
        if indicator.baseline_as_of
        else "前"
    )
    after = jdates.wareki_short(indicator.as_of) if indicator.as_of else "現在"
    for y, label, value, text, rank in (
        (
            4,
            before,
            indicator.baseline_value,
            indicator.baseline_label_text,
            indicator.baseline_rank,
        ),
        (34, after, indicator.value, indicator.value_label, indicator.rank),
    ):
        width = max(int(chart.bar_max * value / top) if top else 0, 1)
        if rank:
            text += f"（{indicator.rank_scope}{rank}位）"
        chart.bars.append(
            {
                "y": y,
                "text_y": y + 17,
                "label": label,
                "width": width,
                "value_x": 120 + width + 6,
                "text": text,
            }
        )
    return chart


def indicator_phrase(indicator: Indicator) -> str:
    """``22.7%（全国27位, R3.1.1時点）→ 41.7%（全国10位, R4.1.1時点）``."""

    def part(text, rank, as_of) -> str:
        bits = []
        if rank:
            bits.append(f"{indicator.rank_scope}{rank}位")
        if as_of:
            bits.append(f"{jdates.wareki_short(as_of)}時点")
        return f"{text}（{', '.join(bits)}）" if bits else text

    after = part(indicator.value_label, indicator.rank, indicator.as_of)
    if indicator.baseline_value is None:
        return after
    before = part(
        indicator.baseline_label_text,
        indicator.baseline_rank,
        indicator.baseline_as_of,
    )
    return f"{before} → {after}"


# --- Queries -------------------------------------------------------------------


def timeline_sessions():
    """Sessions with the organisations taking part, in the order they were held."""
    return Session.objects.prefetch_related("participants").order_by(
        "date", "approx_month", "order"
    )


def timeline_prefetch() -> Prefetch:
    """An item's timeline: its top-level measures as `top_measures`, each with its
    department, participants and sub-measures, and each of those with all its
    sessions in date order."""
    sessions = timeline_sessions()
    return Prefetch(
        "measures",
        queryset=Measure.objects.filter(parent=None)
        .select_related("department")
        .prefetch_related(
            "participants",
            Prefetch(
                "children",
                queryset=Measure.objects.prefetch_related(
                    "participants", Prefetch("sessions", queryset=sessions)
                ),
            ),
            Prefetch("sessions", queryset=sessions),
        ),
        to_attr="top_measures",
    )


def highlight_queryset():
    """Highlights with their measure, milestones, indicators and trainings."""
    return Highlight.objects.select_related("measure").prefetch_related(
        "milestones",
        "images",
        Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
        Prefetch(
            "measure__sessions",
            queryset=Session.objects.filter(kind=Session.Kind.TRAINING),
            to_attr="trainings",
        ),
    )


def sheet_prefetches(prefix: str = "") -> list[Prefetch | str]:
    """What an item year's result sheet prints: its result tables with their
    rows, its highlights and its indicators; `prefix` is the path to the item
    year."""
    return [
        Prefetch(
            f"{prefix}result_tables",
            queryset=ResultTable.objects.select_related("merged_into").prefetch_related(
                "rows"
            ),
        ),
        Prefetch(f"{prefix}highlights", queryset=highlight_queryset()),
        f"{prefix}indicators",
    ]


def wg_table_prefetch(fiscal_year: int) -> Prefetch:
    """What the WG table prints of an item: its top-level measures as
    `top_measures`, with department and sub-measures, and the WG sessions of
    `fiscal_year` only (less than the whole timeline, for a page of all items)."""
    return Prefetch(
        "measures",
        queryset=Measure.objects.filter(parent=None)
        .select_related("department")
        .prefetch_related(
            "children",
            Prefetch(
                "sessions",
                queryset=Session.objects.filter(
                    fiscal_year=fiscal_year, kind=Session.Kind.WG
                ).prefetch_related("participants"),
            ),
        ),
        to_attr="top_measures",
    )


def wg_status_items(fiscal_year: int, *, headquarters):
    """The items the WG table of `fiscal_year` lists, in official order."""
    return WorkItem.objects.for_headquarters(headquarters).active_in(fiscal_year)


def wg_status_context(fiscal_year: int, *, headquarters, items=None) -> dict:
    """The first table of 資料1: each active item of `headquarters`, its WG
    divisions and sessions; or only `items` (a page of `wg_status_items`)."""
    if items is None:
        items = wg_status_items(fiscal_year, headquarters=headquarters)
    items = items.prefetch_related(
        *organization_prefetches(), wg_table_prefetch(fiscal_year)
    )
    rows = []
    for item in items:
        responsibilities = list(item.responsibilities.all())
        # One department for the whole item spans its rows, as the seed prints it.
        per_measure = len({m.department_id for m in item.top_measures}) > 1
        measures = []
        for m in item.top_measures:
            measures.append(
                {
                    "measure": m,
                    "cell": measure_cell_lines(m, list(m.children.all())),
                    "department": m.department.name if m.department else "",
                    "sessions": session_lines(list(m.sessions.all()), m.wg_note),
                }
            )
        if not measures:
            measures.append(
                {"measure": None, "cell": [], "department": "", "sessions": []}
            )
        rows.append(
            {
                "item": item,
                "proposers": [
                    p.organization.name for p in item.proposals.all() if p.on_wg_table
                ],
                "departments": department_label(responsibilities),
                "per_measure_department": per_measure,
                "measures": measures,
                "span": len(measures),
            }
        )
    return {
        "fiscal_year": fiscal_year,
        "fiscal_year_label": jdates.fiscal_year_label(fiscal_year),
        "rows": rows,
    }


def decorate_highlight(highlight: Highlight) -> Highlight:
    """Attach charts and phrases to a highlight's indicators (no queries),
    the ones 資料1 prints as `printed_indicators`, and as `figures` each line
    of 写真・図の説明 with the image uploaded for it, or None (printed as a
    ［写真・図］ placeholder)."""
    for ind in highlight.indicators.all():
        ind.chart = indicator_chart(ind)
        ind.phrase = indicator_phrase(ind)
    highlight.printed_indicators = [i for i in highlight.indicators.all() if i.printed]
    by_line = {i.caption_line: i for i in highlight.images.all()}
    highlight.figures = [
        (caption, by_line.get(n))
        for n, caption in enumerate(highlight.caption_lines, 1)
    ]
    return highlight


def sheet_for(item_year: ItemYear, next_year: ItemYear | None) -> dict:
    """An item's result sheet and highlights for one fiscal year (prefetched)."""
    item = item_year.item
    responsibilities = list(item.responsibilities.all())
    highlights = [decorate_highlight(h) for h in item_year.highlights.all()]
    loose = [
        decorate_highlight_indicator(i)
        for i in item_year.indicators.all()
        if i.highlight_id is None
    ]
    tables = []
    placed: set[int] = set()
    for table in item_year.result_tables.all():
        rows = list(table.rows.all())
        after = [h for h in highlights if h.after_table_id == table.pk]
        placed.update(h.pk for h in after)
        tables.append(
            {
                "table": table,
                "has_headings": any(r.heading for r in rows),
                "rows": layout_rows(rows),
                # As the seed prints it: a table after a highlight page takes
                # the 「◎ …の取り組み結果と今後の方向性」 heading again.
                "heading_again": bool(tables and tables[-1]["highlights"]),
                "highlights": after,
            }
        )
    return {
        "item": item,
        "year": item_year,
        "next_year": next_year,
        "status_phrase": next_year.status_phrase if next_year else "",
        "proposers": [p.organization.name for p in item.proposals.all() if p.on_sheet],
        "divisions": division_names(responsibilities),
        "tables": tables,
        # The highlights no table names, after every table.
        "highlights": [h for h in highlights if h.pk not in placed],
        "loose_indicators": loose,
        "printed_loose_indicators": [i for i in loose if i.printed],
    }


def decorate_highlight_indicator(indicator: Indicator) -> Indicator:
    indicator.chart = indicator_chart(indicator)
    indicator.phrase = indicator_phrase(indicator)
    return indicator


def _year_queryset():
    return ItemYear.objects.select_related("item", "merged_into").prefetch_related(
        *organization_prefetches("item__"), *sheet_prefetches()
    )


def fy_report_context(fiscal_year: int, *, headquarters) -> dict:
    """資料1: the WG-status table, then each item's result sheet and highlights."""
    years = list(
        _year_queryset()
        .for_headquarters(headquarters)
        .active()
        .in_fiscal_year(fiscal_year)
    )
    next_years = {
        y.item_id: y
        for y in ItemYear.objects.in_fiscal_year(fiscal_year + 1).filter(
            item__in=[y.item_id for y in years]
        )
    }
    sheets = [sheet_for(y, next_years.get(y.item_id)) for y in years]
    return {
        **wg_status_context(fiscal_year, headquarters=headquarters),
        # An item with nothing to report (no table, highlight or figure to
        # print) has its row in the WG table and no page of its own.
        "sheets": [sheet for sheet in sheets if has_printed_content(sheet)],
    }


def has_printed_content(sheet: dict) -> bool:
    """Whether a result sheet prints more than its item's name."""
    return bool(
        sheet["tables"] or sheet["highlights"] or sheet["printed_loose_indicators"]
    )


def plan_context(fiscal_year: int, plan, *, headquarters) -> dict:
    """資料2: the selected items of a fiscal year, new items' proposals, other
    issues; of the headquarters whose plan it is."""
    years = list(
        ItemYear.objects.for_headquarters(headquarters)
        .active()
        .in_fiscal_year(fiscal_year)
        .select_related("item", "proposal")
        .prefetch_related(
            *organization_prefetches("item__"),
            "item__targets",
        )
        .order_by("plan_order", "item__order")
    )
    entries = []
    for y in years:
        if y.status == ItemYear.Status.CONTINUED:
            origin = f"{jdates.fiscal_year_short(fiscal_year - 1)}からの継続"
        else:
            origin = f"{jdates.fiscal_year_short(fiscal_year)}新規項目"
        proposal = getattr(y, "proposal", None)
        entries.append(
            {
                "year": y,
                "item": y.item,
                "origin": origin,
                "proposers": [
                    p.organization.name for p in y.item.proposals.all() if p.on_plan
                ],
                "targets": "全市町村"
                if y.item.targets_all
                else "、".join(t.name for t in y.item.targets.all()),
                "divisions": division_names(list(y.item.responsibilities.all())),
                "proposal": proposal,
            }
        )
    return {
        "plan": plan,
        "fiscal_year": fiscal_year,
        "fiscal_year_label": jdates.fiscal_year_label(fiscal_year),
        "fiscal_year_short": jdates.fiscal_year_short(fiscal_year),
        "entries": entries,
    }


def meeting_schedule_text(meeting: Meeting, *, current_year: int) -> str:
    """``※新型コロナワクチン接種に関する臨時会議（対面+WEB）``, ``第2回本部会議の開催（WEB）``."""
    fmt = meeting.get_format_display()
    if meeting.kind == Meeting.Kind.ESTABLISHMENT:
        return f"{meeting.headquarters.name}会議設置"
    if meeting.kind == Meeting.Kind.EXTRAORDINARY:
        return f"※{meeting.topic}臨時会議（{fmt}）"
    prefix = (
        f"{jdates.fiscal_year_short(meeting.fiscal_year).removesuffix('年度')} "
        if meeting.fiscal_year > current_year
        else ""
    )
    text = f"{prefix}第{meeting.number}回本部会議の開催"
    if meeting.format != Meeting.Format.IN_PERSON:
        text += f"（{fmt}）"
    return text


def schedule_meetings(user, *, headquarters=None):
    """The meetings a schedule lists, with what its rows print."""
    return (
        Meeting.objects.visible_to(user, headquarters=headquarters)
        .select_related("headquarters")
        .prefetch_related("agenda_items")
    )


def schedule_context(
    user, *, years: list[int], current_year: int, headquarters=None, meetings=None
) -> dict:
    """資料3: meetings of `years`, regular and extraordinary, with planned agendas,
    as `user` may see them (in `headquarters` when the packet prints it); or
    only `meetings` (a page of them, from `schedule_meetings`)."""
    if meetings is None:
        meetings = schedule_meetings(user, headquarters=headquarters).filter(
            fiscal_year__in=years
        )
    else:
        meetings = list(meetings)
        years = sorted({m.fiscal_year for m in meetings})
    by_year = []
    for year in years:
        rows = []
        for m in sorted(
            (m for m in meetings if m.fiscal_year == year), key=lambda m: m.sort_date
        ):
            agenda = []
            if m.status == Meeting.Status.PLANNED:
                top = [a for a in m.agenda_items.all() if a.parent_id is None]
                agenda = [
                    f"{CIRCLED[i] if i < len(CIRCLED) else i + 1} {a.display_title}"
                    for i, a in enumerate(top)
                ]
            rows.append(
                {
                    "meeting": m,
                    "when": m.when_short,
                    "text": meeting_schedule_text(m, current_year=current_year),
                    "agenda": agenda,
                    "note": m.note,
                }
            )
        by_year.append(
            {"year": year, "label": jdates.fiscal_year_label(year), "rows": rows}
        )
    return {"years": by_year}
