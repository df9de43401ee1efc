"""The admin site: its index grouped by task, and Dutch names for django-axes' models.

Policy staff come for the bijlage (rows, reports); the reference data and the users and
security follow. ``BeheerAdminConfig`` takes the place of ``django.contrib.admin`` in
``INSTALLED_APPS``, so ``admin.site`` (and every ``@admin.register``) is this site.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Task groups of the index and the admin's side menu: (key, title, (app_label, ModelName), …).
TASKS = [
    (
        "bijlage",
        _("De bijlage bijwerken"),
        [("measures", "Workstream"), ("measures", "Report")],
    ),
    (
        "referentie",
        _("Referentiegegevens"),
        [
            ("measures", "Measure"),
            ("measures", "VMNumber"),
            ("measures", "Ambition"),
            ("measures", "Theme"),
            ("measures", "ParliamentaryLetter"),
            ("measures", "LetterLink"),
            ("measures", "Footnote"),
            ("measures", "MeasureDependency"),
            ("measures", "ITDependency"),
            ("measures", "Phase"),
        ],
    ),
    (
        "beveiliging",
        _("Gebruikers en beveiliging"),
        [
            ("auth", "User"),
            ("auth", "Group"),
            ("axes", "AccessAttempt"),
            ("axes", "AccessFailureLog"),
            ("axes", "AccessLog"),
        ],
    ),
]

# django-axes has no Dutch catalogue: its model names, translated in locale/ (which Django
# reads before an app's own catalogues). Listed here so makemessages keeps them.
AXES_STRINGS = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Locked Out"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
)


class BeheerSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        if app_label is not None:  # an app's own index page stays as Django makes it
            return super().get_app_list(request, app_label)
        # Not Django's sorting (on every admin page, by lazy names that are translated again
        # at each comparison): the tasks have their own order, the rest is sorted by name.
        apps = sorted(self._build_app_dict(request).values(), key=lambda a: str(a["name"]).lower())
        models = {(app["app_label"], m["object_name"]): m for app in apps for m in app["models"]}
        groups = []
        for key, title, members in TASKS:
            entries = [models.pop(member) for member in members if member in models]
            if entries:
                groups.append(
                    {
                        "name": title,
                        "app_label": key,
                        # A task has no app page: its title leads to its first list.
                        "app_url": entries[0].get("admin_url") or "",
                        "has_module_perms": True,
                        "models": entries,
                    }
                )
        # A model no task lists yet still shows, under its own app.
        for app in apps:
            rest = [m for m in app["models"] if (app["app_label"], m["object_name"]) in models]
            rest.sort(key=lambda model: str(model["name"]))
            if rest:
                groups.append({**app, "models": rest})
        return groups


class BeheerAdminConfig(AdminConfig):
    default_site = "measures.admin_site.BeheerSite"
