"""Published reports (rapportages): freezing the bijlage, and the seed as the first report.

Publishing is one service function in one transaction; the admin action and the seed command
call it. It freezes the rows of the report's source (the live state, or for a reference date
in the past the state rebuilt from history, ``measures.sources.source_for_date``) in their
open-data form (``Row.to_json()``) with the legend of that moment. They are read back only
through ``measures.sources.ReportSource``.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .cache import writing
from .footnotes import missing_numbers
from .models import (
    Ambition,
    Footnote,
    ITDependency,
    LetterLink,
    Measure,
    MeasureDependency,
    ParliamentaryLetter,
    Phase,
    PublishedReportError,
    Report,
    ReportState,
    Theme,
    VMNumber,
    Workstream,
)
from .sources import source_for_date

# The form of a frozen row: 2 is ``Row.to_json()`` (contract fields plus display details).
SNAPSHOT_SCHEMA_VERSION = 2

SEED_DATE = datetime.date(2024, 10, 24)
SEED_TITLE = "Bijlage oktober 2024"
SEED_SLUG = "bijlage-oktober-2024"

# Every model whose history the as-of reconstruction reads.
HISTORY_MODELS = (
    Theme,
    Phase,
    ITDependency,
    Ambition,
    Measure,
    VMNumber,
    ParliamentaryLetter,
    Workstream,
    LetterLink,
    Footnote,
    MeasureDependency,
)


def local_today() -> datetime.date:
    """Today in Amsterdam."""
    return timezone.localdate()


def refuse_missing_footnotes(rows) -> None:
    """Refuse to publish while a footnote marker in the rows has no text."""
    missing = missing_numbers(rows)
    if missing:
        raise PublishError(
            ngettext(
                "Voetnoot %(numbers)s heeft nog geen tekst. Vul die in bij Voetnoten "
                "en publiceer dan opnieuw.",
                "Voetnoten %(numbers)s hebben nog geen tekst. Vul die in bij Voetnoten "
                "en publiceer dan opnieuw.",
                len(missing),
            )
            % {"numbers": ", ".join(str(number) for number in missing)}
        )


APPROVE_REPORTS = "measures.approve_report"
PUBLISH_REPORTS = "measures.change_report"


class PublishError(ValidationError):
    """A draft that cannot be published yet: each message says what is missing."""


def publish_problems(
    report: Report, *, approval_required: bool = True, check_letter: bool = True
) -> list[str]:
    """Why this draft cannot be published now (empty: it can)."""
    problems = []
    if report.peildatum > local_today():
        problems.append(
            _(
                "De peildatum (%(date)s) ligt in de toekomst: een rapportage toont de stand "
                "op een dag die voorbij is."
            )
            % {"date": date_format(report.peildatum, "SHORT_DATE_FORMAT")}
        )
    if approval_required and report.approved_by_id is None:
        problems.append(_("De rapportage is nog niet vastgesteld door een manager (vier ogen)."))
    if approval_required and check_letter and report.letter_id is None:
        problems.append(_("Kies eerst de Kamerbrief waarmee de rapportage verstuurd wordt."))
    return problems


def approve_report(report: Report, user) -> Report:
    """A manager (or functional administrator) approves a draft someone else prepared."""
    if user is None or not user.has_perm(APPROVE_REPORTS):
        raise PermissionDenied(_("Alleen een manager of functioneel beheerder stelt vast."))
    with writing():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.state == ReportState.PUBLISHED:
            raise PublishedReportError(_("Deze rapportage is al gepubliceerd."))
        if locked.prepared_by_id == user.pk:
            raise PermissionDenied(
                _(
                    "U heeft deze rapportage zelf opgesteld; een ander moet haar vaststellen "
                    "(vier ogen)."
                )
            )
        if locked.approved_by_id is not None:
            raise PublishError(_("Deze rapportage is al vastgesteld."))
        locked.approved_by = user
        locked.approved_at = timezone.now()
        locked._history_user = user
        locked._change_reason = "Vastgesteld"
        locked.save()
    return locked


def publish_report(
    report: Report,
    *,
    user=None,
    published_at: datetime.datetime | None = None,
    approval_required: bool = True,
    letter: ParliamentaryLetter | None = None,
    allow_missing_footnotes: bool = False,
) -> Report:
    """Freeze the rows and legend of a draft report and mark it published, in one transaction.

    Refused (PublishError) with a future peildatum, without approval or without the letter;
    the letter's date and Kamerstuk are copied into the report, so a later edit of the letter
    does not change it. ``letter`` sets the letter in the same transaction (the confirmation
    page chooses it). ``approval_required=False`` only for the seed, a report that went to
    parliament before this application existed. Refused too while a footnote marker has no
    text, unless ``allow_missing_footnotes`` (the seed: it was sent so; its documents say so).
    """
    with writing():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.state == ReportState.PUBLISHED:
            raise PublishedReportError(_("Deze rapportage is al gepubliceerd."))
        if letter is not None:
            locked.letter = letter
        problems = publish_problems(locked, approval_required=approval_required)
        if problems:
            raise PublishError(problems)
        source = source_for_date(locked.peildatum)
        locked.rows = [row.to_json() for row in source.rows()]
        if not allow_missing_footnotes:
            refuse_missing_footnotes(locked.rows)
        locked.legend = [entry.to_json() for entry in source.legend()]
        locked.row_count = len(locked.rows)
        locked.schema_version = SNAPSHOT_SCHEMA_VERSION
        if locked.letter_id is not None:
            locked.letter_date = locked.letter.date
            locked.letter_reference = locked.letter.reference
        locked.state = ReportState.PUBLISHED
        locked.published_at = published_at or timezone.now()
        locked.published_by = user
        locked._history_user = user
        locked._change_reason = "Gepubliceerd"
        if published_at is not None:
            locked._history_date = published_at
        locked.save()
    return locked


def previous_report(report: Report) -> Report | None:
    """The published report just before this one (by reference date, then publishing time)."""
    earlier = [r for r in Report.objects.published().defer("rows", "legend") if r.pk != report.pk]
    if report.is_published:
        key = (report.peildatum, report.published_at, report.pk)
        earlier = [r for r in earlier if (r.peildatum, r.published_at, r.pk) < key]
    else:
        earlier = [r for r in earlier if r.peildatum <= report.peildatum]
    return earlier[-1] if earlier else None


def last_published(count: int = 1) -> list[Report]:
    """The last ``count`` published reports, oldest first."""
    reports = list(Report.objects.published().defer("rows", "legend").reverse()[:count])
    return list(reversed(reports))


def seed_moment(date: datetime.date = SEED_DATE) -> datetime.datetime:
    """The end of the seed's day in Amsterdam: when the seed's history says the data was so."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(date, datetime.time(23, 59, 59), tz)


SEED_REASON = "Seed: bijlage oktober 2024"


def load_seed() -> int:
    """Load the seed fixture and give it its audit trail, in one transaction: the seed never
    exists without history (so every later change has a first version to be compared with)."""
    from django.core.management import call_command

    with writing():
        call_command("loaddata", "bijlage_2024", verbosity=0)
        create_initial_history(seed_moment())
    return Workstream.objects.count()


def staff_edits_exist() -> bool:
    """Whether anything in the audit trail was written by someone other than the seed."""
    return any(
        model.history.exclude(history_change_reason=SEED_REASON).exists()
        for model in HISTORY_MODELS
    )


def create_initial_history(moment: datetime.datetime) -> int:
    """Give every domain object without history a first ("created") record dated ``moment``.

    ``loaddata`` saves raw, so simple-history records nothing; without this the audit trail
    (and the table as of a date) would start empty.
    """
    created = 0
    for model in HISTORY_MODELS:
        history = model.history.model
        known = set(history.objects.values_list("id", flat=True).distinct())
        missing = [obj for obj in model.objects.order_by("pk") if obj.pk not in known]
        if missing:
            model.history.bulk_history_create(
                missing,
                default_date=moment,
                default_change_reason=SEED_REASON,
            )
            created += len(missing)
    return created


def ensure_seed_report() -> Report | None:
    """The seed as the first published report (idempotent): history, then "Bijlage oktober 2024"."""
    if not Workstream.objects.exists():
        return None
    existing = Report.objects.filter(slug=SEED_SLUG).first()
    if existing is not None:
        return existing
    with writing():
        moment = seed_moment()
        create_initial_history(moment)
        report = Report.objects.create(
            title=SEED_TITLE,
            slug=SEED_SLUG,
            peildatum=SEED_DATE,
            letter=ParliamentaryLetter.objects.filter(date=SEED_DATE).order_by("pk").first(),
        )
        # It went to parliament in 2024, before this application: no approval to record here,
        # and with markers 1, 3 and 4 whose text the source lacks.
        return publish_report(
            report, published_at=moment, approval_required=False, allow_missing_footnotes=True
        )
