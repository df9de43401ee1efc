"""Roles for the reporting round: the new "Eigenaar" role and the rights on rounds.

- Eigenaar (a member of a team that owns rows): reads everything, changes rows (only those of
  their own team: ``measures.owners``), answers rounds.
- Beleidsmedewerker (coordinator): changes every row, opens and runs rounds.
- Manager: reads rounds; approves (vaststellen) reports someone else prepared.
- Functioneel beheerder: all of it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOMAIN_MODELS = [
    "theme",
    "phase",
    "itdependency",
    "ambition",
    "measure",
    "vmnumber",
    "parliamentaryletter",
    "workstream",
    "letterlink",
    "footnote",
    "measuredependency",
    "report",
]
ROUND_MODELS = ["round", "rounditem", "remindersent"]
ROUND_RIGHTS = [f"{action}_{model}" for model in ROUND_MODELS for action in ("add", "change", "view")]

ROLE_PERMISSIONS = {
    "Eigenaar": [f"view_{model}" for model in DOMAIN_MODELS + ROUND_MODELS]
    + ["change_workstream"],
    "Beleidsmedewerker": ["change_all_workstreams", *ROUND_RIGHTS],
    "Manager": ["approve_report", *[f"view_{model}" for model in ROUND_MODELS]],
    "Functioneel beheerder": [
        "change_all_workstreams",
        "approve_report",
        *ROUND_RIGHTS,
        *[f"delete_{model}" for model in ROUND_MODELS],
    ],
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
    Group.objects.filter(name="Eigenaar").delete()
    for name, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="measures", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("measures", "0040_rounds")]
    operations = [migrations.RunPython(grant, revoke)]
