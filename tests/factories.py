"""Keyword-only factory functions for test data (Luke Plant's style)."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from meetings.models import (
    AgendaItem,
    Attendance,
    Headquarters,
    Material,
    Meeting,
    Organization,
    Person,
    Position,
    Tenure,
    UserProfile,
)
from onechamber.roles import sync_groups
from vaccination.models import (
    IntervalRule,
    MunicipalRuleDate,
    Notice,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)
from workitems.models import (
    ItemDepartment,
    ItemProposer,
    ItemYear,
    Measure,
    ResultRow,
    ResultTable,
    Session,
    WorkItem,
)


def default_headquarters() -> Headquarters:
    """The headquarters test data belongs to unless a test names another: the
    first one there is (the seed's, when a test loads it), else a test one."""
    hq = Headquarters.objects.order_by("pk").first()
    return hq or Headquarters.objects.create(name="テスト連携推進本部")


def make_organization(
    *,
    name: str = "テスト県",
    kind: str = "prefecture",
    code: str = "",
    parent: Organization | None = None,
    order: int = 0,
    short_name: str = "",
    headquarters: Headquarters | None = None,
) -> Organization:
    org, _ = Organization.objects.get_or_create(
        headquarters=headquarters or default_headquarters(),
        name=name,
        kind=kind,
        defaults={
            "code": code,
            "parent": parent,
            "order": order,
            "short_name": short_name,
        },
    )
    return org


def make_municipality(
    *,
    name: str = "富山市",
    code: str = "162019",
    kind: str = "city",
    order: int = 10,
    headquarters: Headquarters | None = None,
) -> Organization:
    return make_organization(
        name=name, kind=kind, code=code, order=order, headquarters=headquarters
    )


def make_headquarters(
    *,
    name: str | None = None,
    prefecture: str = "富山県",
    prefecture_code: str = "160008",
) -> Headquarters:
    """The default headquarters, or the one called `name` (made with its
    prefecture as 設置団体 if new)."""
    hq = (
        default_headquarters()
        if name is None
        else Headquarters.objects.get_or_create(name=name)[0]
    )
    if hq.organization_id is None:
        hq.organization = make_organization(
            name=prefecture, kind="prefecture", code=prefecture_code, headquarters=hq
        )
        hq.save(update_fields=["organization"])
    return hq


def make_meeting(
    *,
    fiscal_year: int = 2021,
    number: int | None = 1,
    date: dt.date | None = dt.date(2021, 6, 4),
    published: bool = True,
    kind: str = "regular",
    status: str = "held",
    approx_month: dt.date | None = None,
    approx_part: int = 0,
    topic: str = "",
    headquarters: Headquarters | None = None,
) -> Meeting:
    return Meeting.objects.create(
        headquarters=headquarters or make_headquarters(),
        fiscal_year=fiscal_year,
        number=number if kind == "regular" else None,
        kind=kind,
        topic=topic,
        date=date,
        approx_month=approx_month,
        approx_part=approx_part,
        published=published,
        status=status,
    )


def make_material(
    *,
    meeting: Meeting,
    title: str = "資料の表題",
    series: str = "main",
    order: int = 1,
    content: str = "text",
    text: str = "本文",
    section_kind: str = "",
    department: Organization | None = None,
    file=None,
) -> Material:
    material = Material(
        meeting=meeting,
        title=title,
        series=series,
        order=order,
        content=content,
        text=text,
        section_kind=section_kind,
        department=department,
    )
    if file is not None:
        material.file = file
    material.save()
    return material


def make_agenda_item(
    *,
    meeting: Meeting,
    title: str = "開会",
    order: int = 1,
    parent: AgendaItem | None = None,
    is_report: bool = False,
) -> AgendaItem:
    return AgendaItem.objects.create(
        meeting=meeting, title=title, order=order, parent=parent, is_report=is_report
    )


def make_position(
    *,
    title: str = "富山市長",
    organization: Organization | None = None,
    holder: str | None = "藤井 裕久",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Position:
    position = Position.objects.create(
        title=title, organization=organization or make_municipality()
    )
    if holder:
        person = Person.objects.create(
            headquarters=position.organization.headquarters, name=holder
        )
        Tenure.objects.create(position=position, person=person, start=start, end=end)
    return position


def make_attendance(
    *,
    meeting: Meeting,
    title: str = "富山市長",
    name: str = "藤井 裕久",
    group: str = "municipal",
    order: int = 1,
    position: Position | None = None,
    seat_side: str = "none",
    seat_order: int = 0,
    mode: str = "present",
    proxy_name: str = "",
    proxy_title: str = "",
) -> Attendance:
    return Attendance.objects.create(
        meeting=meeting,
        title=title,
        name=name,
        group=group,
        order=order,
        position=position,
        seat_side=seat_side,
        seat_order=seat_order,
        mode=mode,
        proxy_name=proxy_name,
        proxy_title=proxy_title,
    )


def make_user(
    *,
    role: str,
    username: str = "user",
    password: str = "pw-for-tests-1",
    organization: Organization | None = None,
    headquarters: Headquarters | None = None,
):
    groups = sync_groups()
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        is_staff=role in ("secretariat", "department"),
    )
    user.groups.set([groups[role]])
    UserProfile.objects.create(
        user=user,
        organization=organization,
        headquarters=headquarters
        or (organization.headquarters if organization else default_headquarters()),
    )
    return user


# Uploaded PDF materials.


def make_pdf_bytes(
    *,
    pages: int = 2,
    text: str = "UPLOADED PAGE",
    size=(595, 842),
    also: tuple[tuple[float, float, str], ...] = (),
) -> bytes:
    """A PDF whose page n (from 1) reads "<text> n" in Helvetica (14 pt at
    72, 400), and each (x, y, text) of `also` at its place."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for n in range(1, pages + 1):
        page = writer.add_blank_page(width=size[0], height=size[1])
        stream = DecodedStreamObject()
        shown = [(72, 400, f"{text} {n}"), *also]
        stream.set_data(
            " ".join(
                f"BT /F1 14 Tf {x} {y} Td ({t}) Tj ET" for x, y, t in shown
            ).encode()
        )
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_pdf_file(*, name: str = "upload.pdf", **kwargs) -> ContentFile:
    return ContentFile(make_pdf_bytes(**kwargs), name=name)


def make_corrupt_pdf_bytes() -> bytes:
    """Starts like a PDF, then garbage: no xref, no pages."""
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage\x00\xff"
    )


# Cooperation items.


def make_item(
    *,
    name: str = "テストの連携項目",
    proposers: list[Organization] = (),
    departments: list[Organization] = (),
    lead: Organization | None = None,
    order: int = 0,
    headquarters: Headquarters | None = None,
) -> WorkItem:
    item = WorkItem.objects.create(
        headquarters=headquarters or default_headquarters(), name=name, order=order
    )
    for n, org in enumerate(proposers, start=1):
        ItemProposer.objects.create(item=item, organization=org, order=n)
    for n, org in enumerate(departments, start=1):
        ItemDepartment.objects.create(
            item=item, organization=org, order=n, is_lead=org == lead
        )
    return item


def make_department(*, name: str = "テスト部", parent: Organization | None = None):
    return make_organization(name=name, kind="department", parent=parent)


def make_item_year(
    *, item: WorkItem, fiscal_year: int = 2021, status: str = "new", **extra
) -> ItemYear:
    return ItemYear.objects.create(
        item=item, fiscal_year=fiscal_year, status=status, **extra
    )


def make_measure(
    *,
    item: WorkItem,
    name: str = "テストの施策",
    code: str = "",
    order: int = 1,
    parent: Measure | None = None,
    department: Organization | None = None,
) -> Measure:
    return Measure.objects.create(
        item=item,
        name=name,
        code=code,
        order=order,
        parent=parent,
        department=department,
    )


def make_session(
    *,
    measure: Measure,
    fiscal_year: int = 2021,
    order: int = 1,
    date: dt.date | None = dt.date(2021, 5, 14),
    approx_month: dt.date | None = None,
    planned: bool = False,
    name: str = "",
    topic: str = "",
    note: str = "",
    kind: str = "wg",
    participants: list[Organization] = (),
) -> Session:
    session = Session.objects.create(
        measure=measure,
        fiscal_year=fiscal_year,
        order=order,
        date=date,
        approx_month=approx_month,
        planned=planned,
        name=name,
        topic=topic,
        note=note,
        kind=kind,
    )
    session.participants.set(participants)
    return session


def make_result_row(
    *,
    item_year: ItemYear,
    label: str = "①テストの取り組み",
    results: str = "・成果",
    next_steps: str = "・次年度",
    heading: str = "",
) -> ResultRow:
    table, _ = ResultTable.objects.get_or_create(
        item_year=item_year,
        order=1,
        defaults={
            "results_heading": "令和3年度の取り組み成果",
            "next_heading": "令和4年度以降の取り組み",
        },
    )
    return ResultRow.objects.create(
        table=table,
        order=table.rows.count() + 1,
        heading=heading,
        label=label,
        results=results,
        next_steps=next_steps,
    )


# Booster interval rules and venues.


def make_notice(
    *,
    date: dt.date = dt.date(2021, 11, 16),
    title: str = "テストの事務連絡",
    text: str = "",
    summary: str = "",
) -> Notice:
    notice, _ = Notice.objects.get_or_create(
        headquarters=default_headquarters(),
        date=date,
        title=title,
        defaults={"text": text, "summary": summary},
    )
    return notice


def make_group(
    *, code: str = "elderly", name: str = "一般高齢者", order: int = 0
) -> TargetGroup:
    group, _ = TargetGroup.objects.get_or_create(
        headquarters=default_headquarters(),
        code=code,
        defaults={"name": name, "order": order},
    )
    return group


def make_rule(
    *,
    group: TargetGroup | None = None,
    interval_months: int = 8,
    effective_from: dt.date = dt.date(2021, 12, 1),
    effective_to: dt.date | None = None,
    notice: Notice | None = None,
    kind: str = IntervalRule.Kind.RECOMMENDED,
    condition: str = "",
) -> IntervalRule:
    return IntervalRule.objects.create(
        group=group or make_group(),
        interval_months=interval_months,
        effective_from=effective_from,
        effective_to=effective_to,
        notice=notice or make_notice(),
        kind=kind,
        condition=condition,
    )


def make_municipal_date(
    *, rule: IntervalRule, organization: Organization, effective_from: dt.date
) -> MunicipalRuleDate:
    return MunicipalRuleDate.objects.create(
        rule=rule, organization=organization, effective_from=effective_from
    )


def make_venue_date(
    *,
    plan_title: str = "テストの日程",
    venue_name: str = "テスト会場",
    date: dt.date = dt.date(2022, 2, 11),
    added: bool = False,
) -> VenueDate:
    plan, _ = VenuePlan.objects.get_or_create(
        headquarters=default_headquarters(),
        title=plan_title,
        defaults={"opening_date": date},
    )
    venue, _ = Venue.objects.get_or_create(
        headquarters=default_headquarters(),
        name=venue_name,
        defaults={"area": "県東部会場"},
    )
    return VenueDate.objects.create(plan=plan, venue=venue, date=date, added=added)
