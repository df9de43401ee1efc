"""Shared fixtures: the seed bijlage, the migrated data in transactional tests, a clean cache."""

import pytest


@pytest.fixture
def bijlage(db):
    """The real seed bijlage of 2024 with its first history, loaded as `make run` does."""
    from measures.reports import load_seed

    load_seed()


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

    from measures.sources import forget_row_sets

    cache.clear()
    forget_row_sets()
    yield
    cache.clear()
    forget_row_sets()


@pytest.fixture
def published_seed(db):
    """The seed with its audit trail, published as the first report "Bijlage oktober 2024".

    The seed went out with footnote markers 1, 3 and 4 whose text the source lacks (its report
    says so). Staff then fill them in, so later reports can be published; dated the seed's
    moment, so the table as of the seed day stays the live table of these tests.
    """
    from measures.models import Footnote
    from measures.reports import ensure_seed_report, load_seed, seed_moment

    load_seed()
    report = ensure_seed_report()
    for note in Footnote.objects.filter(text=""):
        note.text = f"Kamerbrief met voetnoot {note.number}."
        note._history_date = seed_moment()
        note.save()
    return report


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker):
    """What the migrations put in the fresh test database (phases, roles), taken once."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


def _uses_database(request) -> bool:
    if {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return True
    return request.node.get_closest_marker("django_db") is not None


@pytest.fixture(autouse=True)
def _migrated_data_present(request, django_db_blocker):
    """Transactional tests (live server, real concurrency) empty every table when they end, and
    with it the phases and roles the migrations made. The next test of this process that uses
    the database puts those back first, outside its own transaction, whatever kind it is: with
    several test processes (pytest-xdist) a plain test can follow a transactional one.

    Django's serialized_rollback does this too, but keeps the data on the connection object of
    the main context; Playwright's sync API runs the browser tests in another context.
    """
    if not _uses_database(request):
        return
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection

    from measures.models import Phase

    data = request.getfixturevalue("migrated_data")
    with django_db_blocker.unblock():
        if Phase.objects.exists():
            return
        # The flush recreated the content types under new ids; the roles' permissions refer
        # to the original ones.
        ContentType.objects.all().delete()
        connection.creation.deserialize_db_from_string(data)
        ContentType.objects.clear_cache()
        # The rows came back under their own ids; on PostgreSQL the id sequences may be behind
        # them (a test that recreated tables), as loaddata knows: move them past.
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


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


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, with Django's SMTP backend pointed at it.

    Yields the list of received messages (``email.message.EmailMessage``).
    """
    import email
    import socket

    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            received.append(message)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield received
    finally:
        controller.stop()
