"""Keyword-only factory functions for cooperation items (merged into tests/factories.py later)."""

from __future__ import annotations

import datetime as dt

from meetings.models import Organization
from tests.factories import make_organization
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


def make_item(
    *,
    name: str = "テストの連携項目",
    proposers: list[Organization] = (),
    departments: list[Organization] = (),
    lead: Organization | None = None,
    order: int = 0,
) -> WorkItem:
    item = WorkItem.objects.create(name=name, order=order)
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
