"""Every row of every table of a database, for comparing a restored backup with its original.

Imported by tests/test_backup.py for the database under test, and run as a script (printing
the result, pickled) for another database: ``DATABASE_URL=... python tests/table_contents.py``.
Both read through Django's connection, so values come back as the same types on both sides.
"""

import base64
import os
import pickle
import sys


def table_contents(connection) -> dict:
    """{table: (column names, sorted rows)} for every table, and whether the report guard is
    in place."""
    from measures.guards import report_guard_installed

    contents = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            columns = tuple(column[0] for column in cursor.description)
            contents[table] = (columns, sorted(rows, key=repr))
    contents["(guard over published reports)"] = report_guard_installed(connection)
    return contents


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toeslagen_vm.settings")
    import django

    django.setup()
    from django.db import connection

    sys.stdout.write(base64.b64encode(pickle.dumps(table_contents(connection))).decode())
