"""Where rows of the bijlage come from: the live database, the state on a date, a report.

Every source gives the same things: its legend, the choices of its filters, and ``select()``
(one page of the filtered, sorted rows with the counts) or ``rows()`` (all of them, for a
download), each through the one query of ``measures.filters`` and the one row builder of
``measures.rows``. Pages, documents and exports never ask which source they have.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import asof
from .cache import data_version
from .filters import BijlageQuery
from .models import (
    Footnote,
    LetterLink,
    Measure,
    MeasureDependency,
    ParliamentaryLetter,
    Phase,
    Report,
    Theme,
    VMNumber,
    Workstream,
    letter_label,
)
from .publication import Heading, live_heading, report_heading
from .rows import Row, dependencies_of, make_row


@dataclass(frozen=True)
class LegendEntry:
    """A phase of the legend as a source knows it (labels can change over time)."""

    code: str
    label: str
    short_label: str
    icon: str
    order: int

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "short_label": self.short_label,
            "icon": self.icon,
            "order": self.order,
        }

    @classmethod
    def from_json(cls, data: dict) -> "LegendEntry":
        return cls(
            code=data["code"],
            label=data.get("label") or data["code"],
            short_label=data.get("short_label") or data.get("label") or data["code"],
            icon=data.get("icon") or "",
            order=data.get("order") or 0,
        )


def legend_from(entries) -> list[LegendEntry]:
    """Legend entries from dicts (a snapshot, the history), in legend order."""
    legend = [LegendEntry.from_json(entry) for entry in entries]
    return sorted(legend, key=lambda entry: entry.order)


@dataclass
class Selection:
    """One page of a source's rows for a query, with the figures of all matching rows."""

    rows: list[Row]
    total: int
    phase_counts: Counter
    page: Page | None


class Source:
    """What every source offers; subclasses give the rows."""

    kind = ""  # "live", "peildatum" or "report"
    as_of: datetime.date

    def legend(self) -> list[LegendEntry]:
        raise NotImplementedError

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        raise NotImplementedError

    def query(self, data=None) -> BijlageQuery:
        """The filter form and query for this source's choices and legend."""
        return BijlageQuery(
            data or None,
            choices=self.choices(),
            legend=self.legend(),
            today=self.as_of,
            vendor=connection.vendor,
        )

    def heading(self) -> Heading:
        """What heads this source's documents: a concept dated with its day."""
        return live_heading(self.as_of)

    def select(self, query: BijlageQuery, page_number=None) -> Selection:
        raise NotImplementedError

    def rows(self, query: BijlageQuery | None = None):
        raise NotImplementedError


def _paginate(items, page_number):
    paginator = Paginator(items, settings.OVERVIEW_PAGE_SIZE)
    page = paginator.get_page(page_number)
    return page, (page if paginator.num_pages > 1 else None)


# -- the live database ----------------------------------------------------------------------

# Columns of a workstream that a row needs, read as plain values (no model instances).
_VALUE_FIELDS = (
    "pk",
    "theme__name",
    "theme__slug",
    "ambition__name",
    "ambition__strategy_page",
    "measure_id",
    "measure__name",
    "measure__slug",
    "explanation",
    "status_text",
    "phase__code",
    "on_hold",
    "it_dependency_id",
    "it_dependency__name",
    "delay_reason",
    "target_date",
)


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class LiveSource(Source):
    """Today's rows, filtered and sorted in the database; only the shown rows are built."""

    kind = "live"

    def __init__(self):
        self.as_of = timezone.localdate()

    def legend(self) -> list[LegendEntry]:
        return self._lookups[0]

    def choices(self):
        return self._lookups[1]

    @cached_property
    def _lookups(self):
        """Legend and filter choices: small tables every page reads, cached per data version
        (and read once per source: a page asks for both, and the query for its choices)."""
        key = f"measures:lookups:{data_version()}"
        value = cache.get(key)
        if value is None:
            legend = legend_from(
                Phase.objects.values("code", "label", "short_label", "icon", "order")
            )
            letters = {}
            for letter in ParliamentaryLetter.objects.order_by("date", "pk"):
                letters.setdefault(
                    letter.date.isoformat(), letter_label(letter.date, letter.reference)
                )
            choices = {
                "theme": list(Theme.objects.order_by("order", "name").values_list("slug", "name")),
                "letter": list(letters.items()),
                # From the small measures table: a DISTINCT over every row cost 10k-row scans.
                "measure": list(Measure.objects.order_by("slug").values_list("slug", "name")),
            }
            value = (legend, choices)
            cache.set(key, value)
        return value

    def _queryset(self, query: BijlageQuery | None):
        queryset = Workstream.objects.all()
        return query.apply_sql(queryset) if query is not None else queryset.in_table_order()

    def select(self, query, page_number=None) -> Selection:
        # One scan for everything the filters select: ids in order with their phase. The
        # counts come from it, and only the shown page is then built in full.
        matches = list(self._queryset(query).values_list("pk", "phase__code"))
        page, shown = _paginate(matches, page_number)
        ids = [pk for pk, _phase in page.object_list]
        built = {row.id: row for row in self._build(Workstream.objects.filter(pk__in=ids), 1)}
        rows = []
        for position, pk in enumerate(ids, start=page.start_index()):
            if pk in built:  # else deleted between the two queries: leave it out
                rows.append(built[pk].at(position))
        return Selection(rows, len(matches), Counter(code for _pk, code in matches), shown)

    def rows(self, query=None):
        """All matching rows in order, built chunk by chunk (a CSV streams them)."""
        return self._build(self._queryset(query), 1, stream=True)

    def _build(self, workstreams, start: int, *, stream: bool = False, chunk_size: int = 500):
        """Rows from plain values: a fixed number of queries per chunk of rows."""
        letters = {
            letter.pk: {"date": letter.date, "reference": letter.reference, "url": letter.url}
            for letter in ParliamentaryLetter.objects.all()
        }
        values = workstreams.values_list(*_VALUE_FIELDS)
        # Streaming is a server-side cursor on PostgreSQL: worth it for a long export only.
        values = values.iterator(chunk_size=chunk_size) if stream else list(values)
        position = start
        for chunk in _chunks(values, chunk_size):
            row_ids = [item[0] for item in chunk]
            measure_ids = {item[5] for item in chunk}
            dependencies = defaultdict(list)
            for measure_id, depends_on_id, name, note in MeasureDependency.objects.filter(
                measure_id__in=measure_ids
            ).values_list("measure_id", "depends_on_id", "depends_on__name", "note"):
                dependencies[measure_id].append((depends_on_id, name, note))
            wanted = measure_ids | {dep[0] for deps in dependencies.values() for dep in deps}
            numbers = defaultdict(list)
            for measure_id, number in VMNumber.objects.filter(measure_id__in=wanted).values_list(
                "measure_id", "number"
            ):
                numbers[measure_id].append(number)
            links = defaultdict(list)
            for row_id, letter_id in LetterLink.objects.filter(
                workstream_id__in=row_ids
            ).values_list("workstream_id", "letter_id"):
                links[row_id].append(letters[letter_id])
            notes = defaultdict(list)
            for row_id, number, text, location, anchor in Footnote.objects.filter(
                workstream_id__in=row_ids
            ).values_list("workstream_id", "number", "text", "location", "anchor"):
                notes[row_id].append(
                    {"number": number, "text": text, "location": location, "anchor": anchor}
                )
            for (
                pk,
                theme,
                theme_slug,
                ambition,
                strategy_page,
                measure_id,
                measure,
                measure_slug,
                explanation,
                status_text,
                phase,
                on_hold,
                it_dependency_id,
                it_dependency_name,
                delay_reason,
                target_date,
            ) in chunk:
                yield make_row(
                    position=position,
                    theme=theme,
                    theme_slug=theme_slug,
                    ambition=ambition,
                    strategy_page=strategy_page,
                    measure=measure,
                    measure_slug=measure_slug,
                    vm_numbers=numbers[measure_id],
                    explanation=explanation,
                    status_text=status_text,
                    phase=phase,
                    on_hold=on_hold,
                    it_dependency=it_dependency_id is not None,
                    it_dependency_name=it_dependency_name,
                    delay_reason=delay_reason,
                    target_date=target_date,
                    letters=links[pk],
                    footnote_marks=notes[pk],
                    depends_on=dependencies_of(dependencies[measure_id], numbers),
                    id=pk,
                )
                position += 1


# -- rows held in memory: a peildatum, a published report -----------------------------------


class RowSet:
    """Rows known in full, in table order, with their legend; filter choices worked out once.

    Sources keep a row set per peildatum and per published report in memory, so a page of
    one does not rebuild or parse thousands of rows again.
    """

    def __init__(self, rows, legend):
        self.rows = tuple(rows)
        self.legend = list(legend)
        self._choices = None

    def choices(self):
        """Themes, letters and measures of these rows, as these rows name them."""
        if self._choices is None:
            themes, letters, measures = {}, {}, {}
            for row in self.rows:
                themes.setdefault(row.theme_slug, row.theme)
                measures.setdefault(row.measure_slug, row.measure)
                for letter in row.letters:
                    if letter.date not in letters:
                        letters[letter.date] = letter_label(
                            datetime.date.fromisoformat(letter.date), letter.reference
                        )
            self._choices = {
                "theme": [(slug, name) for slug, name in themes.items() if slug],
                "letter": sorted(letters.items()),
                "measure": sorted((slug, name) for slug, name in measures.items() if slug),
            }
        return self._choices


class RowsSource(Source):
    """A source whose rows are all known in table order; the query runs as row tests."""

    def __init__(self, row_set: RowSet, as_of: datetime.date):
        self._set = row_set
        self.as_of = as_of

    @property
    def _rows(self):
        return self._set.rows

    def legend(self):
        return self._set.legend

    def choices(self):
        return self._set.choices()

    def select(self, query, page_number=None) -> Selection:
        selected = query.apply_rows(self._rows)
        page, shown = _paginate(selected, page_number)
        rows = [row.at(position) for position, row in enumerate(page, page.start_index())]
        return Selection(rows, len(selected), Counter(row.phase for row in selected), shown)

    def rows(self, query=None):
        selected = query.apply_rows(self._rows) if query is not None else self._rows
        return [row.at(position) for position, row in enumerate(selected, start=1)]


class PeildatumSource(RowsSource):
    """The bijlage at the end of a day, rebuilt from the audit trail (``measures.asof``)."""

    kind = "peildatum"

    def __init__(self, date: datetime.date):
        super().__init__(_state_on(date, data_version()), date)


@lru_cache(maxsize=4)
def _state_on(date: datetime.date, version) -> RowSet:
    """The rows of a past day, rebuilt once per data version (any write starts a new one)."""
    return RowSet(asof.rows_as_of(date), legend_from(asof.legend_as_of(date)))


class ReportSource(RowsSource):
    """A published report's frozen rows and legend, read back through the row type."""

    kind = "report"

    def __init__(self, report: Report):
        self.report = report
        super().__init__(_snapshot(report.pk, report.published_at), report.peildatum)

    def heading(self) -> Heading:
        """The report's full title, with the date and Kamerstuk of its letter."""
        return report_heading(self.report)


@lru_cache(maxsize=8)
def _snapshot(pk: int, published_at) -> RowSet:
    """A published report's rows and legend, parsed once per process.

    A published report never changes (the database refuses it); its id with the moment of
    publication, to the microsecond, names one snapshot even across an emptied and refilled
    database (tests, a restore).
    """
    stored = Report.objects.values_list("rows", "legend").get(pk=pk)
    return RowSet((Row.from_json(row) for row in stored[0]), legend_from(stored[1]))


def forget_row_sets() -> None:
    """Drop the row sets kept in memory (tests that rebuild the database between them)."""
    _state_on.cache_clear()
    _snapshot.cache_clear()


def source_for_date(date: datetime.date) -> Source:
    """Today (or later) is the live state; an earlier day is rebuilt from history."""
    return LiveSource() if date >= timezone.localdate() else PeildatumSource(date)


def report_source(report: Report) -> Source:
    """What a report shows: its snapshot once published, the state on its peildatum before."""
    return ReportSource(report) if report.is_published else source_for_date(report.peildatum)


# -- who sees which source -------------------------------------------------------------------


def sees_live_state(user) -> bool:
    """Signed-in users with a role see the live state; everyone else only what was published.

    ``DJANGO_PUBLIC_LIVE_STATE=true`` makes the live state public (off by default).
    """
    if settings.PUBLIC_LIVE_STATE:
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("measures.view_workstream")
    )


class NothingPublished(Exception):
    """An anonymous visitor asked for the bijlage before any report was published."""

    message = _(
        "Er is nog geen bijlage gepubliceerd. Zodra de eerste rapportage naar de Tweede "
        "Kamer is gestuurd, staat die hier."
    )


def latest_published() -> Report | None:
    """The newest published report (without loading its rows)."""
    return Report.objects.published().defer("rows", "legend").last()


def source_for_request(request) -> Source:
    """The source a page or download shows this visitor.

    Signed in with a role: the live state, or ``?peildatum=`` rebuilt from history. Anyone
    else: the latest published report (raises NothingPublished when there is none). A
    peildatum is for signed-in users only (raises asof.PeildatumError, 403).
    """
    peildatum = asof.peildatum_from_request(request)
    if not sees_live_state(request.user):
        if peildatum is not None:
            raise asof.PeildatumError(
                _(
                    "De stand op een peildatum is alleen zichtbaar na inloggen. Gepubliceerde "
                    "rapportages staan onder Rapportages."
                ),
                status=403,
            )
        report = latest_published()
        if report is None:
            raise NothingPublished()
        return ReportSource(report)
    if peildatum is not None:
        return source_for_date(peildatum)
    return LiveSource()
