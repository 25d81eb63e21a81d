import pytest

from tests import factories


@pytest.fixture
def other_department_user(db):
    dept = factories.make_organization(name="土木部", kind="department")
    return factories.make_user(role="department", username="doboku", organization=dept)


@pytest.fixture
def seed_items(seed):
    """The seed's items by name."""
    from workitems.models import WorkItem

    return {item.name: item for item in WorkItem.objects.all()}
