"""Keyword-only factory functions for test data (Luke Plant's style)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

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


def make_organization(
    *,
    name: str = "テスト県",
    kind: str = "prefecture",
    code: str = "",
    parent: Organization | None = None,
    order: int = 0,
    short_name: str = "",
) -> Organization:
    org, _ = Organization.objects.get_or_create(
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
    *, name: str = "富山市", code: str = "162019", kind: str = "city", order: int = 10
) -> Organization:
    return make_organization(name=name, kind=kind, code=code, order=order)


def make_headquarters(*, name: str = "テスト連携推進本部") -> Headquarters:
    prefecture = make_organization(name="富山県", kind="prefecture", code="160008")
    hq, _ = Headquarters.objects.get_or_create(
        name=name, defaults={"organization": prefecture}
    )
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
        person = Person.objects.create(name=holder)
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
):
    groups = sync_groups()
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        is_staff=role in ("secretariat", "department"),
    )
    user.groups.set([groups[role]])
    UserProfile.objects.create(user=user, organization=organization)
    return user
