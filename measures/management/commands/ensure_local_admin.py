"""Create a local admin account for `make run` and print how to log in.

The password is generated on first use and kept in a git-ignored file, so no secret is
ever committed and every checkout has its own.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_FILE = Path(settings.BASE_DIR) / ".local-admin-password"


class Command(BaseCommand):
    help = "Maakt lokaal een beheerdersaccount 'admin' aan en toont hoe je inlogt."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="Host en poort van de lokale server (make run geeft HOST:PORT mee).",
        )

    def handle(self, *args, address="127.0.0.1:8000", **options):
        User = get_user_model()
        user = User.objects.filter(username="admin").first()
        if user is None or not PASSWORD_FILE.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser("admin", "admin@localhost", password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        password = PASSWORD_FILE.read_text().strip()
        self.stdout.write(
            self.style.SUCCESS(
                f"Lokaal beheer: http://{address}/admin/ "
                f"gebruiker 'admin', wachtwoord '{password}' (staat in {PASSWORD_FILE.name})."
            )
        )
