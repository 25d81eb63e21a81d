import pytest


@pytest.fixture
def vaccination_seed(db):
    """Only the organisations and the vaccination data, loaded as load_seed does."""
    from meetings import seed as meetings_seed
    from vaccination import seed as vaccination_seed

    meeting = meetings_seed.load()
    vaccination_seed.load(headquarters=meeting.headquarters)


@pytest.fixture
def vaccination_data(db):
    """Only the vaccination data of the seed (no meetings, no organisations)."""
    from tests import factories
    from vaccination import seed as vaccination_seed

    vaccination_seed.load(headquarters=factories.make_headquarters())
