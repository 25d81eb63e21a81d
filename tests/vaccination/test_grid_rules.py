"""The printed booster grid and the interval rules never contradict each
other unmarked: where a cell 「← nか月前倒し可」 lets people into a month the
rules give them no day in, the computed grid marks it with ※ and says that the
printed grid (the ministry's table) decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from meetings.models import Headquarters
from vaccination import reports
from vaccination.models import IntervalRule, Notice

pytestmark = pytest.mark.django_db


def _grid():
    return reports.booster_grid(headquarters=Headquarters.objects.get().pk)


def test_the_seeds_december_advance_is_named_where_the_rules_disagree(
    vaccination_data,
):
    grid = _grid()
    found = {(d["row"], d["column"], d["computed"]) for d in grid["disagreements"]}
    assert found == {
        ("医療従事者等", "R3.12月", dt.date(2022, 1, 1)),
        ("高齢者 高齢者施設等利用者", "R3.12月", dt.date(2022, 1, 1)),
        ("一般 高齢者施設等従事者", "R3.12月", dt.date(2022, 1, 1)),
    }
    # The advances the rules do give (1 month from 令和4年2月) are not marked.
    marked = [
        (row.label, n) for row in grid["rows"] for n, d in enumerate(row.disagree) if d
    ]
    assert all(n == 0 for _label, n in marked)


def test_the_page_marks_the_cells_and_says_which_table_decides(
    client, vaccination_data, viewer_user
):
    client.force_login(viewer_user)
    html = client.get(reverse("vaccination:index")).content.decode()
    assert html.count('<td class="disagree">※') == 3
    text = strip_tags(html)
    assert "前倒しの表は国の事務連絡のとおりで、こちらが優先します" in text
    assert "医療従事者等：R3.12月（← 2か月前倒し可" in text


def test_rules_that_give_the_december_day_leave_nothing_marked(
    client, vaccination_data, viewer_user
):
    """Rules of 6 months from 令和3年12月1日 for the three rows' groups: the
    tables agree, and neither the mark nor the note shows."""
    rows = [row for row in _grid()["rows"] if any(row.disagree)]
    notice = Notice.objects.order_by("date").first()
    for group_id in {row.group_id for row in rows}:
        IntervalRule.objects.create(
            group_id=group_id,
            interval_months=6,
            effective_from=dt.date(2021, 12, 1),
            notice=notice,
        )
    assert _grid()["disagreements"] == []
    client.force_login(viewer_user)
    html = client.get(reverse("vaccination:index")).content.decode()
    assert 'class="disagree"' not in html
    assert "こちらが優先します" not in html
