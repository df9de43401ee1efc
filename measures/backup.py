"""Backup and restore of the whole database, exactly: every row, every history record, every
published report (``published_at`` to the microsecond), the guard over published reports.

PostgreSQL: ``pg_dump`` in its custom format (one consistent snapshot) and ``pg_restore``.
SQLite: SQLite's online backup API, a consistent page-by-page copy while the site runs.
The database is the one ``DATABASE_URL`` names. ``manage.py backup`` and ``manage.py restore``
(``make backup``, ``make restore``) call these functions.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .cache import bump_data_version
from .guards import reinstall_after_migrate


class BackupError(Exception):
    """A backup or restore that could not be made; nothing was changed."""


def _connection(alias=DEFAULT_DB_ALIAS):
    connection = connections[alias]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backup van een {connection.vendor}-database wordt niet ondersteund.")
    return connection


def default_path(alias=DEFAULT_DB_ALIAS) -> Path:
    """backups/toeslagen-vm-<UTC time>.sqlite3 or .pgdump, in the checkout."""
    suffix = "sqlite3" if _connection(alias).vendor == "sqlite" else "pgdump"
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "backups" / f"toeslagen-vm-{stamp}.{suffix}"


def _pg_command(tool: str, connection) -> tuple[list[str], dict]:
    """The command line and environment of a PostgreSQL client tool for this database."""
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} ontbreekt; installeer postgresql-client.")
    params = connection.settings_dict
    args = [tool, "--no-owner", "--no-privileges"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [flag, str(params[key])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env


def _run(args, env):
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{args[0]} gaf foutcode {result.returncode}")


def backup(path: Path | str | None = None, alias=DEFAULT_DB_ALIAS) -> Path:
    """Write a consistent copy of the database to ``path`` (written aside, then moved)."""
    connection = _connection(alias)
    path = Path(path) if path else default_path(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:
            # The copy reads the file as it is committed; inside our own write transaction
            # SQLite would wait for that transaction to end, i.e. forever.
            raise BackupError("Een backup kan niet binnen een transactie gemaakt worden.")
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
            (check,) = target.execute("PRAGMA integrity_check").fetchone()
        finally:
            target.close()
        if check != "ok":
            partial.unlink(missing_ok=True)
            raise BackupError(f"De kopie is niet in orde: {check}")
    else:
        args, env = _pg_command("pg_dump", connection)
        _run(
            [*args, "--format=custom", "--file", str(partial), connection.settings_dict["NAME"]],
            env,
        )
    partial.replace(path)
    return path


def database_is_empty(alias=DEFAULT_DB_ALIAS) -> bool:
    """Whether the database has no tables yet (a new, empty database)."""
    return not _connection(alias).introspection.table_names()


def restore(path: Path | str, *, replace: bool = False, alias=DEFAULT_DB_ALIAS) -> None:
    """Put the backup at ``path`` into the database: into an empty one, or (``replace``) over
    everything in it. Afterwards every cached page is stale (the data version is bumped)."""
    connection = _connection(alias)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Het bestand {path} bestaat niet.")
    if not replace and not database_is_empty(alias):
        raise BackupError(
            "De database is niet leeg. Zet de backup terug in een lege database, of geef "
            "--replace om alles in deze database te vervangen."
        )
    if connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (check,) = source.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                raise BackupError(f"De backup is niet in orde: {check}")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        args, env = _pg_command("pg_restore", connection)
        if replace:
            args += ["--clean", "--if-exists"]
        connection.close()
        _run(
            [
                *args,
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(path),
            ],
            env,
        )
    connection.close()
    # A backup made before the guard existed gets it here (or from ``migrate`` afterwards).
    reinstall_after_migrate(None, using=alias)
    if "measures_dataversion" in connection.introspection.table_names():
        bump_data_version()
