"""App configuration for the domain app."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Verbetermaatregelen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
        from .guards import reinstall_after_migrate
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="measures-sqlite-fold")
        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="measures-guard")
