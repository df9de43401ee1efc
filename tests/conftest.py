"""Shared fixtures: the seed bijlage, the migrated data in transactional tests, a clean cache."""

import pytest
from django.core.management import call_command


@pytest.fixture
def bijlage(db):
    """The real seed bijlage of 2024, loaded as `make run` does."""
    call_command("loaddata", "bijlage_2024", verbosity=0)


@pytest.fixture
def public_data(db):
    """The seed, and (where reports exist) the seed published as the first report."""
    from tests.public_urls import load_public_data

    load_public_data()


@pytest.fixture(autouse=True)
def _dutch_to_begin_with():
    """Each test starts in Dutch: a request in English must not leave English active for the
    code of the next test (Django keeps the last activated language per thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache, so cached renderings never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published_seed(db):
    """The seed with its audit trail, published as the first report "Bijlage oktober 2024"."""
    from measures.reports import ensure_seed_report

    call_command("loaddata", "bijlage_2024", verbosity=0)
    return ensure_seed_report()


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker):
    """What the migrations put in the fresh test database (phases, roles), taken once."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


def _is_transactional(request) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(autouse=True)
def _migrated_data_in_transactional_tests(request):
    """Transactional tests (live server, real concurrency) empty every table when they end, and
    with it the phases and roles the migrations made. Each one starts by putting those back.

    Django's serialized_rollback does this too, but keeps the data on the connection object of
    the main context; Playwright's sync API runs the browser tests in another context.
    """
    if not _is_transactional(request):
        return
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    data = request.getfixturevalue("migrated_data")
    request.getfixturevalue("transactional_db")
    # The flush recreated the content types under new ids; the roles' permissions refer to
    # the original ones.
    ContentType.objects.all().delete()
    connection.creation.deserialize_db_from_string(data)
    ContentType.objects.clear_cache()


@pytest.fixture
def manager(db):
    """A signed-in manager: a user in the "Manager" role, who sees the live state."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("manager", password="Manager-Geheim-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Manager"))
    return user


@pytest.fixture
def manager_client(manager):
    """A test client signed in as a manager."""
    from django.test import Client

    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def anonymous_client(db):
    """A client of a visitor who is not signed in (sees only published reports)."""
    from django.test import Client

    return Client()
