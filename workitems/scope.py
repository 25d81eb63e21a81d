"""Department scope: which cooperation-item records a department account keeps.

The one place the rule is written. A department account belongs to a 部 or a
課; it keeps the records of its organisation and of every organisation below
it ("its own"). Each record is owned at the finest level the data states:

- a measure (施策・WG区分) by its 担当部局, else its parent measure's, else by
  the item's responsible departments (担当部局 of the item);
- a session, results table, result row, highlight, milestone, indicator or
  agreement by the measure it belongs to, when it has one, with the same
  fallback to the item's responsible departments;
- an item and its fiscal years (the pages that hold those records) by the
  item's responsible departments and by the departments of its measures, so a
  department that keeps one measure can reach it, while the item's own fields
  stay the secretariat's.

So 厚生部, one of the four departments responsible for 防災, keeps 防災's
shared results but not the sessions of 土木部's 除排雪 measure. The same rule
is a query (`filter_for`, for lists, choices and exports) and a test of one
record (`owns`, for a forged save).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from meetings.models import Organization, own_organization_ids
from workitems.models import Measure

# For each model: the path to its item and the path to the measure that owns
# it ("" when the record is the measure; None when only the item can).
ITEM_PATHS = {
    "workitem": "",
    "itemyear": "item",
    "measure": "item",
    "session": "measure__item",
    "resulttable": "item_year__item",
    "resultrow": "table__item_year__item",
    "highlight": "item_year__item",
    "milestone": "highlight__item_year__item",
    "highlightimage": "highlight__item_year__item",
    "indicator": "item_year__item",
    "agreement": "item",
    "proposal": "item_year__item",
    "itemproposer": "item",
    "itemdepartment": "item",
}
MEASURE_PATHS = {
    "measure": "",
    "session": "measure",
    "resulttable": "measure",
    "resultrow": "table__measure",
    "highlight": "measure",
    "milestone": "highlight__measure",
    "highlightimage": "highlight__measure",
    "indicator": "highlight__measure",
    "agreement": "measure",
}
# Pages that hold the records of several measures: reached through any of them.
CONTAINERS = ("workitem", "itemyear")


def own_organizations(org: Organization | None) -> set[int]:
    """The primary keys of `org` and of every organisation below it."""
    return own_organization_ids(org)


def _join(*parts: str) -> str:
    return "__".join(part for part in parts if part)


def _measure_condition(measure: str, item: str, own: set[int]) -> Q:
    """The records whose measure (at `measure`) is owned by `own`, falling
    back to the parent measure's department, then to the item's."""
    department = _join(measure, "department")
    parent_department = _join(measure, "parent", "department")
    responsible = Q(**{_join(item, "responsibilities__organization__in"): own})
    return (
        Q(**{f"{department}__in": own})
        | Q(**{f"{department}__isnull": True, f"{parent_department}__in": own})
        | (
            Q(**{f"{department}__isnull": True, f"{parent_department}__isnull": True})
            & responsible
        )
    )


def filter_for(queryset: QuerySet, org: Organization | None) -> QuerySet:
    """`queryset` limited to the records department `org` keeps."""
    own = own_organizations(org)
    if not own:
        return queryset.none()
    name = queryset.model._meta.model_name
    item = ITEM_PATHS[name]
    if name in CONTAINERS:
        condition = Q(**{_join(item, "responsibilities__organization__in"): own}) | Q(
            **{_join(item, "measures__in"): _measures(own)}
        )
    else:
        measure = MEASURE_PATHS.get(name)
        if measure is None:
            condition = Q(**{_join(item, "responsibilities__organization__in"): own})
        else:
            condition = _measure_condition(measure, item, own)
    keep = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=keep)


def _measures(own: set[int]) -> QuerySet:
    return Measure.objects.filter(_measure_condition("", "item", own)).values("pk")


def owns(obj, org: Organization | None) -> bool:
    """Whether department `org` keeps `obj` as it stands in memory (the values
    a form has just set, not yet saved): the check behind a forged post."""
    own = own_organizations(org)
    if not own:
        return False
    name = obj._meta.model_name
    item = _follow(obj, ITEM_PATHS[name])
    if item is None:
        return False
    responsible = (
        set(item.responsibilities.values_list("organization_id", flat=True)) & own
    )
    if name in CONTAINERS:
        return bool(responsible) or _measures(own).filter(item=item).exists()
    path = MEASURE_PATHS.get(name)
    measure = _follow(obj, path) if path is not None else None
    if measure is not None:
        if measure.department_id is not None:
            return measure.department_id in own
        parent = measure.parent
        if parent is not None and parent.department_id is not None:
            return parent.department_id in own
    return bool(responsible)


def _follow(obj, path: str):
    for hop in filter(None, path.split("__")):
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return obj
