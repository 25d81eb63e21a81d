"""load_seed as a whole, run twice: the vaccination data does not change."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from vaccination.models import (
    GridCell,
    GridColumn,
    GridRow,
    IntervalRule,
    Notice,
    Passage,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)

pytestmark = pytest.mark.django_db


MODELS = [
    TargetGroup,
    Notice,
    IntervalRule,
    Venue,
    VenuePlan,
    VenueDate,
    GridColumn,
    GridRow,
    GridCell,
    Passage,
]


def _snapshot():
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items()))
            for row in model.objects.values()
        )
        for model in MODELS
    }


def test_load_seed_twice_changes_nothing(seed):
    before = _snapshot()
    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == before
    assert {name: len(rows) for name, rows in before.items()} == {
        "TargetGroup": 4,
        "Notice": 4,
        "IntervalRule": 10,
        "Venue": 2,
        "VenuePlan": 2,
        "VenueDate": 16,
        "GridColumn": 8,
        "GridRow": 7,
        "GridCell": 15,
        "Passage": 6,
    }
