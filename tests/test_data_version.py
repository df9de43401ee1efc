"""The data version lives in the database: every app server (each with its own local-memory
cache) shows an edit at once, whoever made it and in whichever process."""

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures import services
from measures.cache import data_version
from measures.models import Workstream


def _worker(name):
    """The cache of one gunicorn worker: local memory of its own (the default setup)."""
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"worker-{name}",
                "TIMEOUT": 60 * 60 * 24,
            }
        }
    )


def test_an_edit_on_one_worker_shows_at_once_on_every_other_worker(bijlage, settings):
    settings.PUBLIC_LIVE_STATE = True  # anonymous visitors see the live state
    url = reverse("measures:overview") + "?theme=verrekening"
    visitor = Client()
    for name in ("a", "b", "c"):
        with _worker(name):
            assert "Zojuist bijgewerkt" not in visitor.get(url).content.decode()

    with _worker("a"):
        row = Workstream.objects.filter(theme__slug="verrekening").first()
        row.status_text = "Zojuist bijgewerkt door de beleidsmedewerker."
        services.save_object(row, reason="Nieuwe stand", expected_version=row.version)

    for name in ("a", "b", "c"):
        with _worker(name):
            assert "Zojuist bijgewerkt" in visitor.get(url).content.decode(), name


def test_loaddata_in_another_process_shows_on_every_worker(bijlage, settings, tmp_path):
    from django.core import serializers
    from django.core.management import call_command

    settings.PUBLIC_LIVE_STATE = True
    url = reverse("measures:overview") + "?theme=verrekening"
    with _worker("a"):
        assert "Uit een andere bron geladen" not in Client().get(url).content.decode()

    row = Workstream.objects.filter(theme__slug="verrekening").first()
    row.status_text = "Uit een andere bron geladen."
    fixture = tmp_path / "rij.json"
    fixture.write_text(serializers.serialize("json", [row]))
    with _worker("command"):  # a management command: a process with a cache of its own
        call_command("loaddata", str(fixture), verbosity=0)

    with _worker("a"):
        assert "Uit een andere bron geladen" in Client().get(url).content.decode()


@pytest.mark.django_db
def test_the_version_changes_in_the_transaction_of_the_write_and_rolls_back_with_it():
    from tests.factories import WorkstreamFactory

    before = data_version()
    with transaction.atomic():
        WorkstreamFactory()
        during = data_version()
        assert during != before
    assert data_version() == during

    try:
        with transaction.atomic():
            WorkstreamFactory()
            assert data_version() != during
            raise RuntimeError("the write fails")
    except RuntimeError:
        pass
    assert data_version() == during


@pytest.mark.django_db
def test_reading_the_version_is_one_query_on_a_one_row_table():
    with CaptureQueriesContext(connection) as ctx:
        data_version()
    assert len(ctx.captured_queries) == 1
    assert "measures_dataversion" in ctx.captured_queries[0]["sql"]


def _version_writes(ctx) -> int:
    return sum(
        1
        for query in ctx.captured_queries
        if query["sql"].startswith("UPDATE") and "measures_dataversion" in query["sql"]
    )


def test_a_batch_of_writes_changes_the_version_once_and_still_shows_everywhere(bijlage, settings):
    """An import of many lines writes the version once, not once per line (and per history
    record): in one ``writing()`` block the inner writes find it bumped already."""
    from measures.cache import writing

    settings.PUBLIC_LIVE_STATE = True
    url = reverse("measures:overview")
    visitor = Client()
    rows = list(Workstream.objects.order_by("pk")[:5])
    with _worker("a"):
        assert "In één partij bijgewerkt" not in visitor.get(url).content.decode()
    before = data_version()
    with CaptureQueriesContext(connection) as ctx, writing():
        for row in rows:
            row.status_text = "In één partij bijgewerkt."
            services.save_object(row, reason="Import", expected_version=row.version)
    assert _version_writes(ctx) == 1
    assert data_version() != before
    with _worker("a"):
        assert visitor.get(url).content.decode().count("In één partij bijgewerkt") == 5

    # On its own, one save still writes the version (once, not again for its history record).
    with CaptureQueriesContext(connection) as ctx:
        services.save_object(rows[0], reason="Los", expected_version=rows[0].version)
    assert _version_writes(ctx) == 1
