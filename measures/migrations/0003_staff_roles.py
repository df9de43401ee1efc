"""The three roles exist in every database: Beleidsmedewerker, Manager, Functioneel beheerder.

Permissions are normally created after all migrations (post_migrate); on a fresh database they
do not exist yet, so they are created here first.
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
]

# What policy staff keep current; they only delete rows and "TK geïnformeerd" links.
POLICY_EDITABLE = [
    "workstream",
    "measure",
    "vmnumber",
    "ambition",
    "parliamentaryletter",
    "letterlink",
    "footnote",
    "measuredependency",
]
POLICY_DELETABLE = ["workstream", "letterlink"]

ROLES = {
    "Beleidsmedewerker": (
        [("measures", f"view_{model}") for model in DOMAIN_MODELS]
        + [
            ("measures", f"{action}_{model}")
            for model in POLICY_EDITABLE
            for action in ("add", "change")
        ]
        + [("measures", f"delete_{model}") for model in POLICY_DELETABLE]
    ),
    "Manager": [("measures", f"view_{model}") for model in DOMAIN_MODELS],
    "Functioneel beheerder": (
        [
            ("measures", f"{action}_{model}")
            for model in DOMAIN_MODELS
            for action in ("add", "change", "delete", "view")
        ]
        + [
            ("auth", f"{action}_{model}")
            for model in ("user", "group")
            for action in ("add", "change", "delete", "view")
        ]
        # Lifting a login lockout = deleting the access attempt.
        + [("axes", f"{action}_accessattempt") for action in ("view", "delete")]
        + [("axes", "view_accesslog"), ("axes", "view_accessfailurelog")]
    ),
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for app_label, codename in wanted:
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_phases"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
