"""Load the seed bijlage into an empty database; never overwrite data staff have edited."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from measures.models import Workstream


class Command(BaseCommand):
    help = "Laadt de bijlage van 2024 als de database nog geen rijen heeft."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Laad opnieuw, ook als er al rijen zijn."
        )

    def handle(self, *args, force=False, **options):
        if Workstream.objects.exists() and not force:
            self.stdout.write("De database heeft al rijen; de seed is niet opnieuw geladen.")
            return
        call_command("loaddata", "bijlage_2024", verbosity=0)
        count = Workstream.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Bijlage 2024 geladen: {count} rijen."))
