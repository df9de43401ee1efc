"""Backup and restore: a backup put into an empty database gives back every row, every
history record and every published report exactly; the natural-key dumpdata recipe loads."""

import base64
import datetime
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from measures.models import Phase, Report, Theme, Workstream
from measures.reports import publish_report
from tests.factories import ReportFactory, UserFactory
from tests.scenario import make_changes
from tests.table_contents import table_contents

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the same kind as the one under test."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'teruggezet.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    yield f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _in(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_gives_back_every_row_exactly(
    published_seed, empty_database, tmp_path
):
    make_changes()  # an edit of every kind, each with its history record
    second = publish_report(
        ReportFactory(title="Bijlage voorjaar 2025", slug="voorjaar-2025"),
        user=UserFactory(username="publicist", role="Beleidsmedewerker"),
        published_at=timezone.now().replace(microsecond=123456),
    )
    original = table_contents(connection)

    backup = tmp_path / ("backup.sqlite3" if connection.vendor == "sqlite" else "backup.pgdump")
    call_command("backup", str(backup), stdout=io.StringIO())
    _in(empty_database, "manage.py", "restore", str(backup))
    restored = pickle.loads(base64.b64decode(_in(empty_database, "tests/table_contents.py")))

    # The restore bumps the data version (cached pages of before the restore are stale).
    assert restored.pop("measures_dataversion") != original.pop("measures_dataversion")
    assert restored.keys() == original.keys()
    for table in original:
        assert restored[table] == original[table], table
    assert restored["(guard over published reports)"] is True
    assert len(original["measures_historicalworkstream"][1]) > 37
    # The published report to the microsecond (plain dumpdata would cut it to milliseconds).
    columns, rows = restored["measures_report"]
    report = {row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows}
    published_at = report[second.pk]["published_at"]
    if timezone.is_naive(published_at):  # SQLite stores UTC without a zone
        published_at = published_at.replace(tzinfo=datetime.UTC)
    assert published_at == second.published_at
    assert published_at.microsecond == 123456


def test_restore_refuses_a_database_that_is_not_empty(db, tmp_path):
    backup = tmp_path / "backup"
    backup.write_bytes(b"")
    with pytest.raises(CommandError, match="niet leeg"):
        call_command("restore", str(backup))


def test_the_natural_key_dumpdata_recipe_loads_again(bijlage, tmp_path):
    dump = tmp_path / "measures.json"
    call_command(
        "dumpdata",
        "measures",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    records = json.loads(dump.read_text())
    phases = [r for r in records if r["model"] == "measures.phase"]
    assert phases and all("pk" not in r for r in phases)
    before = {
        "rows": list(Workstream.objects.values_list("pk", "theme__slug", "phase__code")),
        "themes": list(Theme.objects.values_list("slug", "name")),
        "phases": list(Phase.objects.values_list("code", "label")),
    }
    call_command("loaddata", str(dump), verbosity=0)
    assert before == {
        "rows": list(Workstream.objects.values_list("pk", "theme__slug", "phase__code")),
        "themes": list(Theme.objects.values_list("slug", "name")),
        "phases": list(Phase.objects.values_list("code", "label")),
    }
    assert Theme.objects.get_by_natural_key("verrekening").slug == "verrekening"
    assert not Report.objects.exists()
