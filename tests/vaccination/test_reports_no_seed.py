"""Eligibility and day marks on data made by the factories, without the seed."""

from __future__ import annotations

import pytest

from tests import factories
from tests.vaccination.test_reports import D
from vaccination import reports

pytestmark = pytest.mark.django_db


def test_group_without_rules_has_no_answer(db):
    group = factories.make_group(code="none", name="規則のない区分")
    assert reports.answer_eligibility(group=group, completed=D(2021, 7, 1)) is None


def test_day_marks_use_the_japanese_holiday_calendar():
    marks = reports.day_marks(
        [D(2022, 2, 11), D(2022, 2, 12), D(2022, 2, 13), D(2022, 2, 14)]
    )
    assert marks == {
        D(2022, 2, 11): "建国記念の日",
        D(2022, 2, 12): "土",
        D(2022, 2, 13): "日",
        D(2022, 2, 14): "",
    }
