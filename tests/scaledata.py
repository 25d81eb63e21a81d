"""N times the seed's data, for tests that a page's queries do not grow with it.

`scale(factor)` adds factor - 1 copies of every record the seed loaded
(tests/conftest.py's `load_seed`), in the same headquarters: people and
positions with their terms, meetings with their agenda, materials
and attendees, cooperation items with everything below them, and the
vaccination notices, rules, venue plans and their dates. Each copy points to its own
copies (a copied meeting's agenda uses the copied meeting's materials; a
copied measure's parent is the copied parent). Organisations and the
headquarters are not copied: a prefecture has as many municipalities and
departments at ten times the meetings and items, and each of its departments
keeps ten times the records. Nor are the vaccination target groups, venues,
the booster grid and its passages: reference data of a fixed size, while
notices, their rules and the venues' announced dates add up. Accounts are
copied, with their 所属 and role.

Rows are written with Django's own bulk_create, one statement a model (and
one update a model whose rows point to their own kind), not through forms,
services or the portal's QuerySets (whose bulk writes look up each row's
headquarters and write its history): ten times the seed takes about a second.
The headquarters' data is then reported changed once (tenancy.data_changed).

`scale(factor, spread=n)` grows the data the way a portal's data grows
instead (bench/portal.py): the copies go to n headquarters (the seed's and
n - 1 new ones, each with its own copies of the organisations and of the
vaccination reference data) and, within each, back over the fiscal years
(every date and 年度 of a copy moved back by whole years), so that at 100×
with n = 10 there are ten headquarters with ten years each. A page of one
year of one headquarters then shows what it shows at 1×, and a page over
all years shows ten times as much.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.fields.files import FieldFile

from meetings.models import (
    AgendaItem,
    Attendance,
    Headquarters,
    Material,
    Meeting,
    Organization,
    Person,
    Position,
    Submission,
    Tenure,
    UserProfile,
)
from onechamber.fields import FiscalYearField
from onechamber.tenancy import data_changed
from vaccination.models import (
    GridCell,
    GridColumn,
    GridRow,
    IntervalRule,
    MunicipalRuleDate,
    Notice,
    Passage,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)
from workitems.models import (
    Agreement,
    FiscalYearPlan,
    Highlight,
    Indicator,
    ItemDepartment,
    ItemProposer,
    ItemYear,
    Measure,
    Milestone,
    Proposal,
    ResultRow,
    ResultTable,
    Session,
    WorkItem,
)


def _suffix(*names: str) -> Callable[[dict, int], None]:
    """Copy `copy` of a text field reads ``…（copy 2）``: unique where the
    field is (a name per headquarters)."""

    def tweak(values: dict, copy: int) -> None:
        for name in names:
            values[name] = f"{values[name]}（copy {copy}）"

    return tweak


def _meeting(values: dict, copy: int) -> None:
    # The number of a regular meeting is unique in its year.
    if values["number"] is not None:
        values["number"] += 100 * copy
    values["copy_token"] = ""


def _year_back(values: dict, copy: int) -> None:
    values["fiscal_year"] -= copy  # one plan a fiscal year


# In the order of their foreign keys: every model after those it points to
# (but its own kind). With what makes a copy unique where the model requires.
PLAN: list[tuple[type[models.Model], Callable[[dict, int], None] | None]] = [
    (Person, None),
    (Position, None),
    (Tenure, None),
    (Meeting, _meeting),
    (Material, None),
    (Submission, None),
    (AgendaItem, None),
    (Attendance, None),
    (WorkItem, _suffix("name")),
    (ItemProposer, None),
    (ItemDepartment, None),
    (ItemYear, None),
    (Measure, None),
    (Session, None),
    (ResultTable, None),
    (ResultRow, None),
    (Highlight, None),
    (Milestone, None),
    (Indicator, None),
    (Proposal, None),
    (Agreement, None),
    (FiscalYearPlan, _year_back),
    (Notice, _suffix("title")),
    (IntervalRule, None),
    (MunicipalRuleDate, None),
    (VenuePlan, _suffix("title")),
    (VenueDate, None),
]


# With `spread`: what each headquarters has once, copied per new headquarters.
HEADQUARTERS_PLAN: list[type[models.Model]] = [
    Headquarters,
    Organization,
    TargetGroup,
    Venue,
    GridColumn,
    GridRow,
    GridCell,
    Passage,
]


def scale(factor: int, spread: int | None = None) -> dict[str, int]:
    """Make the data `factor` times what it is now (the seed, and the accounts
    made so far); the number of rows of each model afterwards. Once a
    database: the copies of a second call would take the first's names.
    With `spread`, over that many headquarters and back over the years."""
    copies = range(2, factor + 1)
    # copied[model][(old pk, copy)] = the copy's pk
    copied: dict[type[models.Model], dict[tuple[int, int], int]] = {}
    years_back = None
    if spread:
        # Copy `copy` is the i-th (i = copy - 1): headquarters i % spread
        # (0 the seed's), i // spread fiscal years back.
        # A copy moves back by as many years as the data spans, so that no
        # year of a headquarters holds more than the seed's.
        span = _years_spanned()
        places = {copy: divmod(copy - 1, spread) for copy in copies}
        years_back = {copy: back * span for copy, (back, _) in places.items()}
        homes: dict[type[models.Model], dict[tuple[int, int], int]] = {}
        for model in HEADQUARTERS_PLAN:
            _copy_model(model, None, range(1, spread), homes)
        _point_headquarters_to_their_organisations(homes)
        for model in HEADQUARTERS_PLAN:
            copied[model] = {
                (old, copy): homes[model][(old, hq)] if hq else old
                for (old, first) in homes[model]
                if first == 1
                for copy, (_, hq) in places.items()
            }
    for model, tweak in PLAN:
        if spread and tweak is _year_back:
            tweak = None  # the years are moved back with every date
        _copy_model(model, tweak, copies, copied, years_back)
    _copy_accounts(copies, copied)
    data_changed.send(
        sender=Organization,
        headquarters_ids=set(Headquarters.objects.values_list("pk", flat=True)),
    )
    return {
        model._meta.label: model._default_manager.count()
        for model, _ in [*PLAN, (get_user_model(), None)]
    }


def _point_headquarters_to_their_organisations(homes) -> None:
    """A new headquarters was copied before its organisations: its 設置団体
    and 事務局 become its own copies of them."""
    organisations = homes[Organization]
    made = []
    for (old, hq), pk in homes[Headquarters].items():
        original = Headquarters._base_manager.get(pk=old)
        copy = Headquarters(pk=pk, name=f"{original.name}（copy {hq}）")
        for name in ("organization_id", "secretariat_id"):
            value = getattr(original, name)
            setattr(copy, name, organisations[(value, hq)] if value else None)
        made.append(copy)
    Headquarters.objects.bulk_update(made, ["name", "organization", "secretariat"])


def _years_spanned() -> int:
    """How many fiscal years the data's 年度 cover, first to last."""
    years = set()
    for model, _ in PLAN:
        for field in model._meta.concrete_fields:
            if isinstance(field, FiscalYearField):
                years.update(
                    model._base_manager.exclude(**{field.attname: None})
                    .values_list(field.attname, flat=True)
                    .distinct()
                )
    return max(years) - min(years) + 1 if years else 1


def _back(value, years: int):
    """`value` (a date or a datetime) `years` years earlier (29 February: the 28th)."""
    try:
        return value.replace(year=value.year - years)
    except ValueError:
        return value.replace(year=value.year - years, day=28)


def _move_back(model, values: dict, years: int) -> None:
    for field in model._meta.concrete_fields:
        value = values.get(field.attname)
        if value is None or getattr(field, "auto_now", False):
            continue
        if getattr(field, "auto_now_add", False):
            continue
        if isinstance(field, FiscalYearField):
            values[field.attname] = value - years
        elif isinstance(value, datetime.date):
            values[field.attname] = _back(value, years)


def _copy_model(model, tweak, copies, copied, years_back=None) -> None:
    originals = list(model._default_manager.order_by("pk"))
    if not originals:
        copied[model] = {}
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    own_kind = [f for f in fields if f.is_relation and f.related_model is model]
    new = []
    for copy in copies:
        for original in originals:
            values = {f.attname: _value(original, f) for f in fields}
            for field in fields:
                if not field.is_relation or field.related_model not in copied:
                    continue
                old = values[field.attname]
                if old is not None:
                    values[field.attname] = copied[field.related_model][(old, copy)]
            for field in own_kind:
                values[field.attname] = None  # set once every copy has its key
            if tweak is not None:
                tweak(values, copy)
            if years_back and years_back[copy]:
                _move_back(model, values, years_back[copy])
            new.append((original, copy, model(**values)))
    model._base_manager.bulk_create([obj for _, _, obj in new])
    copied[model] = {(original.pk, copy): obj.pk for original, copy, obj in new}
    if own_kind:
        for original, copy, obj in new:
            for field in own_kind:
                old = getattr(original, field.attname)
                if old is not None:
                    setattr(obj, field.attname, copied[model][(old, copy)])
        model._base_manager.bulk_update(
            [obj for _, _, obj in new], [f.name for f in own_kind]
        )
    for field in model._meta.many_to_many:
        _copy_links(field, copies, copied)


def _value(obj, field):
    value = getattr(obj, field.attname)
    # A file field's value is bound to its record: the copy names the same file.
    return value.name if isinstance(value, FieldFile) else value


def _copy_links(field, copies, copied) -> None:
    """The rows of a many-to-many table, between the copies of both sides
    (or the same row of a side that is not copied)."""
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    source_model = field.model
    target_model = field.related_model
    links = list(through.objects.values_list(f"{source}_id", f"{target}_id"))
    new = []
    for copy in copies:
        for left, right in links:
            if target_model in copied:
                right = copied[target_model][(right, copy)]
            new.append(
                through(
                    **{
                        f"{source}_id": copied[source_model][(left, copy)],
                        f"{target}_id": right,
                    }
                )
            )
    through._base_manager.bulk_create(new)


def _copy_accounts(copies, copied) -> None:
    """Every account again, with its 所属 and role (in the copy's headquarters)."""
    homes = copied.get(Headquarters, {})
    organisations = copied.get(Organization, {})
    User = get_user_model()
    users = list(User.objects.order_by("pk").prefetch_related("groups"))
    profiles = {p.user_id: p for p in UserProfile.objects.all()}
    new = []
    for copy in copies:
        for user in users:
            new.append(
                (
                    user,
                    copy,
                    User(
                        username=f"{user.username}-copy{copy}",
                        password=user.password,
                        is_staff=user.is_staff,
                        is_superuser=user.is_superuser,
                        is_active=user.is_active,
                    ),
                )
            )
    User.objects.bulk_create([u for _, _, u in new])
    memberships = User.groups.through
    memberships.objects.bulk_create(
        memberships(user_id=made.pk, group_id=group.pk)
        for user, _, made in new
        for group in user.groups.all()
    )
    UserProfile._base_manager.bulk_create(
        UserProfile(
            user_id=made.pk,
            headquarters_id=homes.get(
                (profile.headquarters_id, copy), profile.headquarters_id
            ),
            organization_id=organisations.get(
                (profile.organization_id, copy), profile.organization_id
            ),
        )
        for user, copy, made in new
        if (profile := profiles.get(user.pk)) is not None
    )
