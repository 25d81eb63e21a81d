"""Eligibility on the seed's rules: every group around every effective date and
month end; a municipality's own effective date."""

from __future__ import annotations

import datetime as dt

import pytest

from meetings.models import Headquarters
from tests.factories import make_municipal_date, make_municipality
from vaccination import reports
from vaccination.models import IntervalRule, TargetGroup

pytestmark = pytest.mark.django_db

D = dt.date
NOV16, DEC17, JAN13 = D(2021, 11, 16), D(2021, 12, 17), D(2022, 1, 13)
SONO2 = "初回接種完了から8か月以上の経過を待たずに新型コロナワクチンの追加接種を実施する場合の考え方について（その2）"
PROMPT = "追加接種の速やかな実施について"

# group, completed, eligible_from, interval, notice date, valid_from
CASES = [
    # 医療従事者等 and 高齢者施設等: 8 months from 12/1, 6 months from 1/1.
    ("medical", D(2021, 3, 31), D(2021, 12, 1), 8, NOV16, D(2021, 12, 1)),
    ("medical", D(2021, 4, 1), D(2021, 12, 1), 8, NOV16, D(2021, 12, 1)),
    ("medical", D(2021, 4, 30), D(2021, 12, 30), 8, NOV16, D(2021, 12, 30)),
    ("medical", D(2021, 4, 30), D(2021, 12, 30), 8, NOV16, D(2021, 12, 30)),
    ("medical", D(2021, 5, 1), D(2022, 1, 1), 8, NOV16, D(2022, 1, 1)),
    ("medical", D(2021, 5, 2), D(2022, 1, 1), 6, DEC17, D(2022, 1, 1)),
    ("medical", D(2021, 6, 30), D(2022, 1, 1), 6, DEC17, D(2022, 1, 1)),
    ("medical", D(2021, 7, 1), D(2022, 1, 1), 6, DEC17, D(2022, 1, 1)),
    ("medical", D(2021, 7, 2), D(2022, 1, 2), 6, DEC17, D(2022, 1, 2)),
    ("medical", D(2021, 8, 28), D(2022, 2, 28), 6, DEC17, D(2022, 2, 28)),
    ("medical", D(2021, 8, 29), D(2022, 3, 1), 6, DEC17, D(2022, 3, 1)),
    ("medical", D(2021, 8, 31), D(2022, 3, 1), 6, DEC17, D(2022, 3, 1)),
    ("facility", D(2021, 5, 1), D(2022, 1, 1), 8, NOV16, D(2022, 1, 1)),
    ("facility", D(2021, 5, 31), D(2022, 1, 1), 6, DEC17, D(2022, 1, 1)),
    ("facility", D(2021, 9, 30), D(2022, 3, 30), 6, DEC17, D(2022, 3, 30)),
    ("facility", D(2021, 12, 31), D(2022, 7, 1), 6, DEC17, D(2022, 7, 1)),
    # 一般高齢者: 8 from 12/1, 7 from 2/1, 6 from 3/1.
    ("elderly", D(2021, 3, 31), D(2021, 12, 1), 8, NOV16, D(2021, 12, 1)),
    ("elderly", D(2021, 5, 31), D(2022, 1, 31), 8, NOV16, D(2022, 1, 31)),
    ("elderly", D(2021, 6, 1), D(2022, 2, 1), 8, NOV16, D(2022, 2, 1)),
    ("elderly", D(2021, 6, 2), D(2022, 2, 1), 7, DEC17, D(2022, 2, 1)),
    ("elderly", D(2021, 7, 20), D(2022, 2, 20), 7, DEC17, D(2022, 2, 20)),
    ("elderly", D(2021, 7, 28), D(2022, 2, 28), 7, DEC17, D(2022, 2, 28)),
    ("elderly", D(2021, 7, 31), D(2022, 3, 1), 7, DEC17, D(2022, 3, 1)),
    ("elderly", D(2021, 8, 1), D(2022, 3, 1), 7, DEC17, D(2022, 3, 1)),
    ("elderly", D(2021, 8, 2), D(2022, 3, 1), 6, JAN13, D(2022, 3, 1)),
    ("elderly", D(2021, 8, 31), D(2022, 3, 1), 6, JAN13, D(2022, 3, 1)),
    ("elderly", D(2021, 9, 15), D(2022, 3, 15), 6, JAN13, D(2022, 3, 15)),
    ("elderly", D(2021, 12, 31), D(2022, 7, 1), 6, JAN13, D(2022, 7, 1)),
    # その他の一般の者: 8 from 12/1, 7 from 3/1; valid from 6 months from 1/13.
    ("general", D(2021, 4, 30), D(2021, 12, 30), 8, NOV16, D(2021, 12, 30)),
    ("general", D(2021, 5, 12), D(2022, 1, 12), 8, NOV16, D(2022, 1, 12)),
    ("general", D(2021, 6, 30), D(2022, 3, 1), 8, NOV16, D(2022, 1, 13)),
    ("general", D(2021, 7, 1), D(2022, 3, 1), 8, NOV16, D(2022, 1, 13)),
    ("general", D(2021, 7, 2), D(2022, 3, 1), 7, JAN13, D(2022, 1, 13)),
    ("general", D(2021, 7, 13), D(2022, 3, 1), 7, JAN13, D(2022, 1, 13)),
    ("general", D(2021, 7, 14), D(2022, 3, 1), 7, JAN13, D(2022, 1, 14)),
    ("general", D(2021, 7, 31), D(2022, 3, 1), 7, JAN13, D(2022, 1, 31)),
    ("general", D(2021, 8, 1), D(2022, 3, 1), 7, JAN13, D(2022, 2, 1)),
    ("general", D(2021, 8, 2), D(2022, 3, 2), 7, JAN13, D(2022, 2, 2)),
    ("general", D(2021, 8, 31), D(2022, 3, 31), 7, JAN13, D(2022, 3, 1)),
    ("general", D(2021, 10, 31), D(2022, 5, 31), 7, JAN13, D(2022, 5, 1)),
    ("general", D(2021, 12, 31), D(2022, 7, 31), 7, JAN13, D(2022, 7, 1)),
]


@pytest.mark.parametrize(
    ("code", "completed", "eligible", "interval", "notice_date", "valid"), CASES
)
def test_seed_rules_give_the_expected_day(
    vaccination_data, code, completed, eligible, interval, notice_date, valid
):
    group = TargetGroup.objects.get(code=code)
    answer = reports.answer_eligibility(group=group, completed=completed)
    assert answer.eligible_from == eligible
    assert answer.rule.interval_months == interval
    assert answer.rule.notice.date == notice_date
    assert answer.valid_from == valid


def test_general_valid_from_names_the_prompt_notice(vaccination_data):
    group = TargetGroup.objects.get(code="general")
    answer = reports.answer_eligibility(group=group, completed=D(2021, 7, 20))
    assert answer.rule.notice.title == SONO2
    assert answer.valid_rule.notice.title == PROMPT
    assert answer.valid_rule.kind == IntervalRule.Kind.FLOOR
    assert answer.valid_earlier


def test_municipal_date_applies_for_that_municipality_only(vaccination_data):
    toyama = make_municipality(name="富山市", code="162019")
    takaoka = make_municipality(name="高岡市", code="162027", order=20)
    group = TargetGroup.objects.get(code="elderly")
    six = IntervalRule.objects.get(group=group, interval_months=6)
    make_municipal_date(rule=six, organization=toyama, effective_from=D(2022, 2, 1))
    completed = D(2021, 7, 20)

    national = reports.answer_eligibility(group=group, completed=completed)
    own = reports.answer_eligibility(
        group=group, completed=completed, municipality=toyama
    )
    other = reports.answer_eligibility(
        group=group, completed=completed, municipality=takaoka
    )

    assert (national.eligible_from, national.rule.interval_months) == (
        D(2022, 2, 20),
        7,
    )
    assert (own.eligible_from, own.rule.interval_months) == (D(2022, 2, 1), 6)
    assert own.municipal_start and own.rule_start == D(2022, 2, 1)
    assert (other.eligible_from, other.municipal_start) == (D(2022, 2, 20), False)


def test_timeline_of_the_seed(vaccination_data):
    groups = {
        g.code: g
        for g in reports.groups_with_rules(headquarters=Headquarters.objects.get())
    }
    elderly = [
        (p.start, p.end, p.rule.interval_months) for p in groups["elderly"].periods
    ]
    assert elderly == [
        (D(2021, 12, 1), D(2022, 1, 31), 8),
        (D(2022, 2, 1), D(2022, 2, 28), 7),
        (D(2022, 3, 1), None, 6),
    ]
    general = [
        (p.start, p.end, p.rule.interval_months, p.floor and p.floor.interval_months)
        for p in groups["general"].periods
    ]
    assert general == [
        (D(2021, 12, 1), D(2022, 1, 12), 8, None),
        (D(2022, 1, 13), D(2022, 2, 28), 8, 6),
        (D(2022, 3, 1), None, 7, 6),
    ]


def test_booster_grid_of_the_seed(vaccination_data):
    grid = reports.booster_grid(headquarters=Headquarters.objects.get())
    assert [c.label for c in grid["columns"]] == [
        "R3.12月",
        "R4.1月",
        "R4.2月",
        "R4.3月",
        "R4.4月",
        "R4.5月",
        "R4.6月",
        "R4.7月",
    ]
    assert grid["columns"][0].second_dose_label == "R3.3月,4月"
    marked = [[c.text if c else "" for c in row.cell_list] for row in grid["rows"]]
    assert marked[3] == ["", "", "← 1月前倒し可", "← 1月前倒し可", "", "", "", ""]
    assert [(r.category, r.show_category, r.category_span) for r in grid["rows"]] == [
        ("医療従事者等", True, 2),
        ("医療従事者等", False, 1),
        ("高齢者", True, 2),
        ("高齢者", False, 1),
        ("一般", True, 2),
        ("一般", False, 1),
        ("職域", True, 1),
    ]
    # 一般高齢者 with the second dose in R3.7月: from 3/1 (7/31 + 7 months) at the latest.
    assert grid["rows"][3].computed[3] == (D(2022, 2, 1), D(2022, 3, 1))
