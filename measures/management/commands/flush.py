"""``flush`` empties every table, published reports included: the one deliberate exception to
the database guard over published reports (``measures.guards``), lifted only while it runs.

PostgreSQL empties tables with TRUNCATE, which the row triggers do not see; SQLite deletes
row by row, so there the guard is dropped for the flush and put back afterwards.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from measures.guards import install_report_guard, remove_report_guard


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        remove_report_guard(connection)
        try:
            return super().handle(**options)
        finally:
            install_report_guard(connection)
