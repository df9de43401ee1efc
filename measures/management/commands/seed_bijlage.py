"""Load the seed bijlage into an empty database; never overwrite data staff have edited.

The seed is loaded together with its audit trail (first history records dated 24 October 2024,
end of day, Amsterdam) and becomes the first published report, "Bijlage oktober 2024".
``--force`` loads it again only while nobody has changed anything since.
"""

from django.core.management.base import BaseCommand, CommandError

from measures.models import Report, Workstream
from measures.reports import SEED_SLUG, ensure_seed_report, load_seed, staff_edits_exist


class Command(BaseCommand):
    help = (
        "Laadt de bijlage van 2024 als de database nog geen rijen heeft, "
        "en publiceert die als de rapportage 'Bijlage oktober 2024'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Laad opnieuw, ook als er al rijen zijn (niet als er al iets gewijzigd is).",
        )

    def handle(self, *args, force=False, **options):
        if Workstream.objects.exists() and not force:
            self.stdout.write("De database heeft al rijen; de seed is niet opnieuw geladen.")
        else:
            if force and staff_edits_exist():
                raise CommandError(
                    "Er zijn al wijzigingen gemaakt na de seed (zie de geschiedenis in het "
                    "beheer); --force zou die terugdraaien. Er is niets geladen."
                )
            count = load_seed()
            self.stdout.write(self.style.SUCCESS(f"Bijlage 2024 geladen: {count} rijen."))
        already_published = Report.objects.filter(slug=SEED_SLUG).exists()
        report = ensure_seed_report()
        if already_published:
            self.stdout.write(f"De rapportage '{report.title}' bestond al; niets gepubliceerd.")
        elif report is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Rapportage '{report.title}' gepubliceerd ({len(report.rows)} rijen)."
                )
            )
