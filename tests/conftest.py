import contextlib

import pytest

from tests import factories


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    from django.test.utils import override_settings

    test_settings = override_settings(
        # Tests make a few hundred accounts; the production hasher's deliberate
        # slowness (PBKDF2, about 0.3 s an account) was a third of the suite.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The test client and the live server speak plain HTTP.
        SECURE_SSL_REDIRECT=False,
        # Login throttling is off but in its own tests (`login_throttling`):
        # its backend refuses an authenticate() without a request, as
        # client.login() calls it.
        AXES_ENABLED=False,
        AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"],
    )
    test_settings.enable()
    yield
    test_settings.disable()


@pytest.fixture
def login_throttling(settings):
    """django-axes on, as in production (onechamber/settings.py)."""
    from onechamber import settings as production

    settings.AXES_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = production.AUTHENTICATION_BACKENDS


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """SQLite's test database is a file, not memory, so that a worker process
    a test starts (tests/meetings/test_worker_no_seed.py) opens the same one."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test.sqlite3"
        )


def module_storages(media_root):
    """For data a module loads once (outside any test's settings): plain
    static files and media under `media_root`, as `_plain_static_storage`."""
    from django.test.utils import override_settings

    return override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        MEDIA_ROOT=media_root,
    )


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    # Tests render templates without running collectstatic first.
    # Each test keeps its editions' files apart.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
        "editions": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "editions")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Editions are built where they are asked for (the worker's task, run at
    # once); tests of the worker itself use the database backend.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache is keyed on primary keys and version numbers, which a rolled
    # back test hands out again to the next: no test may read another's.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@contextlib.contextmanager
def rolled_back_module_data(request, django_db_blocker, load):
    """Run `load` once, in a transaction rolled back when the module ends.

    pytest-django's `db` fixture wraps each test in atomic blocks of its own,
    which become savepoints inside this transaction: every test of the module
    sees the data fresh, whatever the test before it wrote. Only one kind of
    module data per module: two would load over each other.
    """
    from django.db import connections, transaction

    module = request.module
    loaded = getattr(module, "_module_data", None)
    if loaded is not None:
        raise RuntimeError(
            f"{module.__name__} asks for {load.__name__} after {loaded}: "
            "tests that need different data belong in different modules"
        )
    module._module_data = load.__name__
    entered = []
    try:
        with django_db_blocker.unblock():
            for alias in connections:
                atomic = transaction.atomic(using=alias)
                atomic.__enter__()
                entered.append((alias, atomic))
            load()
        yield
    finally:
        with django_db_blocker.unblock():
            for alias, atomic in reversed(entered):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
        del module._module_data


def load_seed():
    """The whole seed, by the same code as `manage.py load_seed`."""
    from django.core.management import call_command

    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(scope="module")
def seed_module(request, django_db_setup, django_db_blocker):
    """The seed, loaded once for the module that uses it (see `seed`)."""
    with rolled_back_module_data(request, django_db_blocker, load_seed):
        yield


@pytest.fixture
def seed(seed_module, db):
    """The seed meeting, loaded by the same code as `manage.py load_seed`.

    The seed is loaded once per module: a module that uses it must not hold
    tests that use the database without it (they would see the seed too).
    """
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
