"""Bad input never breaks anything (issue 10): what a fuzzer sent that once
answered 500 is refused (400, a redirect, a form error) or shown plainly."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

pytestmark = pytest.mark.django_db

# The account a fixture makes is the same for every example; each example
# makes its own Client.
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Text as a fuzzer sends it: NUL, lone surrogates, anything printable.
NASTY_TEXT = st.text() | st.sampled_from(["\x00", "a\x00b", "\ud800", "%00"])


def _q(text):
    """`text` percent-encoded as a fuzzer sends it: lone surrogates as the
    bytes UTF-8 would give them, which no decoder accepts."""
    return quote(text, safe="", errors="surrogatepass")


@pytest.fixture
def secretariat():
    return factories.make_user(role="secretariat", username="fuzz-secretariat")


def _client_as(user):
    client = Client()
    client.force_login(user)
    return client


# 1. NUL in a path, a query or a form


@pytest.mark.parametrize(
    "url",
    [
        "/schedule.ics?token=%00",
        "/schedule.ics?token=abc%00def",
        "/municipalities/%00/",
        "/admin/meetings/meeting/?status=%00",
        "/admin/meetings/meeting/?fiscal_year=%00",
        "/admin/meetings/meeting/?q=%00",
        "/admin/workitems/workitem/?%00=1",
    ],
)
def test_nul_in_path_or_query_is_refused_with_400(secretariat, url):
    client = _client_as(secretariat)
    response = client.get(url)
    assert response.status_code == 400
    assert "使えない文字（NUL）" in response.content.decode()


def test_nul_in_calendar_token_is_refused_for_anonymous_client(client):
    response = client.get("/schedule.ics", {"token": "\x00"})
    assert response.status_code == 400


def test_nul_in_posted_form_field_is_refused_with_400(secretariat):
    client = _client_as(secretariat)
    response = client.post("/admin/meetings/meeting/add/", {"title": "a\x00b"})
    assert response.status_code == 400


def test_nul_in_cookie_is_refused_with_400(client):
    client.cookies["sessionid"] = "x\x00y"
    response = client.get("/accounts/login/")
    assert response.status_code == 400


@FUZZ
@given(token=NASTY_TEXT)
def test_calendar_feed_never_answers_500_to_any_token(token):
    client = Client()
    response = client.get(f"/schedule.ics?token={_q(token)}")
    assert response.status_code in (400, 404)


@FUZZ
@given(value=NASTY_TEXT)
def test_meeting_changelist_filters_never_answer_500(secretariat, value):
    client = _client_as(secretariat)
    for name in ("status", "fiscal_year", "kind", "published", "q"):
        response = client.get(f"/admin/meetings/meeting/?{name}={_q(value)}")
        assert response.status_code != 500, (name, value)


@FUZZ
@given(code=NASTY_TEXT.filter(lambda s: "/" not in s and s not in ("", ".", "..")))
def test_municipality_page_never_answers_500_to_any_code(secretariat, code):
    client = _client_as(secretariat)
    response = client.get(f"/municipalities/{_q(code)}/")
    assert response.status_code != 500, code


# 2. A date_hierarchy year, month or day no calendar has

DATE_HIERARCHY_CHANGELISTS = [
    "/admin/meetings/meeting/",
    "/admin/workitems/session/",
    "/admin/vaccination/notice/",
]


@pytest.mark.parametrize("url", DATE_HIERARCHY_CHANGELISTS)
def test_huge_date_hierarchy_year_redirects_with_error_flag(secretariat, url):
    client = _client_as(secretariat)
    response = client.get(f"{url}?date__year=99999999999999999999")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@FUZZ
@given(
    year=st.integers() | st.text(),
    month=st.integers() | st.text(),
    day=st.integers() | st.text(),
)
def test_date_hierarchy_never_answers_500(secretariat, year, month, day):
    client = _client_as(secretariat)
    query = f"date__year={_q(str(year))}&date__month={_q(str(month))}&date__day={_q(str(day))}"
    response = client.get(f"/admin/meetings/meeting/?{query}")
    assert response.status_code != 500, (year, month, day)
