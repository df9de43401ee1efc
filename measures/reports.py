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
from django.db import transaction
from django.utils import timezone
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


def publish_report(report: Report, *, published_at: datetime.datetime | None = None) -> Report:
    """Freeze the rows and legend of a draft report and mark it published, in one transaction."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.state == ReportState.PUBLISHED:
            raise PublishedReportError(_("Deze rapportage is al gepubliceerd."))
        source = source_for_date(locked.peildatum)
        locked.rows = [row.to_json() for row in source.rows()]
        locked.legend = [entry.to_json() for entry in source.legend()]
        locked.row_count = len(locked.rows)
        locked.schema_version = SNAPSHOT_SCHEMA_VERSION
        locked.state = ReportState.PUBLISHED
        locked.published_at = published_at or timezone.now()
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
                default_change_reason="Seed: bijlage oktober 2024",
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
    with transaction.atomic():
        moment = seed_moment()
        create_initial_history(moment)
        report = Report.objects.create(
            title=SEED_TITLE,
            slug=SEED_SLUG,
            peildatum=SEED_DATE,
            letter=ParliamentaryLetter.objects.filter(date=SEED_DATE).order_by("pk").first(),
        )
        return publish_report(report, published_at=moment)
