"""The cooperation items' part of 新着 (meetings.news): result rows and WG
sessions added, changed or removed lately, linked to their place on the
item's page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from meetings.news import CHANGE, Entry, latest_changes, register
from workitems.models import ResultRow, Session


@register
def result_entries(user, hq, limit) -> list[Entry]:
    rows = latest_changes(
        ResultRow.history.filter(
            table__item_year__item__headquarters_id=hq
        ).select_related("table__item_year__item"),
        limit,
    )
    return [
        Entry(
            at=row.history_date,
            kind=_("取り組み結果"),
            title=" ".join(
                x
                for x in (
                    row.table.item_year.item.name,
                    row.table.item_year.fiscal_year_label,
                    row.label or row.heading,
                )
                if x
            ),
            url=f"{row.table.item_year.item.get_absolute_url()}#result-{row.id}",
            what=CHANGE.get(row.history_type, ""),
            key=f"result-{row.id}",
        )
        for row in rows
    ]


@register
def session_entries(user, hq, limit) -> list[Entry]:
    rows = latest_changes(
        Session.history.filter(measure__item__headquarters_id=hq).select_related(
            "measure__item"
        ),
        limit,
    )
    return [
        Entry(
            at=row.history_date,
            kind=_("WG等の開催"),
            title=" ".join(
                x
                for x in (
                    row.measure.item.name,
                    row.instance.when_label,
                    row.name or row.topic,
                )
                if x
            ),
            url=f"{row.measure.item.get_absolute_url()}#session-{row.id}",
            what=CHANGE.get(row.history_type, ""),
            key=f"session-{row.id}",
        )
        for row in rows
    ]
