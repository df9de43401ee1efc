"""``manage.py restore FILE [--replace]``: put a backup back (``measures.backup``)."""

from django.core.management.base import BaseCommand, CommandError

from measures.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Zet een backup terug in een lege database (pg_restore bij PostgreSQL, de "
        "backup-API van SQLite). --replace vervangt alles in een database die niet leeg is."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Het backupbestand (van manage.py backup).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Vervang alles wat nu in de database staat door de backup.",
        )

    def handle(self, *args, file, replace=False, **options):
        try:
            restore(file, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup teruggezet uit {file}."))
