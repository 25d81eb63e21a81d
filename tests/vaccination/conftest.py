import pytest

from tests.conftest import rolled_back_module_data


def load_vaccination_seed():
    """The organisations and the vaccination data, loaded as load_seed does."""
    from meetings import seed as meetings_seed
    from vaccination import seed as vaccination_seed

    meeting = meetings_seed.load()
    vaccination_seed.load(headquarters=meeting.headquarters)


def load_vaccination_data():
    """The vaccination data of the seed (no meetings, no organisations)."""
    from tests import factories
    from vaccination import seed as vaccination_seed

    vaccination_seed.load(headquarters=factories.make_headquarters())


@pytest.fixture(scope="module")
def vaccination_seed_module(request, django_db_setup, django_db_blocker):
    with rolled_back_module_data(request, django_db_blocker, load_vaccination_seed):
        yield


@pytest.fixture(scope="module")
def vaccination_data_module(request, django_db_setup, django_db_blocker):
    with rolled_back_module_data(request, django_db_blocker, load_vaccination_data):
        yield


@pytest.fixture
def vaccination_seed(vaccination_seed_module, db):
    """Only the organisations and the vaccination data, loaded as load_seed does
    (once per module, like `seed`)."""


@pytest.fixture
def vaccination_data(vaccination_data_module, db):
    """Only the vaccination data of the seed (no meetings, no organisations),
    loaded once per module, like `seed`."""
