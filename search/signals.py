"""Which documents a change to a record touches, sent to the index on commit.

Connected in SearchConfig.ready(). A receiver only notes targets (no query);
once the transaction commits, one task rewrites them all in the background,
so an admin save of a meeting with fifty rows is one task, not fifty, and a
rolled-back change indexes nothing of its own.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from meetings.models import AgendaItem, Attendance, Material, Meeting
from vaccination.models import IntervalRule, MunicipalRuleDate, Notice
from workitems.models import (
    Highlight,
    Indicator,
    ItemDepartment,
    ItemProposer,
    ItemYear,
    Measure,
    Proposal,
    ResultRow,
    ResultTable,
    Session,
    WorkItem,
)

_ITEM_CHILDREN = (
    ("workitems.session", "measure__item_id"),
    ("workitems.resultrow", "table__item_year__item_id"),
    ("workitems.highlight", "item_year__item_id"),
    ("workitems.indicator", "item_year__item_id"),
)


def _item(item_id):
    return [("workitems.workitem", "pk", item_id)] + [
        (source, field, item_id) for source, field in _ITEM_CHILDREN
    ]


# Model → the targets a change to one of its rows names.
TARGETS = {
    Meeting: lambda o: [
        ("meetings.meeting", "pk", o.pk),
        ("meetings.agendaitem", "meeting_id", o.pk),
        ("meetings.material", "meeting_id", o.pk),
    ],
    AgendaItem: lambda o: [("meetings.agendaitem", "pk", o.pk)],
    # Numbers (資料1, 資料2…) and so links change with the others' order.
    Material: lambda o: [
        ("meetings.material", "pk", o.pk),
        ("meetings.material", "meeting_id", o.meeting_id),
    ],
    Attendance: lambda o: [("meetings.meeting", "pk", o.meeting_id)],
    WorkItem: lambda o: _item(o.pk),
    ItemYear: lambda o: _item(o.item_id),
    ItemProposer: lambda o: _item(o.item_id),
    ItemDepartment: lambda o: _item(o.item_id),
    # The proposal sheet is read into its item's document.
    Proposal: lambda o: [("workitems.workitem", "years__proposal", o.pk)],
    Measure: lambda o: _item(o.item_id),
    Session: lambda o: (
        [("workitems.session", "pk", o.pk)]
        + [("workitems.workitem", "pk", o.measure.item_id)]
    ),
    ResultTable: lambda o: [("workitems.resultrow", "table_id", o.pk)],
    ResultRow: lambda o: [("workitems.resultrow", "pk", o.pk)],
    Highlight: lambda o: [("workitems.highlight", "pk", o.pk)],
    Indicator: lambda o: [("workitems.indicator", "pk", o.pk)],
    IntervalRule: lambda o: [("vaccination.intervalrule", "pk", o.pk)],
    MunicipalRuleDate: lambda o: [("vaccination.intervalrule", "pk", o.rule_id)],
    Notice: lambda o: [("vaccination.notice", "pk", o.pk)],
}

_pending = threading.local()


def note(targets) -> None:
    """Index `targets` once the current transaction commits."""
    waiting = getattr(_pending, "targets", None)
    if waiting is None:
        waiting = _pending.targets = {}
    waiting.update(dict.fromkeys(targets))
    transaction.on_commit(_send)


def _send() -> None:
    """Enqueue what waits (the first of a transaction's callbacks takes all;
    what a rolled-back transaction left goes with the next one: rewriting a
    document from the database again is harmless)."""
    from search.tasks import update_index

    waiting = getattr(_pending, "targets", None)
    if not waiting:
        return
    _pending.targets = {}
    update_index.enqueue([list(t) for t in waiting])


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    note(TARGETS[sender](instance))


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    if (
        action in ("post_add", "post_remove", "post_clear")
        and type(instance) in TARGETS
    ):
        note(TARGETS[type(instance)](instance))


def connect() -> None:
    for model in TARGETS:
        post_save.connect(
            _changed, sender=model, dispatch_uid=f"search-{model.__name__}"
        )
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"search-del-{model.__name__}"
        )
    for through in (
        WorkItem.targets.through,
        Measure.participants.through,
        Session.participants.through,
        AgendaItem.materials.through,
    ):
        m2m_changed.connect(
            _m2m_changed, sender=through, dispatch_uid=f"search-m2m-{through.__name__}"
        )
