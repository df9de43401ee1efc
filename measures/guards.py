"""The database's own guard over published reports: a trigger refuses UPDATE and DELETE.

``Report.save``/``delete`` and its queryset already refuse, but the ORM has routes around them
(``_base_manager``, ``bulk_create(update_conflicts=True)``, ``_raw_delete``, the deletion
collector, deserialize + save as ``loaddata`` does, raw SQL). The triggers below close them
all, on SQLite and PostgreSQL: the database answers IntegrityError.

Installed by migration 0052 and again after every ``migrate`` (a table rebuild on SQLite drops
a table's triggers). Inserting a published report stays possible: that is what a restore does.
Only ``flush`` (empty the whole database, the test runner's reset) lifts the guard, for the
duration of the flush (``measures/management/commands/flush.py``).
"""

MESSAGE = "measures_report: a published report cannot be changed or deleted"

_SQLITE_NAMES = ("measures_report_published_no_update", "measures_report_published_no_delete")

_SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {name}
    BEFORE {event} ON measures_report
    FOR EACH ROW WHEN OLD.state = 'published'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """
    for name, event in zip(_SQLITE_NAMES, ("UPDATE", "DELETE"), strict=True)
]

_POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION measures_report_published_guard() RETURNS trigger AS $$
    BEGIN
        IF OLD.state = 'published' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS measures_report_published_guard ON measures_report",
    """
    CREATE TRIGGER measures_report_published_guard
    BEFORE UPDATE OR DELETE ON measures_report
    FOR EACH ROW EXECUTE FUNCTION measures_report_published_guard()
    """,
]

_SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_NAMES]
_POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS measures_report_published_guard ON measures_report",
    "DROP FUNCTION IF EXISTS measures_report_published_guard()",
]


def _statements(connection, *, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    if connection.vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    return []  # other databases: only the ORM's refusal


def install_report_guard(connection) -> None:
    """Create (or re-create) the triggers; idempotent."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True):
            cursor.execute(sql)


def remove_report_guard(connection) -> None:
    """Drop the triggers (the migration's reverse, and ``flush`` for its duration)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False):
            cursor.execute(sql)


def report_guard_installed(connection) -> bool:
    """Whether the triggers are in place (a check for tests and ``migrate``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)",
                list(_SQLITE_NAMES),
            )
            return cursor.fetchone()[0] == len(_SQLITE_NAMES)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT COUNT(*) FROM pg_trigger WHERE tgname = %s",
                ["measures_report_published_guard"],
            )
            return cursor.fetchone()[0] == 1
    return False


GUARD_MIGRATION = ("measures", "0052_ops_safe_report_guard")


def reinstall_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: put the guard back if a migration rebuilt the table (SQLite does that for
    most column changes, and drops the table's triggers with the old table)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if GUARD_MIGRATION in applied and "measures_report" in connection.introspection.table_names():
        install_report_guard(connection)
