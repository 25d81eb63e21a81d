"""What the index holds of each kind of record, and where a hit links to.

A source reads its records in bulk (one queryset with what its documents
need) and turns each into documents: plain values, no queries of their own.
The link goes to the place a person reads the record: the meeting page, the
material page (a PDF page of it), the row of a results table on its item's
page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from meetings.models import AgendaItem, Material, Meeting, Organization
from meetings.reports import number_materials
from onechamber import jdates
from vaccination.models import IntervalRule, Notice
from workitems.models import (
    Highlight,
    Indicator,
    ItemYear,
    ResultRow,
    Session,
    WorkItem,
    proposers_note,
)

Kind = str


@dataclass
class Doc:
    """A document before it is written: what search.models.Document holds."""

    kind: Kind
    headquarters_id: int
    object_id: int
    title: str
    url: str
    context: str = ""
    body: str = ""
    part: int = 0
    meeting_id: int | None = None
    fiscal_year: int | None = None
    date: dt.date | None = None
    municipality_ids: set[int] = field(default_factory=set)


@dataclass
class Source:
    """A kind of record the index holds."""

    name: str
    kind: Kind
    queryset: Callable[[], QuerySet]
    documents: Callable[[object, dict], Iterable[Doc]]


def _lines(*texts: str) -> str:
    return "\n".join(t for t in texts if t)


# --- meetings ---------------------------------------------------------------


def _meetings() -> QuerySet:
    return Meeting.objects.select_related("headquarters").prefetch_related(
        "attendances__position__organization"
    )


def _meeting_docs(meeting: Meeting, extra: dict) -> Iterable[Doc]:
    orgs = {
        a.position.organization_id
        for a in meeting.attendances.all()
        if a.position_id and a.position.organization.is_municipality
    }
    yield Doc(
        kind="meeting",
        headquarters_id=meeting.headquarters_id,
        object_id=meeting.pk,
        meeting_id=meeting.pk,
        title=meeting.name,
        context=meeting.when_label,
        body=_lines(meeting.get_kind_display(), meeting.topic, meeting.note),
        url=meeting.get_absolute_url(),
        fiscal_year=meeting.fiscal_year,
        date=meeting.date,
        municipality_ids=orgs,
    )


def _agenda() -> QuerySet:
    return AgendaItem.objects.select_related("meeting__headquarters", "parent")


def _agenda_docs(item: AgendaItem, extra: dict) -> Iterable[Doc]:
    meeting = item.meeting
    title = item.display_title
    if item.parent_id:
        title = f"{item.parent.title}：{title}"
    yield Doc(
        kind="agenda",
        headquarters_id=meeting.headquarters_id,
        object_id=item.pk,
        meeting_id=meeting.pk,
        title=title,
        context=f"{meeting.name} 次第",
        url=meeting.get_absolute_url() + "#agenda",
        fiscal_year=meeting.fiscal_year,
        date=meeting.date,
    )


def _materials() -> QuerySet:
    # Numbers come from the meeting's materials together.
    return Material.objects.select_related(
        "meeting__headquarters", "department"
    ).prefetch_related(
        Prefetch(
            "meeting__materials",
            queryset=Material.objects.only("id", "series", "order", "meeting_id"),
        )
    )


def material_url(meeting: Meeting, material: Material) -> str:
    name = (
        "meetings:material_detail"
        if material.series == Material.Series.MAIN
        else "meetings:reference_detail"
    )
    return reverse(name, args=[meeting.pk, material.number])


def _material_docs(material: Material, extra: dict) -> Iterable[Doc]:
    meeting = material.meeting
    numbered = {m.pk: m for m in number_materials(meeting.materials.all())}
    this = numbered.get(material.pk)
    if this is None:
        return
    material.number, material.label = this.number, this.label
    url = material_url(meeting, material)
    common = {
        "kind": "material",
        "headquarters_id": meeting.headquarters_id,
        "object_id": material.pk,
        "meeting_id": meeting.pk,
        "fiscal_year": meeting.fiscal_year,
        "date": meeting.date,
    }
    title = f"{material.label} {material.title}"
    context = meeting.name
    if material.department_id:
        context += f"（{material.department.name}）"
    pages = extra.get("pages", {}).get(material.pk) or []
    if material.content == Material.Content.PDF and pages:
        file_url = reverse(
            "meetings:material_file"
            if material.series == Material.Series.MAIN
            else "meetings:reference_file",
            args=[meeting.pk, material.number],
        )
        for number, text in enumerate(pages, start=1):
            if text.strip():
                yield Doc(
                    **common,
                    part=number,
                    title=title,
                    context=f"{context} {number}ページ",
                    body=text,
                    url=f"{file_url}#page={number}",
                )
        return
    body = material.text if material.content == Material.Content.TEXT else ""
    yield Doc(**common, title=title, context=context, body=body, url=url)


# --- cooperation items ------------------------------------------------------


def _item_municipalities(item: WorkItem, all_municipalities: dict) -> set[int]:
    """The municipalities an item concerns (as WorkItem.concerning counts them)."""
    if item.targets_all:
        return set(all_municipalities.get(item.headquarters_id, ()))
    ids = {p.organization_id for p in item.proposals.all()}
    ids |= {t.pk for t in item.targets.all()}
    for measure in item.measures.all():
        ids |= {p.pk for p in measure.participants.all()}
        for session in measure.sessions.all():
            ids |= {p.pk for p in session.participants.all()}
    return ids


def municipalities_by_headquarters() -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for pk, hq in Organization.objects.municipalities().values_list(
        "pk", "headquarters_id"
    ):
        out.setdefault(hq, set()).add(pk)
    return out


def _items() -> QuerySet:
    return WorkItem.objects.prefetch_related(
        "proposals__organization",
        "targets",
        "years__proposal",
        "measures__participants",
        "measures__sessions__participants",
        "responsibilities__organization",
    )


def _item_docs(item: WorkItem, extra: dict) -> Iterable[Doc]:
    years = sorted(item.years.all(), key=lambda y: y.fiscal_year)
    yield Doc(
        kind="item",
        headquarters_id=item.headquarters_id,
        object_id=item.pk,
        title=item.name,
        context="、".join(
            f"{y.fiscal_year_label}{y.get_status_display()}" for y in years
        ),
        body=_lines(
            item.short_name,
            *("・".join(m.name_lines) for m in item.measures.all()),
            *(r.organization.name for r in item.responsibilities.all()),
            *(y.selection_reason for y in years),
            *(_proposal_text(y) for y in years),
            proposers_note(item.proposals.all()),
        ),
        url=item.get_absolute_url(),
        fiscal_year=years[-1].fiscal_year if years else None,
        municipality_ids=_item_municipalities(item, extra["municipalities"]),
    )


def _proposal_text(year: ItemYear) -> str:
    proposal = getattr(year, "proposal", None)
    if proposal is None:
        return ""
    return _lines(
        proposal.goal,
        proposal.current_state,
        proposal.issues,
        proposal.means,
        proposal.effects,
    )


def _sessions() -> QuerySet:
    return Session.objects.select_related("measure__item").prefetch_related(
        "participants"
    )


def _session_docs(session: Session, extra: dict) -> Iterable[Doc]:
    item = session.measure.item
    when = (
        jdates.wareki(session.date, with_weekday=False)
        if session.date
        else session.when_label
    )
    title = session.name or session.topic or session.get_kind_display()
    yield Doc(
        kind="session",
        headquarters_id=item.headquarters_id,
        object_id=session.pk,
        title=f"{when} {title}",
        context=f"{item.name}　{'・'.join(session.measure.name_lines)}",
        body=_lines(
            session.topic,
            session.note,
            session.participants_note,
            "、".join(p.name for p in session.participants.all()),
            "予定" if session.planned else "",
        ),
        url=f"{item.get_absolute_url()}#session-{session.pk}",
        fiscal_year=session.fiscal_year,
        date=session.date,
        municipality_ids={
            p.pk for p in session.participants.all() if p.is_municipality
        },
    )


def _year_doc(kind: Kind, record, year: ItemYear, extra: dict, **fields) -> Doc:
    """A document of a record of an item's year (a results row, a highlight,
    an indicator): where it stands, and a link to its element on the item's
    page (``#result-5``)."""
    item = year.item
    fields.setdefault("context", f"{item.name}　{year.fiscal_year_label}")
    return Doc(
        kind=kind,
        headquarters_id=item.headquarters_id,
        object_id=record.pk,
        url=f"{item.get_absolute_url()}#{kind}-{record.pk}",
        fiscal_year=year.fiscal_year,
        municipality_ids=extra["item_municipalities"].get(item.pk, set()),
        **fields,
    )


def _results() -> QuerySet:
    return ResultRow.objects.select_related("table__item_year__item")


def _result_docs(row: ResultRow, extra: dict) -> Iterable[Doc]:
    year = row.table.item_year
    yield _year_doc(
        "result",
        row,
        year,
        extra,
        title=row.label or row.heading or row.table.title or year.item.name,
        context=f"{year.item.name}　{year.fiscal_year_label} {row.table.title}".strip(),
        body=_lines(row.heading, row.results, row.next_steps),
    )


def _highlights() -> QuerySet:
    return Highlight.objects.select_related("item_year__item")


def _highlight_docs(highlight: Highlight, extra: dict) -> Iterable[Doc]:
    year = highlight.item_year
    yield _year_doc(
        "highlight",
        highlight,
        year,
        extra,
        title=highlight.title or year.item.name,
        body=_lines(
            highlight.overview,
            highlight.points_heading,
            highlight.points,
            highlight.captions,
        ),
    )


def _indicators() -> QuerySet:
    return Indicator.objects.select_related("item_year__item")


def _indicator_docs(indicator: Indicator, extra: dict) -> Iterable[Doc]:
    figures = indicator.value_label
    if indicator.baseline_value is not None:
        figures = f"{indicator.baseline_label_text} → {figures}"
    yield _year_doc(
        "indicator",
        indicator,
        indicator.item_year,
        extra,
        title=f"{indicator.name} {indicator.value_label}",
        body=_lines(figures, indicator.baseline_label, indicator.note),
        date=indicator.as_of,
    )


# --- vaccination ------------------------------------------------------------


def _rules() -> QuerySet:
    return IntervalRule.objects.select_related("group", "notice").prefetch_related(
        "municipal_dates__municipality"
    )


def _rule_docs(rule: IntervalRule, extra: dict) -> Iterable[Doc]:
    group = rule.group
    yield Doc(
        kind="rule",
        headquarters_id=group.headquarters_id,
        object_id=rule.pk,
        title=f"{group.name} {rule.interval_months}か月",
        context=rule.period_label,
        body=_lines(
            rule.get_kind_display(),
            rule.condition,
            rule.notice.title if rule.notice_id else "",
            *(d.municipality.name for d in rule.municipal_dates.all()),
        ),
        url=reverse("vaccination:index") + f"#rule-{rule.pk}",
        fiscal_year=jdates.fiscal_year(rule.effective_from),
        date=rule.effective_from,
        municipality_ids={d.municipality_id for d in rule.municipal_dates.all()},
    )


def _notices() -> QuerySet:
    return Notice.objects.all()


def _notice_docs(notice: Notice, extra: dict) -> Iterable[Doc]:
    yield Doc(
        kind="notice",
        headquarters_id=notice.headquarters_id,
        object_id=notice.pk,
        title=notice.title,
        context=f"{jdates.wareki(notice.date, with_weekday=False)} {notice.issuer}",
        body=_lines(
            notice.addressee, notice.heading, notice.summary, notice.text, notice.note
        ),
        url=reverse("vaccination:index") + f"#notice-{notice.pk}",
        fiscal_year=jdates.fiscal_year(notice.date),
        date=notice.date,
    )


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("meetings.meeting", "meeting", _meetings, _meeting_docs),
        Source("meetings.agendaitem", "agenda", _agenda, _agenda_docs),
        Source("meetings.material", "material", _materials, _material_docs),
        Source("workitems.workitem", "item", _items, _item_docs),
        Source("workitems.session", "session", _sessions, _session_docs),
        Source("workitems.resultrow", "result", _results, _result_docs),
        Source("workitems.highlight", "highlight", _highlights, _highlight_docs),
        Source("workitems.indicator", "indicator", _indicators, _indicator_docs),
        Source("vaccination.intervalrule", "rule", _rules, _rule_docs),
        Source("vaccination.notice", "notice", _notices, _notice_docs),
    )
}
