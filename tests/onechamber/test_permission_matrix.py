"""Who may open what: every URL of the portal and of the admin, for every
role, on records of every scope (issue 10).

The table below is the one place the expected outcomes live. Portal and
site-wide admin URLs each have a row; a model admin's URLs follow from the
group its model is in (MODEL_GROUPS) and the kind of page. The URL
configuration is walked, so a URL without a row fails
`test_every_url_has_a_row` with its name, and a model admin without a group
fails the same way. Outcomes: a status, LOGIN (the portal's login page),
ADMIN_LOGIN (the admin's), or a Redirect to a named place. Anything another
scope holds, or unpublished, is 404: a page never tells what exists.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from meetings.models import UserProfile
from tests.onechamber import permission_data
from tests.onechamber.permission_data import (
    ANON,
    DA,
    DB,
    ONLY_A,
    ONLY_B,
    OTHER_HQ,
    ROLES,
    SEC,
    SU,
    UNPUBLISHED,
    V1,
    V2,
)

LOGIN = "login page"
ADMIN_LOGIN = "admin login page"
VIEWERS = (V1, V2)
DEPARTMENTS = (DA, DB)


@dataclass(frozen=True)
class Redirect:
    """302 to `to`: a URL, or a function of the data and the cell's kwargs."""

    to: Any

    def url(self, data, kwargs) -> str:
        return self.to(data, kwargs) if callable(self.to) else self.to

    def __repr__(self) -> str:
        return f"Redirect({self.to if isinstance(self.to, str) else '…'})"


def roles(anon=LOGIN, viewer=200, dept=None, sec=None, su=None, **one):
    """An outcome per role: departments as viewers, the superuser as the
    secretariat, unless named; `one` names a single role (dept_a=404)."""
    dept = viewer if dept is None else dept
    sec = dept if sec is None else sec
    su = sec if su is None else su
    out = {ANON: anon, V1: viewer, V2: viewer, DA: dept, DB: dept, SEC: sec, SU: su}
    assert set(one) <= set(out), one
    return out | one


def to_name(name: str, **fixed):
    """A redirect to URL `name` with the cell's own kwargs (and `fixed`)."""
    return Redirect(lambda data, kwargs: reverse(name, kwargs={**kwargs, **fixed}))


@dataclass
class Row:
    # variant -> role -> outcome; the variant "" for a URL of no record.
    expect: dict
    # (data, variant) -> URL kwargs
    kwargs: Any = None
    # (data, variant) -> query string
    query: Any = None
    method: str = "get"
    # A file or PDF: its answer's headers are checked too.
    download: bool = False
    admin: bool = False
    # The account whose data the answer shows (the calendar feed's owner).
    content_of: str | None = None


def page(**outcomes):
    return Row({"": roles(**outcomes)})


def meeting_kwargs(extra=None):
    def kwargs(data, variant):
        return {"pk": data.meetings[variant].pk, **(extra or {})}

    return kwargs


# A meeting page: published in this headquarters, unpublished, the other's.
MEETING = {
    "pub": roles(),
    "unpub": roles(viewer=404, sec=200),
    "hq2": roles(viewer=404, sec=404),
}
# A meeting's file before (unpub) and after (pub) its first edition, which
# then is the file to fetch.
MATERIAL_FILE = {
    "pub": roles(viewer=to_name("meetings:material_pdf")),
    "unpub": roles(viewer=404, sec=200),
    "hq2": roles(viewer=404, sec=404),
}
REFERENCE_FILE = MATERIAL_FILE | {
    "pub": roles(viewer=to_name("meetings:reference_pdf"))
}
# Only distributed editions have pages of their own.
EDITION = MEETING | {"unpub": roles(viewer=404)}
HQ_RECORD = {"hq1": roles(), "hq2": roles(viewer=404)}
EVERYONE_404 = roles(anon=404, viewer=404)

MATERIAL = meeting_kwargs({"number": 1})
EDITION_KW = meeting_kwargs({"edition_number": 1})
EDITION_MATERIAL = meeting_kwargs({"edition_number": 1, "number": 1})


def _item_kwargs(data, variant):
    return {"pk": data.objects["workitems.WorkItem"][variant].pk}


def _token_query(data, variant):
    if variant == "bad":
        return "token=not-a-token"
    return "token=" + UserProfile.objects.get(user=data.users[V1]).calendar_token


API_MEETING = {k: v | {ANON: 401} for k, v in MEETING.items()}

# Each table of the exports (api/tables.py), on the records that name it.
_EXPORT_RECORD = {
    "meeting-agenda": "meeting",
    "meeting-materials": "meeting",
    "meeting-attendees": "meeting",
    "meeting-seats": "meeting",
    "item-trainings": "item",
    "item-years": "item",
    "item-sessions": "item",
    "item-results": "item",
    "item-indicators": "item",
    "municipality-members": "town",
    "municipality-meetings": "town",
    "municipality-items": "town",
    "municipality-rules": "town",
    "plan-items": "plan",
}
_EXPORT_VARIANTS = {
    "meeting": MEETING,
    "item": {"a": roles(), "hq2": roles(viewer=404)},
    "town": HQ_RECORD,
    "plan": HQ_RECORD,
}


def _export_variants():
    from api import tables

    out = {}
    for name in sorted(tables.registry):
        kind = _EXPORT_RECORD.get(name)
        if kind is None:
            out[f"{name}.csv"] = roles()
            out[f"{name}.json"] = roles()
            continue
        for variant, expected in _EXPORT_VARIANTS[kind].items():
            out[f"{name}.csv:{variant}"] = expected
    return out


EXPORTS = _export_variants()


def _export_kwargs(data, variant):
    name, _, _record = variant.partition(":")
    table, extension = name.rsplit(".", 1)
    return {"table": table, "extension": extension}


def _export_query(data, variant):
    name, _, record = variant.partition(":")
    kind = _EXPORT_RECORD.get(name.rsplit(".", 1)[0])
    if kind == "meeting":
        return f"pk={data.meetings[record].pk}"
    if kind == "item":
        return f"pk={data.objects['workitems.WorkItem'][record].pk}"
    if kind == "town":
        return f"code={data.codes[record]}"
    if kind == "plan":
        return f"fiscal_year={data.plan_years[record]}"
    return "fy=all"


PORTAL = {
    "login": page(anon=200),
    # Django's LogoutView is not login_not_required: the login page for anonymous.
    "logout": Row({"": roles(viewer=Redirect("/accounts/login/"))}, method="post"),
    "password_change": page(),
    "password_change_done": page(),
    # No mail in tests: the reset pages are not there.
    "password_reset": Row({"": EVERYONE_404}),
    "password_reset_done": Row({"": EVERYONE_404}),
    "password_reset_confirm": Row(
        {"": EVERYONE_404}, kwargs=lambda d, v: {"uidb64": "MQ", "token": "x-y"}
    ),
    "password_reset_complete": Row({"": EVERYONE_404}),
    "meetings:home": page(),
    "meetings:meeting_list": page(),
    "meetings:meeting_detail": Row(MEETING, meeting_kwargs()),
    "meetings:material_detail": Row(MEETING, MATERIAL),
    "meetings:reference_detail": Row(MEETING, MATERIAL),
    "meetings:material_file": Row(MATERIAL_FILE, MATERIAL, download=True),
    "meetings:reference_file": Row(REFERENCE_FILE, MATERIAL, download=True),
    "meetings:packet": Row(MEETING, meeting_kwargs(), download=True),
    "meetings:material_pdf": Row(MEETING, MATERIAL, download=True),
    "meetings:reference_pdf": Row(MEETING, MATERIAL, download=True),
    "meetings:edition_detail": Row(EDITION, EDITION_KW),
    "meetings:edition_packet": Row(EDITION, EDITION_KW, download=True),
    "meetings:edition_material_detail": Row(EDITION, EDITION_MATERIAL),
    "meetings:edition_reference_detail": Row(EDITION, EDITION_MATERIAL),
    "meetings:edition_material_pdf": Row(EDITION, EDITION_MATERIAL, download=True),
    "meetings:edition_reference_pdf": Row(EDITION, EDITION_MATERIAL, download=True),
    # A text material's figure, by its file's name: as its meeting.
    "meetings:material_image": Row(
        MEETING,
        lambda d, v: {
            "name": d.objects["meetings.MaterialImage"][v].image.name.split("/")[-1]
        },
        download=True,
    ),
    "meetings:municipality_list": page(),
    "meetings:municipality": Row(HQ_RECORD, lambda d, v: {"code": d.codes[v]}),
    "workitems:item_list": page(),
    "workitems:wg_status": page(),
    "workitems:item_detail": Row(
        {"a": roles(), "b": roles(), "hq2": roles(viewer=404)}, _item_kwargs
    ),
    # A highlight's image, by its file's name: its headquarters' accounts only.
    "workitems:highlight_image": Row(
        {"a": roles(), "b": roles(), "hq2": roles(viewer=404)},
        lambda d, v: {
            "name": d.objects["workitems.HighlightImage"][v].image.name.split("/")[-1]
        },
        download=True,
    ),
    "workitems:plan_latest": page(viewer=Redirect("/plans/2021/")),
    "workitems:plan": Row(HQ_RECORD, lambda d, v: {"fiscal_year": d.plan_years[v]}),
    "workitems:schedule": page(),
    "search:search": page(),
    # The feed needs no session: its token names the account (a viewer's).
    "workitems:schedule_ics": Row(
        {"token": roles(anon=200), "bad": EVERYONE_404},
        query=_token_query,
        download=True,
        content_of=V1,
    ),
    # 新着 as Atom: the same token names the account.
    "meetings:news_feed": Row(
        {"token": roles(anon=200), "bad": EVERYONE_404},
        query=_token_query,
        content_of=V1,
    ),
    "workitems:reset_calendar_token": Row(
        {"": roles(viewer=Redirect("/schedule/"))}, method="post"
    ),
    "vaccination:index": page(),
    "vaccination:eligibility": page(),
    "vaccination:venues": page(),
    # The other headquarters' target group is no choice here.
    "vaccination:api_eligibility": Row(
        {"hq1": roles(), "hq2": roles(viewer=400)},
        query=lambda d, v: f"group=g{v}&completed=2021-07-20",
    ),
    # The account page and its tokens: one's own only.
    "data:account": page(),
    "data:revoke_token": Row(
        {"v1": roles(viewer=404, **{V1: 200})},
        lambda d, v: {"pk": d.objects["api.ApiToken"]["hq1"].pk},
    ),
    "data:docs": page(),
    # Exports of the pages' tables: the pages' own permissions.
    "data:export": Row(EXPORTS, _export_kwargs, query=_export_query, download=True),
    # The API answers scripts itself: 401 in JSON, never the login page.
    "api:api-root": page(anon=200),
    "data:root": page(anon=200),
    "api:openapi-json": page(anon=200),
    "api:meeting_list": page(anon=401),
    "api:meeting_detail": Row(API_MEETING, meeting_kwargs()),
    "api:meeting_agenda": Row(API_MEETING, meeting_kwargs()),
    "api:meeting_materials": Row(API_MEETING, meeting_kwargs()),
    "api:meeting_attendees": Row(API_MEETING, meeting_kwargs()),
    "api:schedule": page(anon=401),
    "api:item_list": page(anon=401),
    "api:item_detail": Row(
        {"a": roles(anon=401), "hq2": roles(anon=401, viewer=404)}, _item_kwargs
    ),
    "api:measure_list": page(anon=401),
    "api:session_list": page(anon=401),
    "api:result_list": page(anon=401),
    "api:indicator_list": page(anon=401),
    "api:wg_status": page(anon=401),
    "api:plan_list": page(anon=401),
    "api:plan_detail": Row(
        {k: v | {ANON: 401} for k, v in HQ_RECORD.items()},
        lambda d, v: {"fiscal_year": d.plan_years[v]},
    ),
    "api:notice_list": page(anon=401),
    "api:rule_list": page(anon=401),
    "api:venue_list": page(anon=401),
}


# --- The admin ---------------------------------------------------------------

STAFF = roles(anon=ADMIN_LOGIN, viewer=ADMIN_LOGIN, dept=200)

# Every registered model admin is in one group, which says who keeps it.
MODEL_GROUPS = {
    "superuser": [
        "api.ApiToken",
        "auth.Group",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "django_tasks_database.DBTaskResult",
    ],
    "secretariat": [
        "auth.User",
        "meetings.Headquarters",
        "meetings.Organization",
        "meetings.Position",
        "meetings.Person",
        "meetings.Meeting",
        "meetings.Attendance",
        "meetings.AgendaItem",
        "meetings.Material",
        "workitems.Proposal",
        "workitems.Agreement",
        "workitems.FiscalYearPlan",
        "vaccination.Notice",
        "vaccination.TargetGroup",
        "vaccination.IntervalRule",
        "vaccination.MunicipalRuleDate",
        "vaccination.Venue",
        "vaccination.VenuePlan",
        "vaccination.VenueDate",
        "vaccination.GridColumn",
        "vaccination.GridRow",
        "vaccination.Passage",
    ],
    "department": [
        "workitems.WorkItem",
        "workitems.ItemYear",
        "workitems.Measure",
        "workitems.Session",
        "workitems.ResultTable",
        "workitems.ResultRow",
        "workitems.Highlight",
        "workitems.Milestone",
        "workitems.Indicator",
    ],
}
GROUP_OF = {label: g for g, labels in MODEL_GROUPS.items() for label in labels}
# Who may do what, per group (Django's permissions, as onechamber.roles gives them).
MAY = {
    "superuser": dict.fromkeys(("view", "add", "delete"), {SU}),
    "secretariat": dict.fromkeys(("view", "add", "delete"), {SEC, SU}),
    "department": {"view": {DA, DB, SEC, SU}, "add": {DA, DB, SEC, SU}}
    | {"delete": {SEC, SU}},
}
# Only the secretariat makes items and their years; imports are its own too,
# but for the WG sessions, result rows and indicators a department keeps in Excel: it
# imports those into its own items (the resource refuses any other row).
SECRETARIAT_ADDS = {"workitems.WorkItem", "workitems.ItemYear"}
DEPARTMENT_IMPORTS = {"workitems.Session", "workitems.ResultRow", "workitems.Indicator"}
# Records the apps write (login attempts, task results): nobody adds them,
# and a task's result stays.
NOBODY = {
    ("add", "api.ApiToken"),
    ("add", "axes.AccessAttempt"),
    ("add", "axes.AccessLog"),
    ("add", "axes.AccessFailureLog"),
    ("add", "django_tasks_database.DBTaskResult"),
    ("delete", "django_tasks_database.DBTaskResult"),
}
# A secretariat keeps its headquarters' details; making or removing one is the
# operator's (the superuser's).
SUPERUSER_ONLY = {("add", "meetings.Headquarters"), ("delete", "meetings.Headquarters")}
# Admins limited to the department's own items, whether or not the
# department may open them.
DEPARTMENT_SCOPED = {
    *MODEL_GROUPS["department"],
    "workitems.Proposal",
    "workitems.Agreement",
}
# Superusers see every headquarters in these (superuser_sees_all).
ACROSS_HEADQUARTERS = {"meetings.Headquarters", "auth.User"}
# The department scope (the lead's rule): an item's records are its
# responsible departments'; a measure and its sessions are the measure's
# department's, else the item's. Variant -> the department that sees it.
ITEM_SCOPE = {"a": DA, "b": DB, "x": DB}
MEASURE_SCOPE = {"a": DA, "b": DB, "x": DA, "xb": DB}
MEASURE_MODELS = {"workitems.Measure", "workitems.Session"}
CONTAINER_MODELS = {"workitems.WorkItem", "workitems.ItemYear"}

KINDS = {
    "": "changelist",
    "add/": "add",
    "<path:object_id>/change/": "change",
    "<path:object_id>/delete/": "delete",
    "<path:object_id>/history/": "history",
    "<path:object_id>/": "redirect",
    # simple-history's revert form: never offered (onechamber.admin_history).
    "^([^/]+)/history/([^/]+)/$": "revert",
    "import/": "import",
    "process_import/": "process_import",
    "export/": "export",
}
OBJECT_KINDS = {"change", "delete", "history", "redirect", "revert"}
ACTION_OF = {
    "changelist": "view",
    "change": "view",
    "history": "view",
    "export": "view",
    "add": "add",
    "delete": "delete",
    "import": "import",
    "process_import": "import",
}


def visible(label: str, variant: str, role: str) -> bool:
    """Whether the admin lists the record `variant` of `label` for `role`."""
    if variant == "hq2":
        return role == SU and label in ACROSS_HEADQUARTERS
    if label in DEPARTMENT_SCOPED and role in DEPARTMENTS:
        if label in CONTAINER_MODELS and variant == "x":
            # B's item, with a measure of A's: A reaches its measure through
            # the item's pages (workitems.scope), whose own fields stay read-only.
            return True
        scope = MEASURE_SCOPE if label in MEASURE_MODELS else ITEM_SCOPE
        return scope[variant] == role
    return True


def may(label: str, action: str, role: str) -> bool:
    group = GROUP_OF[label]
    if (action, label) in NOBODY:
        return False
    if (action, label) in SUPERUSER_ONLY:
        return role == SU
    if action == "import":
        if label in DEPARTMENT_IMPORTS:
            return role in MAY[group]["add"]
        return role in {SEC, SU}
    if action == "add" and label in SECRETARIAT_ADDS:
        return role in {SEC, SU}
    return role in MAY[group][action]


def admin_outcome(label: str, kind: str, variant: str, role: str):
    if role in (ANON, *VIEWERS):
        return ADMIN_LOGIN
    if kind == "redirect":
        app, model = label.lower().split(".")
        return to_name(f"admin:{app}_{model}_change")
    if kind == "revert":
        return 404
    if kind in OBJECT_KINDS and not visible(label, variant, role):
        return 404
    return 200 if may(label, ACTION_OF[kind], role) else 403


def _model_prefixes() -> dict[str, str]:
    return {
        f"admin/{m._meta.app_label}/{m._meta.model_name}/": m._meta.label
        for m in admin.site._registry
    }


def _autocomplete_sources():
    """(model, field) of every autocomplete field of every admin and inline."""
    for model, model_admin in admin.site._registry.items():
        for owner in (model_admin, *model_admin.inlines):
            source = owner.model if owner is not model_admin else model
            for name in owner.autocomplete_fields:
                yield source, name


def _autocomplete_row(data) -> Row:
    expect, queries = {}, {}
    for source, name in _autocomplete_sources():
        target = source._meta.get_field(name).related_model._meta.label
        variant = f"{source._meta.label}.{name}"
        queries[variant] = (
            f"app_label={source._meta.app_label}"
            f"&model_name={source._meta.model_name}&field_name={name}"
        )
        expect[variant] = {
            role: admin_outcome(target, "changelist", "", role) for role in ROLES
        }
    return Row(expect, query=lambda d, v: queries[v], admin=True)


def _app_list_row(data) -> Row:
    labels = {m._meta.app_label for m in admin.site._registry}
    expect = {}
    for app in sorted(labels):
        models = [x for x in GROUP_OF if x.split(".")[0] == app]
        expect[app] = roles(anon=ADMIN_LOGIN, viewer=ADMIN_LOGIN) | {
            role: 200 if any(may(x, "view", role) for x in models) else 404
            for role in (DA, DB, SEC, SU)
        }
    return Row(expect, kwargs=lambda d, v: {"app_label": v}, admin=True)


def _view_on_site_kwargs(data, variant):
    meeting = data.meetings[variant]
    content_type = ContentType.objects.get_for_model(meeting)
    return {"content_type_id": content_type.pk, "object_id": meeting.pk}


VIEW_ON_SITE = Row(
    {
        "pub": roles(
            anon=ADMIN_LOGIN,
            viewer=ADMIN_LOGIN,
            dept=Redirect(lambda d, kw: d.meetings["pub"].get_absolute_url()),
        ),
        "unpub": roles(
            anon=ADMIN_LOGIN,
            viewer=ADMIN_LOGIN,
            dept=Redirect(lambda d, kw: d.meetings["unpub"].get_absolute_url()),
        ),
        "hq2": roles(anon=ADMIN_LOGIN, viewer=ADMIN_LOGIN, dept=404),
    },
    kwargs=_view_on_site_kwargs,
    admin=True,
)
TO_PACKET = Redirect(lambda d, kw: reverse("meetings:packet", args=[kw["object_id"]]))
ADMIN_SITE = {
    "admin:index": Row({"": STAFF}, admin=True),
    "admin:login": Row(
        {"": roles(anon=200, viewer=200, dept=Redirect("/admin/"))}, admin=True
    ),
    "admin:logout": Row(
        {
            "": roles(
                anon=ADMIN_LOGIN,
                viewer=Redirect("/admin/"),
                dept=Redirect("/accounts/login/"),
            )
        },
        method="post",
        admin=True,
    ),
    "admin:password_change": Row({"": STAFF}, admin=True),
    "admin:password_change_done": Row({"": STAFF}, admin=True),
    "admin:jsi18n": Row({"": STAFF}, admin=True),
    # Where a record is on the portal (onechamber.views.view_on_site, in
    # front of the admin's own): never a record of another scope.
    "view_on_site": VIEW_ON_SITE,
    "admin:view_on_site": VIEW_ON_SITE,
    "admin/(?P<url>.*)$": Row(
        {"": roles(anon=ADMIN_LOGIN, viewer=ADMIN_LOGIN, dept=404)}, admin=True
    ),
    # The meeting's packet button: the portal's packet, for its keepers only.
    "admin:meetings_meeting_packet": Row(
        {
            "pub": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=TO_PACKET),
            "unpub": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=TO_PACKET),
            "hq2": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404),
        },
        kwargs=lambda d, v: {"object_id": d.meetings[v].pk},
        admin=True,
    ),
    # 準備チェックリスト: the meeting's keepers only.
    "admin:meetings_meeting_checklist": Row(
        {
            "pub": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=200),
            "unpub": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=200),
            "hq2": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404),
        },
        kwargs=lambda d, v: {"object_id": d.meetings[v].pk},
        admin=True,
    ),
    # 提出: the list of what is asked (a department's) or waits (the
    # secretariat's); the submit page of a material asked of department A;
    # the secretariat's review page.
    "admin:meetings_material_submissions": Row({"": STAFF}, admin=True),
    "admin:meetings_material_submit": Row(
        {
            "asked_a": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=404, **{DA: 200}),
            "pub": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404),
            "hq2": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404),
        },
        kwargs=lambda d, v: {"object_id": d.objects["meetings.Material"][v].pk},
        admin=True,
    ),
    "admin:meetings_material_review": Row(
        {
            "asked_a": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=200),
            "pub": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=200),
            "hq2": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404),
        },
        kwargs=lambda d, v: {"object_id": d.objects["meetings.Material"][v].pk},
        admin=True,
    ),
    # The PDF a department handed in, for the secretariat's review (a
    # material with no file has none to open).
    "admin:meetings_material_submitted_file": Row(
        {
            "asked_a": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=404),
            "pub": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404, sec=200),
            "hq2": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=404),
        },
        kwargs=lambda d, v: {"object_id": d.objects["meetings.Material"][v].pk},
        admin=True,
    ),
    "admin:workitems_check": Row(
        {"": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=403, sec=200)}, admin=True
    ),
    # UserAdmin checks the permission before looking for the account.
    "admin:auth_user_password_change": Row(
        {
            "hq1": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=403, sec=200),
            "hq2": roles(ADMIN_LOGIN, ADMIN_LOGIN, dept=403, sec=404, su=200),
        },
        kwargs=lambda d, v: {"id": d.objects["auth.User"][v].pk},
        admin=True,
    ),
}
GENERATED = {"admin:autocomplete": _autocomplete_row, "admin:app_list": _app_list_row}
PATHS = {"admin/(?P<url>.*)$": "/admin/no-such-page/"}


# --- Walking the URL configuration -------------------------------------------


def walk(resolver=None, prefix="", namespace=""):
    """(key, route) of every URL pattern: key is the namespaced name, or the
    route for a pattern without a name."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            if entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), route
            else:
                yield route, route


def model_kind(route: str):
    """(model label, kind) of a model admin's URL, or None."""
    for prefix, label in _model_prefixes().items():
        if route.startswith(prefix) and route[len(prefix) :] in KINDS:
            return label, KINDS[route[len(prefix) :]]
    return None


def has_row(key: str, route: str) -> bool:
    if key in PORTAL or key in ADMIN_SITE or key in GENERATED:
        return True
    found = model_kind(route)
    return found is not None and found[0] in GROUP_OF


def test_every_url_has_a_row():
    patterns = list(walk())
    missing = [key for key, route in patterns if not has_row(key, route)]
    assert not missing, "URLs with no row in the permission matrix: " + ", ".join(
        missing
    )
    keys = {key for key, _route in patterns}
    stale = [k for k in [*PORTAL, *ADMIN_SITE, *GENERATED] if k not in keys]
    assert not stale, f"rows of URLs that are gone: {stale}"
    registered = {m._meta.label for m in admin.site._registry}
    assert registered == set(GROUP_OF), registered ^ set(GROUP_OF)


# --- Asking every cell -------------------------------------------------------


def model_row(label: str, kind: str, data) -> Row:
    """The row of a model admin's page, from its model's group: for a page of
    one record, a variant per record of the model in the data set."""
    variants = list(data.objects[label]) if kind in OBJECT_KINDS else [""]

    def kwargs(data, variant):
        if not variant:
            return {}
        obj = data.objects[label][variant]
        found = {"object_id": obj.pk}
        if kind == "revert":
            first = obj.history.order_by("history_id").first()
            found["history_id"] = first.history_id if first else 0
        return found

    return Row(
        {v: {r: admin_outcome(label, kind, v, r) for r in ROLES} for v in variants},
        kwargs=kwargs,
        admin=True,
        # Django's import confirmation takes a POST only.
        method="post" if kind == "process_import" else "get",
    )


def cells(data):
    """(key, variant, role, url, expected, row, kwargs) of every cell."""
    for key, route in walk():
        if key in PORTAL or key in ADMIN_SITE:
            row = (PORTAL | ADMIN_SITE)[key]
        elif key in GENERATED:
            row = GENERATED[key](data)
        else:
            row = model_row(*model_kind(route), data)
        for variant, by_role in row.expect.items():
            kwargs = row.kwargs(data, variant) if row.kwargs else {}
            if key in PATHS:
                url = PATHS[key]
            elif key == route:  # no name: Django's old address of a record
                url = "/" + route.replace("<path:object_id>", str(kwargs["object_id"]))
            elif "history_id" in kwargs:  # simple-history's pattern is positional
                url = reverse(key, args=[kwargs["object_id"], kwargs["history_id"]])
            else:
                url = reverse(key, kwargs=kwargs)
            if row.query:
                url += "?" + row.query(data, variant)
            for role in ROLES:
                yield key, variant, role, url, by_role[role], row, kwargs


def forbidden_markers(role: str, *, on_admin: bool) -> list[str]:
    """What an answer to `role` must not show."""
    if role == SU:
        # Superusers see every headquarters in some admins.
        return [] if on_admin else [OTHER_HQ]
    markers = [OTHER_HQ]
    if role in (ANON, *VIEWERS, *DEPARTMENTS):
        markers.append(UNPUBLISHED)
    if on_admin and role == DA:
        markers.append(ONLY_B)
    if on_admin and role == DB:
        markers.append(ONLY_A)
    return markers


def describe(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} → {response['Location']}"
    return str(response.status_code)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def judge(response, expected, data, kwargs, role, row) -> list[str]:
    """What is wrong with `response`, if anything."""
    status = response.status_code
    location = _path(response.get("Location", ""))
    if expected == LOGIN:
        ok = status == 302 and location.startswith(reverse("login") + "?next=")
    elif expected == ADMIN_LOGIN:
        ok = status == 302 and location.startswith(reverse("admin:login") + "?next=")
    elif isinstance(expected, Redirect):
        ok = status == 302 and location == expected.url(data, kwargs)
    else:
        ok = status == expected
    problems = [] if ok else [f"expected {expected!r}, got {describe(response)}"]
    if status != 200:
        return problems
    if row.download:
        headers = response.headers
        if not headers.get("Content-Disposition"):
            problems.append("no Content-Disposition")
        if headers.get("X-Content-Type-Options") != "nosniff":
            problems.append("no X-Content-Type-Options: nosniff")
        if "private" not in headers.get("Cache-Control", ""):
            problems.append(f"Cache-Control {headers.get('Cache-Control')!r}")
    if not response.streaming:
        body = response.content.decode("utf-8", "replace")
        for marker in forbidden_markers(row.content_of or role, on_admin=row.admin):
            if marker in body:
                problems.append(f"shows {marker}")
    return problems


def client_for(data, role) -> Client:
    client = Client()
    if role != ANON:
        client.force_login(data.users[role])
    return client


def test_permission_matrix_no_seed(db, settings):
    # The task results' admin reads them through their own backend.
    settings.TASKS = settings.TASKS | {
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"}
    }
    data = permission_data.build()
    no_records = [label for label in GROUP_OF if label not in data.objects]
    assert not no_records, f"no records in permission_data for {no_records}"
    clients = {role: client_for(data, role) for role in ROLES}
    failures, count, started = [], 0, time.monotonic()
    for name, variant, role, url, expected, row, kwargs in cells(data):
        count += 1
        client = clients[role]
        if name in ("logout", "admin:logout"):
            client = client_for(data, role)  # keep the shared session
        try:
            with transaction.atomic():
                response = getattr(client, row.method)(url)
                problems = judge(response, expected, data, kwargs, role, row)
                if response.streaming:  # closes the file, as a server would
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001 - a server error is a finding
            problems = [f"raised {exc!r}"]
        failures += [f"{name} [{variant or '-'}] {role} {url}: {p}" for p in problems]
    # Uploads are files of the portal's storage, never served as media.
    for role in (ANON, SEC, SU):
        for upload in data.uploads:
            count += 1
            response = clients[role].get(f"/media/{upload}")
            if response.status_code != 404:
                failures.append(f"/media/{upload} {role}: {describe(response)}")
    elapsed = time.monotonic() - started
    print(f"{count} cells in {elapsed:.1f} s")  # noqa: T201
    assert not failures, f"{len(failures)} of {count} cells fail:\n" + "\n".join(
        failures
    )
