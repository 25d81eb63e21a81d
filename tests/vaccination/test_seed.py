"""The seed's 資料4 as data: every rule, notice, venue date and grid cell; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from vaccination import seed
from vaccination.models import (
    IntervalRule,
    Notice,
    Passage,
    VenueDate,
    VenuePlan,
)

pytestmark = pytest.mark.django_db


def test_seed_restores_an_edited_row(vaccination_data):
    rule = IntervalRule.objects.get(group__code="general", interval_months=7)
    rule.effective_from = dt.date(2022, 4, 1)
    rule.save()
    seed.load(headquarters=rule.group.headquarters)
    rule.refresh_from_db()
    assert rule.effective_from == dt.date(2022, 3, 1)
    assert IntervalRule.objects.count() == 10


def test_every_rule_of_the_seed_cites_its_notice(vaccination_data):
    rows = sorted(
        (
            r.group.code,
            r.interval_months,
            r.effective_from,
            r.kind,
            r.notice.date,
        )
        for r in IntervalRule.objects.select_related("group", "notice")
    )
    d = dt.date
    assert rows == [
        ("elderly", 6, d(2022, 3, 1), "recommended", d(2022, 1, 13)),
        ("elderly", 7, d(2022, 2, 1), "recommended", d(2021, 12, 17)),
        ("elderly", 8, d(2021, 12, 1), "recommended", d(2021, 11, 16)),
        ("facility", 6, d(2022, 1, 1), "recommended", d(2021, 12, 17)),
        ("facility", 8, d(2021, 12, 1), "recommended", d(2021, 11, 16)),
        ("general", 6, d(2022, 1, 13), "floor", d(2022, 1, 13)),
        ("general", 7, d(2022, 3, 1), "recommended", d(2022, 1, 13)),
        ("general", 8, d(2021, 12, 1), "recommended", d(2021, 11, 16)),
        ("medical", 6, d(2022, 1, 1), "recommended", d(2021, 12, 17)),
        ("medical", 8, d(2021, 12, 1), "recommended", d(2021, 11, 16)),
    ]


def test_seed_rules_pass_the_admin_validation(vaccination_data):
    for rule in IntervalRule.objects.all():
        rule.full_clean()


def test_notice_texts_are_whole_and_corrected(vaccination_data):
    prompt = Notice.objects.get(title="追加接種の速やかな実施について")
    assert prompt.date == dt.date(2022, 1, 13)
    assert prompt.issuer == "厚生労働省健康局健康課予防接種室"
    assert "交互接種の安全性と効果" in prompt.text
    assert "交互相種" not in prompt.text
    assert "速やかに行っていただくための基礎数値" in prompt.text
    assert "追加接種の速やかな実施を図ること。" in prompt.text
    assert (
        "接種券が届いていない追加接種対象者に対して新型コロナワクチン追加接種"
        in prompt.text
    )
    assert prompt.text.endswith("以上")
    assert len(prompt.paragraphs) == 18
    sono2 = Notice.objects.get(title__endswith="（その2）")
    assert sono2.text.startswith(
        "新型コロナワクチンの追加接種（3回目接種をいう。以下同じ。）"
    )
    assert "\n\n記\n\n1. 一般高齢者に対する追加接種の接種間隔について" in sono2.text
    # 「※別添省略」 is the notice's note, printed once after the text.
    assert sono2.text.endswith("以上")
    assert sono2.note == "別添省略"


def test_venue_dates_before_and_after(vaccination_data):
    def dates(title, added=None):
        qs = VenueDate.objects.filter(plan__title=title)
        if added is not None:
            qs = qs.filter(added=added)
        return sorted((d.venue.area, f"{d.date:%m/%d}") for d in qs)

    assert dates("これまでの予定（1/14発表済み）") == [
        ("県東部会場", "02/05"),
        ("県東部会場", "02/12"),
        ("県東部会場", "02/19"),
        ("県東部会場", "02/26"),
        ("県西部会場", "02/26"),
    ]
    assert dates("前倒し後", added=True) == [
        ("県東部会場", "01/29"),
        ("県東部会場", "02/13"),
        ("県東部会場", "02/27"),
        ("県西部会場", "01/29"),
        ("県西部会場", "02/13"),
        ("県西部会場", "02/27"),
    ]
    assert len(dates("前倒し後")) == 11
    after = VenuePlan.objects.get(title="前倒し後")
    assert after.target_lines == [
        ("高齢者施設の入所者・従事者等", False),
        ("一般の高齢者（2回目接種から7か月経過した方）", True),
    ]
    assert after.opening_date == dt.date(2022, 1, 29)


def test_statements_are_reference_texts(vaccination_data):
    statements = list(Passage.objects.filter(kind="statement"))
    assert [s.source for s in statements] == [
        "1月11日 岸田文雄首相 ぶら下がり会見",
        "1月13日 後藤茂之厚労相 ぶら下がり会見",
        "1月14日 堀内詔子ワクチン担当相 記者会見",
    ]
    assert statements[2].body.endswith("配送することになってまいります。")
