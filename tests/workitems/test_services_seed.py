"""Data checks on the seed, loaded once for the module (tests/conftest.py)."""

import datetime as dt

import pytest

from workitems import services

pytestmark = pytest.mark.django_db


def test_find_inconsistencies_on_the_seed(seed):
    kinds = [
        f.kind
        for f in services.find_inconsistencies(
            today=dt.date(2022, 6, 1), headquarters=seed.headquarters
        )
    ]
    assert kinds.count("overdue_session") == 2
    assert kinds.count("proposers_differ") == 1
    # 県単医療費 has no results sheet in the seed; the FY2022 items have none yet.
    assert kinds.count("no_results") == 4
