"""Admin screens: every list and form opens; contradicting rules are rejected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import make_group, make_municipality, make_notice, make_rule
from vaccination.models import (
    GridColumn,
    IntervalRule,
    MunicipalRuleDate,
    Notice,
    VenueDate,
)

pytestmark = pytest.mark.django_db


def test_viewer_cannot_open_the_admin(client, viewer_user):
    client.force_login(viewer_user)
    response = client.get(reverse("admin:vaccination_intervalrule_changelist"))
    assert response.status_code == 302


def test_department_cannot_change_rules(client, department_user):
    client.force_login(department_user)
    response = client.get(reverse("admin:vaccination_intervalrule_changelist"))
    assert response.status_code == 403


def _rule_form(group, notice, **overrides):
    data = {
        "group": group.pk,
        "kind": "recommended",
        "interval_months": "7",
        "effective_from": "2022-03-01",
        "effective_to": "",
        "notice": notice.pk,
        "condition": "",
        "order": "0",
        "municipal_dates-TOTAL_FORMS": "0",
        "municipal_dates-INITIAL_FORMS": "0",
        "municipal_dates-MIN_NUM_FORMS": "0",
        "municipal_dates-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def _post_rule(client, data):
    return client.post(reverse("admin:vaccination_intervalrule_add"), data)


def test_admin_adds_a_rule(client, secretariat_user):
    group = make_group()
    notice = make_notice(date=dt.date(2022, 1, 13))
    client.force_login(secretariat_user)
    response = _post_rule(client, _rule_form(group, notice))
    assert response.status_code == 302
    assert IntervalRule.objects.get().interval_months == 7


def test_admin_rejects_a_duplicate_overlapping_rule(client, secretariat_user):
    group = make_group()
    first = make_notice(date=dt.date(2022, 1, 13), title="その2")
    second = make_notice(date=dt.date(2022, 1, 20), title="その3")
    make_rule(
        group=group, interval_months=7, effective_from=dt.date(2022, 3, 1), notice=first
    )
    client.force_login(secretariat_user)
    response = _post_rule(
        client, _rule_form(group, second, effective_from="2022-04-01")
    )
    assert response.status_code == 200
    assert "同じ対象・種別・間隔の規則" in response.content.decode()
    assert IntervalRule.objects.count() == 1


def test_admin_allows_the_same_interval_in_a_separate_period(client, secretariat_user):
    group = make_group()
    first = make_notice(date=dt.date(2022, 1, 13), title="その2")
    second = make_notice(date=dt.date(2022, 1, 20), title="その3")
    make_rule(
        group=group,
        interval_months=7,
        effective_from=dt.date(2022, 3, 1),
        effective_to=dt.date(2022, 3, 31),
        notice=first,
    )
    client.force_login(secretariat_user)
    response = _post_rule(
        client, _rule_form(group, second, effective_from="2022-04-01")
    )
    assert response.status_code == 302
    assert IntervalRule.objects.count() == 2


def test_admin_rejects_one_notice_giving_two_intervals_at_once(
    client, secretariat_user
):
    group = make_group()
    notice = make_notice(date=dt.date(2022, 1, 13))
    make_rule(
        group=group,
        interval_months=6,
        effective_from=dt.date(2022, 3, 1),
        notice=notice,
    )
    client.force_login(secretariat_user)
    response = _post_rule(
        client, _rule_form(group, notice, effective_from="2022-04-01")
    )
    assert response.status_code == 200
    assert (
        "同じ事務連絡が同じ対象に異なる間隔を定めることになります"
        in response.content.decode()
    )


def test_admin_rejects_a_floor_longer_than_the_interval(client, secretariat_user):
    group = make_group()
    notice = make_notice(date=dt.date(2022, 1, 13))
    other = make_notice(date=dt.date(2021, 11, 16), title="8か月")
    make_rule(
        group=group, interval_months=6, effective_from=dt.date(2022, 3, 1), notice=other
    )
    client.force_login(secretariat_user)
    response = _post_rule(
        client, _rule_form(group, notice, kind="floor", interval_months="7")
    )
    assert response.status_code == 200
    assert (
        "有効とみなす下限（7か月）が、同じ期間に適用される接種間隔（6か月）より長くなります"
        in (response.content.decode())
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"effective_from": "2022-01-01"},
            "適用開始日を事務連絡の日付（令和4年1月13日）より前にはできません。",
        ),
        ({"effective_to": "2022-02-01"}, "適用終了日は適用開始日以降にしてください。"),
        ({"interval_months": "0"}, "間隔は1か月から36か月の間で入力してください。"),
        ({"interval_months": "37"}, "間隔は1か月から36か月の間で入力してください。"),
        ({"effective_from": "2022-02-30"}, "2022年2月30日という日付はありません。"),
    ],
)
def test_admin_explains_bad_rule_input(client, secretariat_user, overrides, message):
    group = make_group()
    notice = make_notice(date=dt.date(2022, 1, 13))
    client.force_login(secretariat_user)
    response = _post_rule(client, _rule_form(group, notice, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IntervalRule.objects.exists()


def _municipal_form(rule, org, effective_from):
    return {
        "rule": rule.pk,
        "organization": org.pk,
        "effective_from": effective_from,
        "note": "",
    }


def test_admin_adds_a_municipal_date(client, secretariat_user):
    rule = make_rule(
        interval_months=6,
        effective_from=dt.date(2022, 3, 1),
        notice=make_notice(date=dt.date(2022, 1, 13)),
    )
    toyama = make_municipality()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:vaccination_municipalruledate_add"),
        _municipal_form(rule, toyama, "2022-02-07"),
    )
    assert response.status_code == 302
    assert MunicipalRuleDate.objects.get().effective_from == dt.date(2022, 2, 7)


@pytest.mark.parametrize(
    ("effective_from", "message"),
    [
        ("2022-01-12", "事務連絡の日付（令和4年1月13日）より前の日付にはできません。"),
        ("2022-03-02", "国の適用開始日（令和4年3月1日）より後の日付にはできません。"),
    ],
)
def test_admin_rejects_a_bad_municipal_date(
    client, secretariat_user, effective_from, message
):
    rule = make_rule(
        interval_months=6,
        effective_from=dt.date(2022, 3, 1),
        notice=make_notice(date=dt.date(2022, 1, 13)),
    )
    toyama = make_municipality()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:vaccination_municipalruledate_add"),
        _municipal_form(rule, toyama, effective_from),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MunicipalRuleDate.objects.exists()


def test_admin_rejects_a_municipal_date_for_a_department(client, secretariat_user):
    from tests.factories import make_organization

    rule = make_rule()
    dept = make_organization(name="厚生部", kind="department")
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:vaccination_municipalruledate_add"),
        _municipal_form(rule, dept, "2021-12-01"),
    )
    assert response.status_code == 200
    assert "市町村を選んでください。" in response.content.decode()


def test_admin_rejects_a_second_date_for_the_same_rule_and_municipality(
    client, secretariat_user
):
    rule = make_rule(
        interval_months=6,
        effective_from=dt.date(2022, 3, 1),
        notice=make_notice(date=dt.date(2022, 1, 13)),
    )
    toyama = make_municipality()
    MunicipalRuleDate.objects.create(
        rule=rule, organization=toyama, effective_from=dt.date(2022, 2, 1)
    )
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:vaccination_municipalruledate_add"),
        _municipal_form(rule, toyama, "2022-02-14"),
    )
    assert response.status_code == 200
    assert (
        "この市町村のこの規則の適用開始日は既に登録されています。"
        in response.content.decode()
    )


def test_admin_rejects_a_grid_column_not_on_the_first(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:vaccination_gridcolumn_add"),
        {
            "booster_month": "2022-08-15",
            "second_dose_first": "2021-12-01",
            "second_dose_last": "2021-12-01",
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert "月の1日を入力してください。" in response.content.decode()
    assert not GridColumn.objects.exists()


def test_admin_rejects_a_duplicate_venue_date(client, secretariat_user):
    from tests.factories import make_venue_date

    existing = make_venue_date()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:vaccination_venuedate_add"),
        {
            "plan": existing.plan.pk,
            "venue": existing.venue.pk,
            "date": existing.date.isoformat(),
            "target_note": "",
        },
    )
    assert response.status_code == 200
    assert "この日程・会場に同じ日付が既にあります。" in response.content.decode()
    assert VenueDate.objects.count() == 1


def _notice_form(group, rules):
    data = {
        "date": "2022-01-13",
        "issuer": "厚生労働省健康局健康課予防接種室",
        "title": "新しい事務連絡",
        "addressee": "",
        "heading": "",
        "summary": "",
        "text": "",
        "note": "",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for i, (kind, months, start) in enumerate(rules):
        data.update(
            {
                f"rules-{i}-group": group.pk,
                f"rules-{i}-kind": kind,
                f"rules-{i}-interval_months": str(months),
                f"rules-{i}-effective_from": start,
                f"rules-{i}-effective_to": "",
            }
        )
    return data


def test_notice_with_its_rules_is_added_in_one_go(client, secretariat_user):
    group = make_group()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:vaccination_notice_add"),
        _notice_form(
            group, [("recommended", 7, "2022-03-01"), ("floor", 6, "2022-03-01")]
        ),
    )
    assert response.status_code == 302
    notice = Notice.objects.get(title="新しい事務連絡")
    assert sorted(notice.rules.values_list("kind", "interval_months")) == [
        ("floor", 6),
        ("recommended", 7),
    ]


def test_notice_rejects_two_contradicting_rules_added_together(
    client, secretariat_user
):
    group = make_group()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:vaccination_notice_add"),
        _notice_form(
            group,
            [("recommended", 7, "2022-03-01"), ("recommended", 6, "2022-04-01")],
        ),
    )
    assert response.status_code == 200
    assert "同じ事務連絡が同じ対象に異なる間隔を定めることになります" in (
        response.content.decode()
    )
    assert not Notice.objects.filter(title="新しい事務連絡").exists()
    assert not IntervalRule.objects.exists()


def test_moving_the_national_date_before_a_municipal_date_is_rejected(
    client, secretariat_user
):
    rule = make_rule(
        interval_months=6,
        effective_from=dt.date(2022, 3, 1),
        notice=make_notice(date=dt.date(2022, 1, 13)),
    )
    MunicipalRuleDate.objects.create(
        rule=rule, organization=make_municipality(), effective_from=dt.date(2022, 2, 14)
    )
    client.force_login(secretariat_user)
    data = _rule_form(
        rule.group, rule.notice, interval_months="6", effective_from="2022-02-01"
    )
    response = client.post(
        reverse("admin:vaccination_intervalrule_change", args=[rule.pk]), data
    )
    assert response.status_code == 200
    assert "富山市の適用開始日がこの日より後になります。" in response.content.decode()
    rule.refresh_from_db()
    assert rule.effective_from == dt.date(2022, 3, 1)
