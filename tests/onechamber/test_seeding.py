"""The seed loader registry and the sync helpers."""

import pytest

from meetings.models import Person
from onechamber import seeding
from tests import factories


def test_loaders_run_in_installed_apps_order():
    modules = [loader.__module__ for loader in seeding.loaders()]
    assert modules == ["meetings.seed", "workitems.seed", "vaccination.seed"]


def test_a_loader_registered_twice_is_refused():
    loader = seeding.loaders()[0]
    with pytest.raises(ValueError, match="already registered"):
        seeding.register(loader)


@pytest.mark.django_db
def test_sync_writes_nothing_for_an_equal_row(django_assert_num_queries):
    hq = factories.make_headquarters()
    person, created = seeding.sync(
        Person, headquarters=hq, name="新田 八朗", defaults={"kana": "にった"}
    )
    assert created
    with django_assert_num_queries(1):  # the read, no write
        again, created = seeding.sync(
            Person, headquarters=hq, name="新田 八朗", defaults={"kana": "にった"}
        )
    assert (again.pk, created) == (person.pk, False)
    seeding.sync(
        Person, headquarters=hq, name="新田 八朗", defaults={"kana": "にった はちろう"}
    )
    person.refresh_from_db()
    assert person.kana == "にった はちろう"
