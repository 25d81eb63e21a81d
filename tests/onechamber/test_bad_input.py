"""Bad input never breaks anything (issue 10): what a fuzzer sent that once
answered 500 is refused (400, a redirect, a form error) or shown plainly."""

import contextlib
import datetime as dt
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.models import Meeting
from onechamber import jdates
from tests import factories
from vaccination.models import Notice
from workitems.models import FiscalYearPlan, ItemYear, Session, WorkItem

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


@pytest.mark.parametrize("model", ["accessattempt", "accesslog", "accessfailurelog"])
def test_huge_login_attempt_year_redirects_with_error_flag(model):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser(username="root", password="x")
    url = f"/admin/axes/{model}/?attempt_time__year=99999999999999999999"
    response = _client_as(root).get(url)
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


# 3. Years outside the eras (and outside Python's dates)

YEARS = st.integers(min_value=-(10**20), max_value=10**20) | st.sampled_from(
    [0, 1, 1872, 1873, 9999, 10000]
)
DATES = st.dates() | st.sampled_from([dt.date.min, dt.date.max, dt.date(1872, 12, 31)])


@FUZZ
@given(year=YEARS)
def test_fiscal_year_labels_never_raise(year):
    assert jdates.fiscal_year_label(year).endswith("年度")
    assert jdates.fiscal_year_short(year).endswith("年度")


@FUZZ
@given(day=DATES)
def test_date_labels_never_raise(day):
    assert jdates.wareki(day, with_weekday=False).endswith(f"{day.month}月{day.day}日")
    assert jdates.wareki_short(day).endswith(f"{day.month}.{day.day}")
    assert jdates.wareki_month(day.year, day.month).endswith(f"{day.month}月")
    assert jdates.month_label(day).endswith(f".{day.month}")
    assert jdates.When(month=day, part=2).label.endswith(f"{day.month}月中旬")
    assert jdates.When(month=day).short.endswith(f"{day.month}月")


def test_labels_before_the_eras_write_the_western_year():
    assert jdates.fiscal_year_label(1) == "1年度"
    assert jdates.fiscal_year_label(9999) == "令和7981年度"
    assert jdates.wareki(dt.date(1, 1, 1)) == "1年1月1日（月）"
    assert jdates.wareki_short(dt.date(1800, 2, 3)) == "1800.2.3"
    assert jdates.month_label(dt.date(1, 1, 1), onward=True) == "1.1～"


@FUZZ
@given(year=st.integers(min_value=0, max_value=32767), day=DATES)
def test_year_str_and_clean_raise_only_validation_errors(secretariat, year, day):
    item = WorkItem(name="項目")
    assert str(ItemYear(item=item, fiscal_year=year, status="new")).startswith("項目（")
    assert str(FiscalYearPlan(fiscal_year=year)).endswith("の協議事項")
    assert str(Notice(date=day, title="通知")).endswith("付 通知")
    hq = factories.default_headquarters()
    meeting = Meeting(headquarters=hq, fiscal_year=year, date=day, number=1)
    assert str(meeting)
    session = Session(fiscal_year=year, date=day)
    for obj in (meeting, session):
        with contextlib.suppress(ValidationError):
            obj.clean()


# 4. Dates near year 1


def test_user_whose_last_login_is_year_one_still_shows(secretariat):
    user = factories.make_user(role="viewer", username="ancient")
    user.last_login = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    user.save()
    client = _client_as(secretariat)
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get(f"/admin/auth/user/{user.pk}/change/").status_code == 200
    token = user.profile.calendar_token
    assert Client().get(f"/schedule.ics?token={token}").status_code == 200
    assert Client().post(
        "/accounts/login/", {"username": "ancient", "password": "pw-for-tests-1"}
    ).status_code in (200, 302)


def test_admin_refuses_a_last_login_of_year_one(secretariat):
    user = factories.make_user(role="viewer", username="ancient")
    client = _client_as(secretariat)
    url = f"/admin/auth/user/{user.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if isinstance(value, str | int | bool)
    }
    data |= {
        "username": "ancient",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "0001-01-01",
        "last_login_1": "00:00:00",
        "date_joined_0": "2021-04-01",
        "date_joined_1": "09:00:00",
        "profile-TOTAL_FORMS": "0",
        "profile-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1900年から2099年までの年を入力してください。" in response.content.decode()


# 5. Causes the admin fuzz tests (test_fuzz_forms.py) found


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-1", "1.5"])
def test_autocomplete_field_with_a_value_no_key_can_be_shows_an_error(
    secretariat, value
):
    meeting = factories.make_meeting(headquarters=factories.default_headquarters())
    client = _client_as(secretariat)
    response = client.post(
        "/admin/meetings/attendance/add/",
        {"meeting": meeting.pk, "position": value, "group": "municipal"},
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not meeting.attendances.exists()


def test_material_added_on_its_own_page_names_its_meeting(secretariat):
    meeting = factories.make_meeting(headquarters=factories.default_headquarters())
    client = _client_as(secretariat)
    response = client.post(
        "/admin/meetings/material/add/",
        {
            "meeting": meeting.pk,
            "series": "main",
            "order": 1,
            "title": "資料",
            "content": "text",
            "text": "本文",
        },
    )
    assert response.status_code == 302
    assert meeting.materials.get().title == "資料"


def test_material_added_without_a_meeting_is_refused(secretariat):
    client = _client_as(secretariat)
    response = client.post(
        "/admin/meetings/material/add/",
        {"series": "main", "order": 1, "title": "資料", "content": "text"},
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()


def test_span_of_december_9999_ends_on_the_last_day_python_holds():
    assert jdates.When(month=dt.date(9999, 12, 1)).span == (
        dt.date(9999, 12, 1),
        dt.date(9999, 12, 31),
    )
    assert jdates.When(date=dt.date(9999, 12, 31)).span == (
        dt.date(9999, 12, 31),
        dt.date(9999, 12, 31),
    )
    assert jdates.When(month=dt.date(2021, 12, 1)).span == (
        dt.date(2021, 12, 1),
        dt.date(2022, 1, 1),
    )


FISCAL_YEAR_MESSAGE = "年度は1900〜2099の範囲で入力してください。"


@pytest.mark.parametrize("year", [0, 1, 1899, 2100, 9999, 32767])
def test_fiscal_year_outside_the_portal_years_is_refused(year):
    hq = factories.default_headquarters()
    item = factories.make_item(headquarters=hq)
    measure = factories.make_measure(item=item)
    records = [
        Meeting(headquarters=hq, fiscal_year=year, number=1, date=dt.date(2021, 6, 4)),
        ItemYear(item=item, fiscal_year=year, status="new"),
        Session(measure=measure, fiscal_year=year, date=dt.date(2021, 6, 4)),
        FiscalYearPlan(headquarters=hq, fiscal_year=year),
    ]
    for record in records:
        with pytest.raises(ValidationError) as raised:
            record.full_clean()
        assert raised.value.message_dict["fiscal_year"] == [FISCAL_YEAR_MESSAGE]


def test_admin_refuses_a_fiscal_year_plan_of_year_9999(secretariat):
    client = _client_as(secretariat)
    response = client.post(
        "/admin/workitems/fiscalyearplan/add/", {"fiscal_year": 9999}
    )
    assert response.status_code == 200
    assert FISCAL_YEAR_MESSAGE in response.content.decode()
    assert not FiscalYearPlan.objects.exists()


def test_interval_rule_posted_without_a_notice_is_refused(secretariat):
    # Another rule of the group, so that the new one is compared with it.
    group = factories.make_rule().group
    client = _client_as(secretariat)
    response = client.post(
        "/admin/vaccination/intervalrule/add/",
        {
            "group": group.pk,
            "kind": "recommended",
            "interval_months": 6,
            "effective_from": "2022-01-01",
            "order": 0,
            "municipal_dates-TOTAL_FORMS": 0,
            "municipal_dates-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()


def test_many_to_many_autocomplete_with_a_value_no_key_can_be_shows_an_error(
    secretariat,
):
    item = factories.make_item()
    client = _client_as(secretariat)
    response = client.post(
        "/admin/workitems/agreement/add/",
        {"item": item.pk, "title": "協定", "parties": ["abc", "99999999999999999999"]},
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()


# 6. Causes the portal fuzz tests (test_fuzz_portal.py) found


def test_a_page_asked_with_the_wrong_method_says_so(secretariat):
    response = _client_as(secretariat).get("/accounts/logout/")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert "このページはGETでは開けません" in response.content.decode()


def test_the_api_asked_with_the_wrong_method_answers_in_its_error_shape(secretariat):
    response = _client_as(secretariat).post("/api/vaccination/eligibility/")
    assert response.status_code == 405
    assert "このページはPOSTでは開けません" in response.json()["errors"]["__all__"][0]


def test_admin_refuses_a_milestone_month_of_year_one(secretariat):
    from workitems.models import Highlight, Milestone

    item_year = factories.make_item_year(item=factories.make_item())
    highlight = Highlight.objects.create(item_year=item_year, title="成果")
    client = _client_as(secretariat)
    response = client.post(
        "/admin/workitems/milestone/add/",
        {"highlight": highlight.pk, "month": "0001-01-01", "text": "経過"},
    )
    assert response.status_code == 200
    assert "1900年から2099年までの日付を入力してください。" in response.content.decode()
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/meetings/person/export/?input_format=1",
        "/admin/meetings/attendance/export/?%E6%98%8E%E6%B2%BB=1",
        "/admin/workitems/session/export/?resource=x",
    ],
)
def test_export_with_a_parameter_no_filter_knows_goes_back_with_a_message(
    secretariat, url
):
    response = _client_as(secretariat).get(url, follow=True)
    assert response.status_code == 200
    assert "絞り込みの条件が正しくありません。" in response.content.decode()


@pytest.mark.parametrize("initial_forms", ["0", "1"])
def test_inline_rows_posted_again_as_new_are_refused(secretariat, initial_forms):
    from tests.onechamber import fuzzkit
    from vaccination.models import VenueDate

    first = factories.make_venue_date(date=dt.date(2022, 2, 11))
    factories.make_venue_date(date=dt.date(2022, 2, 12))
    client = _client_as(secretariat)
    url = f"/admin/vaccination/venueplan/{first.plan_id}/change/"
    base, names = fuzzkit.form_fields(client.get(url).content.decode())
    # A lowered INITIAL_FORMS makes saved rows look new, ids and all.
    data = fuzzkit.mutate(base, names, {"dates-INITIAL_FORMS": initial_forms})
    response = client.post(
        url, fuzzkit.encode(data), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "送信された行の数が合いません。" in response.content.decode()
    assert VenueDate.objects.count() == 2


@pytest.mark.parametrize("value", ["99999999999999999999", "abc"])
def test_many_to_many_choice_past_the_column_is_an_invalid_choice(secretariat, value):
    client = _client_as(secretariat)
    response = client.post(
        "/admin/vaccination/venueplan/add/",
        {
            "title": "日程",
            "opening_date": "2022-02-11",
            "order": 0,
            "target_groups": value,
            "dates-TOTAL_FORMS": 0,
            "dates-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
