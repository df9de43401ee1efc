"""Reports know their row count and the form of their rows without loading the snapshot."""

from django.db import migrations, models


def count_rows(apps, schema_editor):
    Report = apps.get_model("measures", "Report")
    for pk, rows in Report.objects.values_list("pk", "rows"):
        # Bulk update: a published report refuses save(), and this only adds bookkeeping.
        Report.objects.filter(pk=pk).update(row_count=len(rows or []), schema_version=1)


class Migration(migrations.Migration):
    dependencies = [("measures", "0011_reports_roles")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="row_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="aantal rijen"),
        ),
        migrations.AddField(
            model_name="report",
            name="schema_version",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, verbose_name="vorm van de rijen"
            ),
        ),
        migrations.AlterModelOptions(
            name="measuredependency",
            options={
                "ordering": ["depends_on__name", "depends_on_id"],
                "verbose_name": "afhankelijkheid",
                "verbose_name_plural": "afhankelijkheden",
            },
        ),
        migrations.RunPython(count_rows, migrations.RunPython.noop),
    ]
