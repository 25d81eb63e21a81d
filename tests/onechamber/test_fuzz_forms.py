"""Bad input never breaks the admin (issue 10): for every ModelAdmin in the
registry, its add and change forms (with their inlines' management forms) and
its changelist's filters, search, ordering, page and date hierarchy, answer
generated input with no 500, a message for every refusal, and no partial save.

Each example starts from what the page itself would post (read back from its
HTML, so a valid submission is as likely as an invalid one) and replaces a few
fields with what a fuzzer sends (see fuzzkit.NASTY). The suite runs
FUZZ_ADMIN_EXAMPLES examples a family (admin pages are slow, see fuzzkit);
issue 10's 200 a family is FUZZ_ADMIN_EXAMPLES=200, and FUZZ_RANDOM=1
FUZZ_LOG=/tmp/fuzz.log explores new inputs, noting every failure there."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from meetings.models import Meeting
from tests import factories
from tests.onechamber import fuzzkit
from tests.onechamber.fuzzkit import FUZZ, FUZZ_ADMIN

REGISTRY = sorted(admin.site._registry.items(), key=lambda pair: pair[0]._meta.label)
ADMINS = [pytest.param(model, id=model._meta.label) for model, _ in REGISTRY]


@pytest.fixture
def cookies(seed):
    """Login cookies of the seed headquarters' secretariat and of a superuser."""
    secretariat = factories.make_user(role="secretariat", username="fuzz-secretariat")
    superuser = get_user_model().objects.create_superuser(
        username="fuzz-root", password="pw-for-tests-1"
    )
    return {
        "secretariat": fuzzkit.login_cookie(secretariat),
        "superuser": fuzzkit.login_cookie(superuser),
    }


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _pages(model, cookies):
    """Per account and view (add, change), the url, the data the page would
    post and every field name in it; views the account may not open are left
    out."""
    obj = model._default_manager.order_by("pk").first()
    pages = {}
    for who, cookie in cookies.items():
        client = fuzzkit.session_client(cookie)
        urls = {"add": _url(model, "add")}
        if obj is not None:
            urls["change"] = _url(model, "change", obj.pk)
        for view, url in urls.items():
            response = client.get(url)
            if response.status_code != 200:
                continue
            base, names = fuzzkit.form_fields(response.content.decode())
            pages[(who, view)] = (url, base, names)
    return pages


def _add_base(pages):
    """An add form filled with the change form's values (same field names, no
    inline rows), so that most examples are near a valid submission."""
    for (who, view), (url, base, names) in list(pages.items()):
        if view != "add" or (who, "change") not in pages:
            continue
        change_values = pages[(who, "change")][1]
        own = {n for n, _ in change_values if "-" not in n and n in names}
        filled = [(n, v) for n, v in base if n not in own] + [
            (n, v) for n, v in change_values if n in own
        ]
        pages[(who, "add-filled")] = (url, filled, names)
    return pages


# Management-form counts a tampered or stale page sends: near the real ones
# (one row fewer makes a saved row look new), or any value at all.
MANAGEMENT = st.integers(min_value=-1, max_value=5).map(str) | fuzzkit.VALUES


@pytest.mark.parametrize("model", ADMINS)
def test_admin_forms_never_answer_500(cookies, model):
    pages = _add_base(_pages(model, cookies))
    if not pages:
        pytest.skip("no account may open this model's forms")
    counts = fuzzkit.row_counts()
    keys = sorted(pages)

    @FUZZ_ADMIN
    @given(data=st.data())
    def post(data):
        who, view = data.draw(st.sampled_from(keys), label="page")
        url, base, names = pages[(who, view)]
        pool = sorted({v for _, v in base if v})[:50]
        chosen = data.draw(
            st.lists(st.sampled_from(names), max_size=6, unique=True), label="fields"
        )
        changes = {
            name: data.draw(
                MANAGEMENT
                if name.endswith("_FORMS")
                else fuzzkit.value_or_values(pool),
                label=name,
            )
            for name in chosen
        }
        body = fuzzkit.encode(fuzzkit.mutate(base, names, changes) + [("_save", "1")])
        with fuzzkit.RolledBack():
            client = fuzzkit.session_client(cookies[who])
            response = client.post(
                url, body, content_type="application/x-www-form-urlencoded"
            )
            fuzzkit.check_answer(
                response, (who, url, changes), counts_before=counts, form=True
            )

    post()


CHANGELIST_PARAMS = ["q", "o", "p", "all", "e", "_facets", "_to_field", "_popup"]


def _changelist(model, cookies):
    """Per account, the changelist's url and (name, value) pairs its filters
    link to; names of every filter, date-hierarchy level and admin parameter;
    and what its action form (and list_editable rows) would post."""
    model_admin = admin.site._registry[model]
    url = _url(model, "changelist")
    names = set(CHANGELIST_PARAMS)
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        names |= {f"{field}__year", f"{field}__month", f"{field}__day"}
    pool = set()
    forms = {}
    for who, cookie in cookies.items():
        response = fuzzkit.session_client(cookie).get(url)
        if response.status_code != 200:
            continue
        forms[who] = fuzzkit.form_fields(response.content.decode())
        changelist = response.context["cl"]
        for spec in changelist.filter_specs:
            names |= set(spec.expected_parameters())
            for choice in spec.choices(changelist):
                pool |= set(fuzzkit.query_pairs(choice.get("query_string", "")))
    return url, forms, sorted(names), sorted(pool)


@pytest.mark.parametrize("model", ADMINS)
def test_admin_changelist_filters_and_actions_never_answer_500(cookies, model):
    url, forms, names, pool = _changelist(model, cookies)
    if not forms:
        pytest.skip("no account may open this changelist")
    values = [v for _, v in pool]

    @FUZZ_ADMIN
    @given(data=st.data())
    def request(data):
        who = data.draw(st.sampled_from(sorted(forms)), label="who")
        pairs = data.draw(st.lists(st.sampled_from(pool), max_size=3)) if pool else []
        chosen = data.draw(st.lists(st.sampled_from(names), max_size=4, unique=True))
        pairs += [
            (name, data.draw(fuzzkit.VALUES | st.sampled_from(values or [""])))
            for name in chosen
        ]
        query = fuzzkit.encode(pairs)
        client = fuzzkit.session_client(cookies[who])
        if not data.draw(st.booleans(), label="post"):
            response = client.get(f"{url}?{query}")
            fuzzkit.check_answer(response, (who, url, pairs))
            return
        # The action form (and list_editable rows), a few fields replaced;
        # an action run on purpose may change rows, so none are counted.
        base, form_names = forms[who]
        form_names = [*form_names, "action", "_selected_action", "select_across"]
        picked = data.draw(
            st.lists(st.sampled_from(form_names), max_size=4, unique=True)
        )
        changes = {
            name: data.draw(fuzzkit.value_or_values(values), label=name)
            for name in picked
        }
        body = fuzzkit.encode(fuzzkit.mutate(base, form_names, changes))
        with fuzzkit.RolledBack():
            response = client.post(
                f"{url}?{query}", body, content_type="application/x-www-form-urlencoded"
            )
            fuzzkit.check_answer(response, (who, url, pairs, changes))

    request()


AUTOCOMPLETE_FIELDS = sorted(
    (model._meta.app_label, model._meta.model_name, name)
    for model, model_admin in REGISTRY
    for name in model_admin.autocomplete_fields
)


def test_admin_autocomplete_never_answers_500(cookies):
    url = reverse("admin:autocomplete")

    @FUZZ
    @given(
        who=st.sampled_from(sorted(cookies)),
        field=st.sampled_from(AUTOCOMPLETE_FIELDS),
        tamper=st.dictionaries(
            st.sampled_from(["app_label", "model_name", "field_name", "term", "page"]),
            fuzzkit.VALUES,
            max_size=3,
        ),
    )
    def get(who, field, tamper):
        app_label, model_name, field_name = field
        params = {
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
            "term": "",
        } | tamper
        query = fuzzkit.encode(sorted(params.items()))
        response = fuzzkit.session_client(cookies[who]).get(f"{url}?{query}")
        fuzzkit.check_answer(response, (who, params))

    get()


def _admin_routes(patterns=None, prefix=""):
    """The admin's other pages (delete, history, import, export, packet,
    checks, view on site), as URL pattern text; add, change and changelist
    pages have their own tests above."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                found += _admin_routes(entry.url_patterns, route)
        elif entry.name and not entry.name.endswith(
            ("_add", "_change", "_changelist", "autocomplete", "logout")
        ):
            found.append(route)
    return sorted(set(found))


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\^\(\?P<\w+>[^)]*\)/\$")


def _fill(route, value):
    """`route` with every parameter given `value` (and app_list's pattern
    given an app label)."""
    filled = PARAMETER.sub(
        lambda m: "meetings/" if m.group(0).startswith("^") else value, route
    )
    return "/" + filled


def _route_families():
    """The routes above by what they do: the delete pages of every model are
    one family (one view), each example picking one of them."""
    families = {}
    for route in _admin_routes():
        kind = route.rstrip("/").rsplit("/", 1)[-1]
        if kind in ("delete", "history", "import", "process_import", "export"):
            families.setdefault(kind, []).append(route)
        else:
            families[route] = [route]
    return families


FAMILIES = _route_families()


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_other_admin_pages_never_answer_500(cookies, family):
    ids = [str(pk) for pk in Meeting.objects.values_list("pk", flat=True)[:3]]
    routes = FAMILIES[family]
    # The packet is built when asked for: only ids no meeting has.
    builds = family.endswith(".pdf")

    @FUZZ_ADMIN
    @given(data=st.data())
    def request(data):
        who = data.draw(st.sampled_from(sorted(cookies)), label="who")
        route = data.draw(st.sampled_from(routes), label="route")
        ids_or_not = fuzzkit.VALUES.filter(lambda s: "/" not in s)
        value = data.draw(
            ids_or_not if builds else ids_or_not | st.sampled_from(ids), label="id"
        )
        path = _fill(route, fuzzkit.encode([("", value)])[1:])
        pairs = data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from(IMPORT_NAMES) | fuzzkit.NASTY, fuzzkit.VALUES
                ),
                max_size=4,
            ),
            label="params",
        )
        body = fuzzkit.encode(pairs)
        client = fuzzkit.session_client(cookies[who])
        with fuzzkit.RolledBack():
            if data.draw(st.booleans(), label="post"):
                response = client.post(
                    path, body, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = client.get(f"{path}?{body}")
            fuzzkit.check_answer(response, (who, path, pairs))

    request()


# What the import, export, delete and history pages read.
IMPORT_NAMES = [
    "format",
    "input_format",
    "import_file_name",
    "original_file_name",
    "resource",
    "export_items",
    "post",
    "_changelist_filters",
    "p",
    "q",
]
