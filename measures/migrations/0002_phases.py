"""The four phases of the legend exist in every database."""

from django.db import migrations

PHASES = [
    # pk, code, legend label, short label, icon
    (1, "not_started", "Beleidsmatige uitwerking van verbetermaatregel moet nog starten",
     "Nog niet gestart", "○"),
    (2, "policy", "Verbetermaatregel bevindt zich in fase waarin beleid wordt uitgewerkt",
     "Beleid in uitwerking", "◔"),
    (3, "implementation", "Verbetermaatregel bevindt zich in fase van voorbereiden implementatie",
     "Voorbereiden implementatie", "◑"),
    (4, "implemented", "Verbetermaatregel is geïmplementeerd", "Geïmplementeerd", "●"),
]


def create_phases(apps, schema_editor):
    Phase = apps.get_model("measures", "Phase")
    for pk, code, label, short_label, icon in PHASES:
        Phase.objects.update_or_create(
            code=code,
            defaults={"pk": pk, "label": label, "short_label": short_label, "order": pk,
                      "icon": icon},
        )


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]
    operations = [migrations.RunPython(create_phases, migrations.RunPython.noop)]
