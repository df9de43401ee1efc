"""``manage.py backup [FILE]``: a consistent copy of the whole database (``measures.backup``)."""

from django.core.management.base import BaseCommand, CommandError

from measures.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Maakt een backup van de hele database: pg_dump bij PostgreSQL, een consistente kopie "
        "bij SQLite. Zonder bestandsnaam: backups/toeslagen-vm-<tijd>."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Het bestand voor de backup.")

    def handle(self, *args, file=None, **options):
        try:
            path = backup(file or None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup gemaakt: {path}"))
