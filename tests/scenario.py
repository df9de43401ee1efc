"""A second state of the bijlage after the seed: one edit of every kind the comparison knows.

Used by the comparison, as-of and dashboard tests. Everything happens on 3 March 2025 (frozen),
after the seed's history of 24 October 2024.
"""

import datetime
import zoneinfo

import time_machine

from measures.models import LetterLink, ParliamentaryLetter, Phase, Workstream
from tests.factories import WorkstreamFactory

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
EDIT_MOMENT = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=AMS)
EDIT_DAY = EDIT_MOMENT.date()

# Seed rows (by primary key in the fixture) and what the scenario does to them.
PHASE_ROW = 3  # not started → policy, with a new status text
HOLD_SET_ROW = 5  # on hold set
HOLD_CLEARED_ROW = 2  # on hold cleared, delay cleared, IT dependency cleared
DELAY_SET_ROW = 8  # delayed for capacity
IT_SET_ROW = 4  # waits for the IT landscape
TARGET_ROW = 14  # target date 01/01/2026 → 01/07/2026
LETTER_ROW = 23  # informed again in a new letter
EXPLANATION_ROW = 1  # explanation edited
REMOVED_ROW = 28  # removed from the bijlage


def make_changes() -> dict:
    """Apply one change of every kind, at EDIT_MOMENT; returns the new row and letter."""
    with time_machine.travel(EDIT_MOMENT, tick=False):
        rows = Workstream.objects.in_bulk()
        row = rows[PHASE_ROW]
        row.phase = Phase.objects.get(code="policy")
        row.status_text = "Beleidsmatige uitwerking loopt sinds januari 2025."
        row.save()
        row = rows[HOLD_SET_ROW]
        row.on_hold = True
        row.save()
        row = rows[HOLD_CLEARED_ROW]
        row.on_hold = False
        row.delay_reason = ""
        row.it_dependency = None
        row.save()
        row = rows[DELAY_SET_ROW]
        row.delay_reason = "capacity"
        row.save()
        row = rows[IT_SET_ROW]
        row.it_dependency_id = 1
        row.save()
        row = rows[TARGET_ROW]
        row.target_date = datetime.date(2026, 7, 1)
        row.save()
        letter = ParliamentaryLetter.objects.create(date=datetime.date(2025, 3, 1))
        LetterLink.objects.create(workstream=rows[LETTER_ROW], letter=letter)
        row = rows[EXPLANATION_ROW]
        row.explanation = row.explanation.replace("Gebruik maken", "Gebruikmaken") + " Nieuw <b>"
        row.save()
        rows[REMOVED_ROW].delete()
        added = WorkstreamFactory(
            theme=rows[PHASE_ROW].theme,
            ambition=rows[PHASE_ROW].ambition,
            measure=rows[REMOVED_ROW].measure,
            phase=Phase.objects.get(code="not_started"),
        )
    return {"added": added, "letter": letter}
