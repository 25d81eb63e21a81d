"""Admin permissions of the department group, without the seed."""

import pytest

from onechamber.roles import sync_groups

pytestmark = pytest.mark.django_db


def test_department_models_are_granted_to_the_department_group(db):
    groups = sync_groups()
    codenames = set(groups["department"].permissions.values_list("codename", flat=True))
    assert {
        "change_resultrow",
        "add_session",
        "change_session",
        "view_workitem",
    } <= codenames
    assert not any(c.startswith("delete_") for c in codenames)
