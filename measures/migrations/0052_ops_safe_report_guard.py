"""A trigger refuses UPDATE and DELETE of a published report, on SQLite and PostgreSQL."""

from django.db import migrations


def install(apps, schema_editor):
    from measures.guards import install_report_guard

    install_report_guard(schema_editor.connection)


def remove(apps, schema_editor):
    from measures.guards import remove_report_guard

    remove_report_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0020_versions_pending_import"),
    ]

    operations = [migrations.RunPython(install, remove)]
