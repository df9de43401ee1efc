"""The bijlage as it stood at the end of any day, rebuilt from the audit trail.

django-simple-history keeps a historical row for every save and delete of every domain
model (including ``LetterLink``, the rows ↔ letters link). ``rows_as_of(date)`` takes, per
model, the last historical version of each object at the end of that day (Europe/Amsterdam)
and hands their values to ``measures.rows.make_row`` -- one query per model, so the
number of queries does not grow with the rows or with the length of the history.
"""

import datetime
import re
import zoneinfo
from itertools import groupby

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import (
    Ambition,
    Footnote,
    ITDependency,
    LetterLink,
    Measure,
    MeasureDependency,
    ParliamentaryLetter,
    Phase,
    Theme,
    VMNumber,
    Workstream,
)
from .rows import Letter, Row, dependencies_of, make_row, table_order_key

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PeildatumError(ValueError):
    """A reference date that cannot be shown; ``status`` is the HTTP status to answer with."""

    def __init__(self, message, status=400):
        super().__init__(str(message))
        self.message = message
        self.status = status


def end_of_day(date: datetime.date) -> datetime.datetime:
    """The first moment after ``date`` in Amsterdam: history before it is the state of that day."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time.min, tz)


def parse_peildatum(value: str | None) -> datetime.date | None:
    """A ``YYYY-MM-DD`` query value as a date, today or earlier; empty is None.

    Anything else is a PeildatumError (400): a malformed date, or a day that has not
    ended yet -- the table "as it stood" on a day in the future does not exist.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        date = datetime.date.fromisoformat(value)
    except ValueError:
        raise PeildatumError(
            _("De peildatum '%(value)s' is geen geldige datum; gebruik de vorm JJJJ-MM-DD.")
            % {"value": value[:40]}
        ) from None
    if date > timezone.localdate():
        raise PeildatumError(
            _("De peildatum %(date)s ligt in de toekomst; kies vandaag of een eerdere dag.")
            % {"date": date_format(date, "SHORT_DATE_FORMAT")}
        )
    return date


def peildatum_from_request(request) -> datetime.date | None:
    """The ``?peildatum=`` of a request, validated (raises PeildatumError); at most one."""
    values = request.GET.getlist("peildatum")
    if len(values) > 1:
        raise PeildatumError(_("Geef de peildatum maar één keer op."))
    return parse_peildatum(values[0] if values else None)


def _state_at(model, cutoff, fields) -> dict[int, dict]:
    """The last historical version of each object of ``model`` before ``cutoff``, by id.

    Objects whose last version is a deletion did not exist at that moment.
    """
    history = model.history.model
    records = (
        history.objects.filter(history_date__lt=cutoff)
        .order_by("id", "history_date", "history_id")
        .values("id", "history_type", *fields)
    )
    state = {}
    for object_id, versions in groupby(records, key=lambda r: r["id"]):
        last = list(versions)[-1]
        if last["history_type"] != "-":
            state[object_id] = last
    return state


def _phases_at(cutoff) -> dict[int, dict]:
    """Phases as of ``cutoff``; the legend created by a migration has no history, so fall back."""
    fields = ("code", "label", "short_label", "icon", "order")
    state = _state_at(Phase, cutoff, fields)
    for phase in Phase.objects.values("id", *fields):
        state.setdefault(phase["id"], phase)
    return state


def rows_as_of(date: datetime.date) -> list[Row]:
    """The rows of the bijlage at the end of ``date`` (Amsterdam), in table order.

    Raises PeildatumError (404) when the audit trail has no rows on or before that date.
    """
    cutoff = end_of_day(date)
    workstreams = _state_at(
        Workstream,
        cutoff,
        (
            "theme_id",
            "ambition_id",
            "measure_id",
            "order",
            "explanation",
            "status_text",
            "phase_id",
            "on_hold",
            "delay_reason",
            "it_dependency_id",
            "target_date",
        ),
    )
    if not workstreams:
        raise PeildatumError(
            _("Er zijn geen gegevens op %(date)s: de geschiedenis begint later.")
            % {"date": date_format(date, "SHORT_DATE_FORMAT")},
            status=404,
        )
    themes = _state_at(Theme, cutoff, ("name", "slug", "order"))
    ambitions = _state_at(Ambition, cutoff, ("name", "strategy_page"))
    measures = _state_at(Measure, cutoff, ("name", "slug"))
    phases = _phases_at(cutoff)
    it_dependencies = _state_at(ITDependency, cutoff, ("name",))
    letters = _state_at(
        ParliamentaryLetter,
        cutoff,
        ("date", "title", "kamerstuk_year", "kamerstuk_dossier", "kamerstuk_number"),
    )

    numbers_by_measure: dict[int, list[int]] = {}
    for vm in _state_at(VMNumber, cutoff, ("number", "measure_id")).values():
        numbers_by_measure.setdefault(vm["measure_id"], []).append(vm["number"])

    # Each letter once as a ``Letter``: thousands of rows cite the same few letters.
    letters = {pk: Letter(**_letter_dict(letter)) for pk, letter in letters.items()}
    letters_by_row: dict[int, list[Letter]] = {}
    for link in _state_at(LetterLink, cutoff, ("workstream_id", "letter_id")).values():
        letter = letters.get(link["letter_id"])
        if letter is not None:
            letters_by_row.setdefault(link["workstream_id"], []).append(letter)

    footnotes_by_row: dict[int, list[dict]] = {}
    for note in _state_at(
        Footnote, cutoff, ("number", "text", "workstream_id", "location", "anchor")
    ).values():
        if note["workstream_id"] is not None:
            footnotes_by_row.setdefault(note["workstream_id"], []).append(note)

    dependencies_by_measure: dict[int, list[dict]] = {}
    for dep in _state_at(
        MeasureDependency, cutoff, ("measure_id", "depends_on_id", "note")
    ).values():
        dependencies_by_measure.setdefault(dep["measure_id"], []).append(dep)

    ordered = sorted(
        workstreams.values(),
        key=lambda ws: table_order_key(
            {
                "theme__order": themes.get(ws["theme_id"], {"order": 0})["order"],
                "theme_id": ws["theme_id"],
                "order": ws["order"],
                "pk": ws["id"],
            }
        ),
    )
    rows = []
    for ws in ordered:
        theme = themes.get(ws["theme_id"])
        measure = measures.get(ws["measure_id"])
        phase = phases.get(ws["phase_id"])
        if theme is None or measure is None or phase is None:
            continue  # an inconsistent trail (e.g. history switched off); skip, never crash
        ambition = ambitions.get(ws["ambition_id"]) if ws["ambition_id"] else None
        it_dependency = it_dependencies.get(ws["it_dependency_id"])
        rows.append(
            make_row(
                position=len(rows) + 1,
                theme=theme["name"],
                theme_slug=theme["slug"],
                ambition=ambition["name"] if ambition else None,
                strategy_page=ambition["strategy_page"] if ambition else None,
                measure=measure["name"],
                measure_slug=measure["slug"],
                vm_numbers=numbers_by_measure.get(ws["measure_id"], []),
                explanation=ws["explanation"],
                status_text=ws["status_text"],
                phase=phase["code"],
                on_hold=ws["on_hold"],
                it_dependency=ws["it_dependency_id"] is not None,
                it_dependency_name=(it_dependency or {}).get("name"),
                delay_reason=ws["delay_reason"],
                target_date=ws["target_date"],
                letters=letters_by_row.get(ws["id"], ()),
                footnote_marks=footnotes_by_row.get(ws["id"], []),
                depends_on=dependencies_of(
                    [
                        (dep["depends_on_id"], measures[dep["depends_on_id"]]["name"], dep["note"])
                        for dep in dependencies_by_measure.get(ws["measure_id"], [])
                        if dep["depends_on_id"] in measures
                    ],
                    numbers_by_measure,
                ),
                id=ws["id"],
            )
        )
    return rows


def legend_as_of(date: datetime.date) -> list[dict]:
    """The phase legend (code, labels, icon) at the end of ``date``, in legend order."""
    phases = _phases_at(end_of_day(date)).values()
    return [
        {k: p[k] for k in ("code", "label", "short_label", "icon", "order")}
        for p in sorted(phases, key=lambda p: p["order"])
    ]


def _letter_dict(letter: dict) -> dict:
    # An unsaved model instance gives the citation and URL exactly as the live rows do.
    instance = ParliamentaryLetter(
        date=letter["date"],
        kamerstuk_year=letter["kamerstuk_year"],
        kamerstuk_dossier=letter["kamerstuk_dossier"],
        kamerstuk_number=letter["kamerstuk_number"],
    )
    return {
        "date": letter["date"].isoformat(),
        "reference": instance.reference,
        "url": instance.url,
    }
