"""Bad input never breaks the portal (issue 10): every URL outside the admin
(walked from the resolver), with generated path parameters and the query
parameters the views read, as every kind of account and as nobody, posted
to as well as fetched, and the JSON API: no 500 and a message for every
refusal."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st

from meetings.models import Meeting, Organization
from tests import factories
from tests.onechamber import fuzzkit
from tests.onechamber.fuzzkit import FUZZ
from vaccination.models import TargetGroup

# What the portal's views read from request.GET (grep request.GET, and the
# fields of the filter forms bound to it), and names no view reads.
QUERY_NAMES = [
    "fy",
    "status",
    "department",
    "municipality",
    "group",
    "completed",
    "token",
    "next",
    "page",
    "q",
    "\ud800",
]
# What the portal's forms post (login, password change and reset).
POST_NAMES = [
    "username",
    "password",
    "old_password",
    "new_password1",
    "new_password2",
    "email",
    "next",
]


def _routes(patterns=None, prefix=""):
    """Every route outside the admin, as its URL pattern text."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("admin/"):
                found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return sorted(set(found))


ROUTES = _routes()
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
# Files and PDFs are built when asked for: these keep to ids no row has (the
# packet tests build real ones).
BUILDS = re.compile(r"(\.pdf|/file/)$")


@pytest.fixture
def portal(seed):
    """Login cookies of each kind of account, and values the seed holds."""
    accounts = {
        "secretariat": factories.make_user(role="secretariat", username="fz-sec"),
        "viewer": factories.make_user(
            role="viewer",
            username="fz-viewer",
            organization=Organization.objects.municipalities().first(),
        ),
        "department": factories.make_user(
            role="department",
            username="fz-dept",
            organization=Organization.objects.departments().first(),
        ),
    }
    cookies = {who: fuzzkit.login_cookie(user) for who, user in accounts.items()}
    cookies["anonymous"] = None
    known = {
        "int": sorted(Meeting.objects.values_list("pk", flat=True))[:5] + [1, 2, 3],
        "str": list(
            Organization.objects.municipalities().values_list("code", flat=True)
        )[:5],
        "query": [
            *map(str, range(2019, 2024)),
            *TargetGroup.objects.values_list("code", flat=True),
            *Organization.objects.municipalities().values_list("code", flat=True)[:3],
            *map(str, Organization.objects.values_list("pk", flat=True)[:5]),
            "new",
            "continued",
            "2021-07-20",
            "R3.7.20",
            "令和3年7月20日",
            accounts["viewer"].profile.calendar_token,
        ],
    }
    return cookies, known


def _path_value(converter, known, builds):
    if converter == "int":
        numbers = st.integers(min_value=0, max_value=10**25)
        if builds:
            return numbers.filter(lambda n: n > 10**6).map(str)
        return (numbers | st.sampled_from(known["int"])).map(str)
    text = fuzzkit.VALUES.filter(lambda s: s and "/" not in s and s not in (".", ".."))
    return text | st.sampled_from(known["str"])


@pytest.mark.parametrize("route", ROUTES)
def test_portal_page_never_answers_500(portal, route):
    cookies, known = portal
    converters = [m.group(1) or "str" for m in PARAMETER.finditer(route)]
    builds = bool(BUILDS.search(route))

    @FUZZ
    @given(data=st.data())
    def request(data):
        who = data.draw(st.sampled_from(sorted(cookies)), label="who")
        values = iter(
            [data.draw(_path_value(c, known, builds), label=c) for c in converters]
        )
        path = "/" + PARAMETER.sub(
            lambda m: fuzzkit.encode([("", next(values))])[1:], route
        )
        method = data.draw(st.sampled_from(["get", "get", "post"]), label="method")
        names = QUERY_NAMES if method == "get" else POST_NAMES + QUERY_NAMES[:3]
        pairs = data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from(names),
                    fuzzkit.VALUES | st.sampled_from(known["query"]),
                ),
                max_size=5,
            ),
            label="params",
        )
        body = fuzzkit.encode(pairs)
        client = fuzzkit.session_client(cookies[who])
        with fuzzkit.RolledBack():
            if method == "get":
                response = client.get(f"{path}?{body}")
            else:
                response = client.post(
                    path, body, content_type="application/x-www-form-urlencoded"
                )
            fuzzkit.check_answer(response, (who, method, path, pairs))

    request()
