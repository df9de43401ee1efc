"""The roles get their rights on reports (rapportages).

Policy staff prepare and publish reports (publishing is the "change" right; a published report
is frozen anyway); managers read them; functional administrators may do everything.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Beleidsmedewerker": ["view_report", "add_report", "change_report", "delete_report"],
    "Manager": ["view_report"],
    "Functioneel beheerder": ["view_report", "add_report", "change_report", "delete_report"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("measures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="measures", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="measures", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("measures", "0010_reports_report")]
    operations = [migrations.RunPython(grant, revoke)]
