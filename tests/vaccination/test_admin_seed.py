"""Admin screens against the seed's vaccination data, loaded once for the module."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vaccination.models import (
    GridCell,
    GridColumn,
    GridRow,
    IntervalRule,
    MunicipalRuleDate,
    Notice,
    Passage,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)

pytestmark = pytest.mark.django_db


MODELS = [
    Notice,
    TargetGroup,
    IntervalRule,
    MunicipalRuleDate,
    Venue,
    VenuePlan,
    VenueDate,
    GridColumn,
    GridRow,
    Passage,
]


@pytest.mark.parametrize("model", MODELS)
def test_secretariat_opens_every_list_add_and_change_screen(
    client, vaccination_data, secretariat_user, model
):
    client.force_login(secretariat_user)
    meta = model._meta
    base = f"admin:{meta.app_label}_{meta.model_name}"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    assert client.get(reverse(f"{base}_add")).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200


def test_grid_cell_rejects_a_zero_advance(client, vaccination_data, secretariat_user):
    row = GridRow.objects.first()
    column = GridColumn.objects.last()
    client.force_login(secretariat_user)
    cells = list(row.cells.all())
    data = {
        "category": row.category,
        "label": row.label,
        "group": row.group_id,
        "order": row.order,
        "cells-TOTAL_FORMS": str(len(cells) + 1),
        "cells-INITIAL_FORMS": str(len(cells)),
        "cells-MIN_NUM_FORMS": "0",
        "cells-MAX_NUM_FORMS": "1000",
    }
    for i, cell in enumerate(cells):
        data.update(
            {
                f"cells-{i}-id": cell.pk,
                f"cells-{i}-row": row.pk,
                f"cells-{i}-column": cell.column_id,
                f"cells-{i}-advance_months": cell.advance_months,
                f"cells-{i}-text": cell.text,
            }
        )
    n = len(cells)
    data.update(
        {
            f"cells-{n}-row": row.pk,
            f"cells-{n}-column": column.pk,
            f"cells-{n}-advance_months": "0",
            f"cells-{n}-text": "← 0か月",
        }
    )
    before = GridCell.objects.count()
    response = client.post(
        reverse("admin:vaccination_gridrow_change", args=[row.pk]), data
    )
    assert response.status_code == 200
    assert (
        "前倒しは1か月から12か月の間で入力してください。" in response.content.decode()
    )
    assert GridCell.objects.count() == before
