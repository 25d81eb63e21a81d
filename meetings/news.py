"""新着: what changed lately that the user may see, newest first, on the home
page and as an Atom feed.

Each source gives its own kind of entry: the meetings app its editions
(第n版 and 差し替え), meetings and materials; other apps register theirs
(workitems: result rows and WG sessions) with `register`, as they do their
checklist parts: this module knows nothing of cooperation items. Changes are
read from the audit history (onechamber.history), so a new, a changed and a
removed record each count, once (its latest change).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from meetings import editions
from meetings.models import Material, Meeting, headquarters_of

CHANGE = {"+": "追加", "~": "更新", "-": "削除"}


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str  # 版, 会議, 資料, 取り組み結果, WG等の開催
    title: str
    url: str
    what: str  # 追加 / 更新 / 削除, or an edition's summary
    key: str  # one entry per record: its latest change


Source = Callable[..., list[Entry]]
_sources: list[Source] = []


def register(source: Source) -> Source:
    """Add a source: ``source(user, headquarters_id, limit)`` → its newest entries."""
    _sources.append(source)
    return source


def latest_changes(history, limit: int):
    """The latest change of each record in `history` (a historical queryset),
    newest first, at most `limit` records (read as a few times that many rows)."""
    seen, rows = set(), []
    for row in history.order_by("-history_date", "-history_id")[: limit * 4]:
        if row.id in seen:
            continue
        seen.add(row.id)
        rows.append(row)
        if len(rows) == limit:
            break
    return rows


def recent(user, *, limit: int = 10) -> list[Entry]:
    """The newest `limit` entries of every source, newest first."""
    hq = headquarters_of(user)
    entries = [e for source in _sources for e in source(user, hq, limit)]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]


@register
def edition_entries(user, hq, limit) -> list[Entry]:
    return [
        Entry(
            at=e.distributed_at,
            kind=_("版"),
            title=e.meeting.name,
            url=reverse("meetings:edition_detail", args=[e.meeting_id, e.number]),
            what=editions.edition_summary(e) + (f"　{e.note}" if e.note else ""),
            key=f"edition-{e.pk}",
        )
        for e in editions.news(user, limit=limit)
        if e.distributed_at
    ]


@register
def meeting_entries(user, hq, limit) -> list[Entry]:
    visible = Meeting.objects.visible_to(user, headquarters=hq)
    rows = latest_changes(Meeting.history.filter(id__in=visible.values("pk")), limit)
    meetings = visible.select_related("headquarters").in_bulk({r.id for r in rows})
    return [
        Entry(
            at=row.history_date,
            kind=_("会議"),
            title=meetings[row.id].name,
            url=meetings[row.id].get_absolute_url(),
            what=CHANGE.get(row.history_type, ""),
            key=f"meeting-{row.id}",
        )
        for row in rows
    ]


@register
def material_entries(user, hq, limit) -> list[Entry]:
    visible = Meeting.objects.visible_to(user, headquarters=hq)
    rows = latest_changes(
        Material.history.filter(meeting_id__in=visible.values("pk")), limit
    )
    meetings = visible.select_related("headquarters").in_bulk(
        {r.meeting_id for r in rows}
    )
    return [
        Entry(
            at=row.history_date,
            kind=_("資料"),
            title=f"{row.title}（{meetings[row.meeting_id].name}）",
            url=meetings[row.meeting_id].get_absolute_url(),
            what=CHANGE.get(row.history_type, ""),
            key=f"material-{row.id}",
        )
        for row in rows
    ]
