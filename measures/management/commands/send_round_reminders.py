"""Cron: e-mail the owners whose rows in a running round are still open (never twice)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from measures.rounds import send_reminders


class Command(BaseCommand):
    help = (
        "Mailt eigenaren van rijen die in een lopende ronde nog open staan: N dagen voor de "
        "deadline en op de deadline zelf, elke herinnering één keer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ROUND_REMINDER_DAYS,
            help="Hoeveel dagen voor de deadline de eerste herinnering gaat (ROUND_REMINDER_DAYS).",
        )

    def handle(self, *args, days, **options):
        sent = send_reminders(days_before=days)
        self.stdout.write(f"{sent} herinnering(en) verstuurd.")
