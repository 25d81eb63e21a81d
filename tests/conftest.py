import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seed(db):
    """The seed meeting, loaded by the same code as `manage.py load_seed`."""
    from django.core.management import call_command

    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from meetings.models import Meeting

    return Meeting.objects.get(fiscal_year=2021, number=4)


@pytest.fixture
def secretariat_user(db):
    return factories.make_user(role="secretariat", username="jimukyoku")


@pytest.fixture
def viewer_user(db):
    org = factories.make_municipality(name="富山市", code="162019")
    return factories.make_user(role="viewer", username="toyama", organization=org)


@pytest.fixture
def department_user(db):
    dept = factories.make_organization(name="厚生部", kind="department")
    return factories.make_user(role="department", username="kousei", organization=dept)
