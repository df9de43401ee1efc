"""The one query of the bijlage: each filter and sort order declared once, for every source.

A filter is a django-filter ``Filter`` (its form field and URL parameter) with a
``condition(value, query)`` that returns a ``Condition``: the SQL for the live database and
the row test for every other source (a peildatum, a published report). A test runs every
filter through both sides and checks they select the same rows.

Every value in a URL is a readable code that survives a re-import (theme slug, phase code,
VM number, ISO date), never a database id, so a filtered view is a link that keeps working:
``/?theme=verrekening&phase=implementation&phase=policy&vm=25&q=rente&sort=-informed``.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, Min, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import IRegex
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import DelayReason, LetterLink, Measure, PhaseCode, VMNumber, Workstream
from .rows import TABLE_ORDER, Row
from .search import FoldedContainsAll, accent_pattern, fold, folded
from .vmnumbers import parse_vm_numbers

YES, NO = "yes", "no"
YES_NO = [(YES, _("Ja")), (NO, _("Nee"))]

MAX_QUERY_LENGTH = 200
MAX_SEARCH_TERMS = 10

# "VM 25", "vm25", "VM-25", "vm. 25": a reference to a VM number, in the search box and the
# VM field alike.
VM_REFERENCE = re.compile(r"(?i)^vm[\s.\-]*(\d{1,4})$")
_VM_IN_TEXT = re.compile(r"(?i)\bvm[\s.\-]*(\d{1,4})\b")


@dataclass(frozen=True)
class Condition:
    """One filter's meaning on both kinds of source: SQL on ``Workstream``, a test on a Row."""

    sql: Q | Exists
    test: Callable[[Row], bool]


def _yes_no(value, sql, test) -> Condition | None:
    if value == YES:
        return Condition(sql, test)
    if value == NO:
        return Condition(~sql, lambda row: not test(row))
    return None


def _informed(**lookups) -> Exists:
    """Whether a row has one letter matching all the lookups (EXISTS: rows never repeat)."""
    return Exists(LetterLink.objects.filter(workstream=OuterRef("pk"), **lookups))


def is_overdue(target_date: str | None, phase: str, today: datetime.date) -> bool:
    """The one definition of overdue: a target date before today on a row not implemented."""
    return bool(target_date and target_date < today.isoformat() and phase != PhaseCode.IMPLEMENTED)


def overdue_condition(today: datetime.date) -> Condition:
    """Overdue as SQL and as a row test (the overview's filter, the dashboard's list)."""
    return Condition(
        Q(target_date__lt=today) & ~Q(phase__code=PhaseCode.IMPLEMENTED),
        lambda row: is_overdue(row.target_date, row.phase, today),
    )


def split_search(value: str) -> tuple[list[int], list[str]]:
    """The VM references ("VM 25", "vm25") and the folded words of a search text."""
    numbers = [int(n) for n in _VM_IN_TEXT.findall(value or "")]
    words = fold(_VM_IN_TEXT.sub(" ", value or "")).split()
    return numbers, words[:MAX_SEARCH_TERMS]


def _search_text():
    return Concat(
        Coalesce("ambition__name", Value("")),
        Value(" "),
        "measure__name",
        Value(" "),
        "explanation",
        Value(" "),
        "status_text",
        output_field=TextField(),
    )


def _has_vm(number: int) -> Exists:
    return Exists(VMNumber.objects.filter(measure=OuterRef("measure"), number=number))


# -- conditions, one per filter -----------------------------------------------------------


def _theme(value, query):
    return Condition(Q(theme__slug=value), lambda row: row.theme_slug == value)


def _measure(value, query):
    return Condition(Q(measure__slug=value), lambda row: row.measure_slug == value)


def _phase(values, query):
    wanted = set(values)
    return Condition(Q(phase__code__in=sorted(wanted)), lambda row: row.phase in wanted)


def _vm(value, query):
    return Condition(_has_vm(value), lambda row: value in row.vm_numbers)


def _folded_text(row: Row) -> str:
    """The searched text of a row, as ``_search_text()`` gives it to the database, folded."""
    return folded(row.ambition, row.measure, row.explanation, row.status_text)


def _search(value, query):
    """Every word in ambition, measure, explanation or status text; every VM reference."""
    numbers, terms = split_search(value)
    if not numbers and not terms:
        return None
    sql = Q()
    for number in numbers:
        sql &= Q(_has_vm(number))
    if terms:
        if query.vendor == "postgresql":
            # A case-insensitive regex per word that also accepts accents (measures.search).
            for term in terms:
                sql &= Q(IRegex(_search_text(), accent_pattern(term)))
        else:  # SQLite: each row folded once, in Python, for all words
            sql &= Q(FoldedContainsAll(_search_text(), terms))

    def test(row: Row) -> bool:
        if any(number not in row.vm_numbers for number in numbers):
            return False
        if not terms:
            return True
        text = _folded_text(row)
        return all(term in text for term in terms)

    return Condition(sql, test)


def _it(value, query):
    return _yes_no(value, Q(it_dependency__isnull=False), lambda row: row.it_dependency)


def _hold(value, query):
    return _yes_no(value, Q(on_hold=True), lambda row: row.on_hold)


def _delayed(value, query):
    if value in (YES, NO):
        return _yes_no(value, ~Q(delay_reason=""), lambda row: bool(row.delay_reason))
    return Condition(Q(delay_reason=value), lambda row: row.delay_reason == value)


def _informed_filter(value, query):
    return _yes_no(value, _informed(), lambda row: bool(row.parliament_informed))


def _letter(value, query):
    return Condition(
        _informed(letter__date=datetime.date.fromisoformat(value)),
        lambda row: value in row.parliament_informed,
    )


def _period(value, query):
    """One letter inside the period: both bounds hold for the same letter."""
    start = query.cleaned("informed_from")
    end = query.cleaned("informed_to")
    lookups = {}
    if start:
        lookups["letter__date__gte"] = start
    if end:
        lookups["letter__date__lte"] = end
    low = start.isoformat() if start else ""
    high = end.isoformat() if end else "9999-12-31"
    return Condition(
        _informed(**lookups),
        lambda row: any(low <= date <= high for date in row.parliament_informed),
    )


def _overdue(value, query):
    condition = overdue_condition(query.today)
    return _yes_no(value, condition.sql, condition.test)


# -- sort orders, each declared once --------------------------------------------------------


@dataclass(frozen=True)
class Sort:
    """A sort order: its SQL expression and the same value read from a Row."""

    label: object
    sql: Callable[[], object]
    key: Callable[[Row, "BijlageQuery"], object]


def _first_vm_sql():
    # MIN() rather than ORDER BY ... LIMIT 1: PostgreSQL then uses the index on measure_id.
    return Subquery(
        VMNumber.objects.filter(measure=OuterRef("measure"))
        .order_by()
        .values("measure")
        .annotate(first=Min("number"))
        .values("first")
    )


def _last_informed_sql():
    return Subquery(
        LetterLink.objects.filter(workstream=OuterRef("pk"))
        .order_by("-letter__date")
        .values("letter__date")[:1]
    )


SORTS = {
    "vm": Sort(_("VM-nummer"), _first_vm_sql, lambda row, query: row.first_vm),
    "page": Sort(
        _("Pagina IS"), lambda: F("ambition__strategy_page"), lambda row, q: row.strategy_page
    ),
    "phase": Sort(
        _("Fase"), lambda: F("phase__order"), lambda row, query: query.phase_rank(row.phase)
    ),
    "theme": Sort(
        _("Thema"), lambda: F("theme__order"), lambda row, query: query.theme_rank(row.theme)
    ),
    "informed": Sort(
        _("Laatst geïnformeerd"), _last_informed_sql, lambda row, query: row.last_informed
    ),
}

SORT_CHOICES = [
    ("vm", _("VM-nummer, oplopend")),
    ("-vm", _("VM-nummer, aflopend")),
    ("page", _("Pagina IS, oplopend")),
    ("-page", _("Pagina IS, aflopend")),
    ("phase", _("Fase, van nog niet gestart naar geïmplementeerd")),
    ("-phase", _("Fase, van geïmplementeerd naar nog niet gestart")),
    ("theme", _("Thema, zoals in de bijlage")),
    ("-theme", _("Thema, omgekeerd")),
    ("informed", _("Laatst geïnformeerd, oudste eerst")),
    ("-informed", _("Laatst geïnformeerd, nieuwste eerst")),
]


# -- the filters as form fields ------------------------------------------------------------


class Declared:
    """Mixin: a django-filter Filter that carries its ``condition`` for every source."""

    def __init__(self, *args, condition, **kwargs):
        super().__init__(*args, **kwargs)
        self.condition = condition

    def filter(self, qs, value):  # the query applies conditions itself (BijlageQuery)
        return qs


class ChoiceFilter(Declared, django_filters.ChoiceFilter):
    pass


class MultipleChoiceFilter(Declared, django_filters.MultipleChoiceFilter):
    pass


class CharFilter(Declared, django_filters.CharFilter):
    pass


class DateFilter(Declared, django_filters.DateFilter):
    pass


class VMNumberField(forms.IntegerField):
    """A VM number as people type it: "25", "VM 25", "vm25" or "VM-25"."""

    def to_python(self, value):
        if isinstance(value, str):
            match = VM_REFERENCE.match(value.strip())
            if match:
                value = match.group(1)
        return super().to_python(value)


class VMNumberFilter(Declared, django_filters.Filter):
    field_class = VMNumberField


class BijlageQueryForm(forms.Form):
    """The filter form; refuses a repeated single-value parameter and an inverted period."""

    def clean(self):
        cleaned = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            for name, field in self.fields.items():
                if not isinstance(field, forms.MultipleChoiceField) and len(getlist(name)) > 1:
                    self.add_error(name, gettext("Geef dit filter maar één keer op."))
        start, end = cleaned.get("informed_from"), cleaned.get("informed_to")
        if start and end and start > end:
            self.add_error(
                "informed_to", gettext("De einddatum ligt vóór de begindatum van de periode.")
            )
        return cleaned


def _date_widget():
    # The screen's one date format (toeslagen_vm/formats); ISO links keep working too.
    return forms.DateInput(format="%d/%m/%Y")


class SharedChoices(list):
    """Choices a form reads but never changes: every form shares them, none copies them.

    A form deep-copies its fields' choices; at 10,000 rows that is thousands of measures
    copied for each page.
    """

    def __deepcopy__(self, memo):
        return self


class BijlageQuery(django_filters.FilterSet):
    """Filters and sort order of the bijlage over any source (``measures.sources``).

    ``choices`` (themes, letters) and ``legend`` come from the source being shown, so a
    peildatum or a report offers the themes and letters it has, by the slugs it has.
    """

    q = CharFilter(
        condition=_search,
        label=_("Zoeken in ambitie, maatregel, toelichting en stand van zaken (of VM 25)"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    theme = ChoiceFilter(condition=_theme, label=_("Thema"), empty_label=_("Alle thema's"))
    vm = VMNumberFilter(
        condition=_vm,
        label=_("VM-nummer"),
        min_value=1,
        max_value=9999,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phase = MultipleChoiceFilter(
        condition=_phase,
        label=_("Fase"),
        choices=PhaseCode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    it = ChoiceFilter(
        condition=_it, label=_("IV-afhankelijk"), choices=YES_NO, empty_label=_("Alle")
    )
    hold = ChoiceFilter(condition=_hold, label=_("On hold"), choices=YES_NO, empty_label=_("Alle"))
    delayed = ChoiceFilter(
        condition=_delayed,
        label=_("Vertraagd"),
        choices=[
            (YES, _("Ja, om welke reden ook")),
            (NO, _("Nee")),
            *[(code, format_lazy("{}: {}", _("Ja"), label)) for code, label in DelayReason.choices],
        ],
        empty_label=_("Alle"),
    )
    overdue = ChoiceFilter(
        condition=_overdue,
        label=_("Streefdatum verstreken, niet geïmplementeerd"),
        choices=YES_NO,
        empty_label=_("Alle"),
    )
    informed = ChoiceFilter(
        condition=_informed_filter,
        label=_("TK geïnformeerd"),
        choices=YES_NO,
        empty_label=_("Alle"),
    )
    letter = ChoiceFilter(
        condition=_letter, label=_("In de Kamerbrief van"), empty_label=_("Alle brieven")
    )
    informed_from = DateFilter(
        condition=_period, label=_("Geïnformeerd vanaf"), widget=_date_widget()
    )
    # Part of the same period as informed_from: one condition for both bounds.
    informed_to = DateFilter(
        condition=_period, label=_("Geïnformeerd tot en met"), widget=_date_widget()
    )
    measure = ChoiceFilter(condition=_measure, label=_("Maatregel"), empty_label=_("Alle"))
    sort = django_filters.ChoiceFilter(
        label=_("Sorteren op"), choices=SORT_CHOICES, empty_label=_("Volgorde van de bijlage")
    )

    class Meta:
        model = Workstream  # the live source's rows; other sources use the row tests
        fields = []
        form = BijlageQueryForm

    def __init__(self, data=None, *, choices, legend, today, vendor="sqlite"):
        super().__init__(data)
        self.today = today
        self.vendor = vendor
        self._phase_rank = {phase.code: phase.order for phase in legend}
        self._theme_rank = {name: rank for rank, (_slug, name) in enumerate(choices["theme"])}
        # The legend's short labels read better beside a checkbox than the long ones.
        self.filters["phase"].extra["choices"] = [
            (phase.code, phase.short_label or phase.label) for phase in legend
        ]
        for name in ("theme", "letter", "measure"):
            self.filters[name].extra["choices"] = SharedChoices(choices[name])

    # -- reading the query -----------------------------------------------------------------

    @property
    def valid(self) -> bool:
        return not self.is_bound or self.is_valid()

    def cleaned(self, name):
        if not (self.is_bound and self.is_valid()):
            return None
        return self.form.cleaned_data.get(name)

    def conditions(self) -> list[Condition]:
        """The condition of every filter in use (the period once for its two bounds)."""
        result, seen = [], set()
        for name, declared in self.filters.items():
            value = self.cleaned(name)
            if value in (None, "", []) or not isinstance(declared, Declared):
                continue
            if declared.condition in seen:
                continue
            seen.add(declared.condition)
            condition = declared.condition(value, self)
            if condition is not None:
                result.append(condition)
        return result

    @property
    def sort_order(self) -> str:
        """The chosen sort order ("" is the bijlage's own order)."""
        return self.cleaned("sort") or ""

    def sort_spec(self) -> tuple[Sort | None, bool]:
        """The chosen ``Sort`` (None: table order) and whether it descends."""
        value = self.sort_order
        return (SORTS[value.lstrip("-")], value.startswith("-")) if value else (None, False)

    def phase_rank(self, code: str) -> int:
        return self._phase_rank.get(code, 0)

    def theme_rank(self, theme: str) -> int:
        return self._theme_rank.get(theme, len(self._theme_rank))

    # -- applying it ---------------------------------------------------------------------

    def apply_sql(self, queryset):
        """The live source: filtered and ordered in the database."""
        queryset = queryset.filter(*[condition.sql for condition in self.conditions()])
        sort, descending = self.sort_spec()
        if sort is None:
            return queryset.order_by(*TABLE_ORDER)
        expression = sort.sql()
        ordered = (
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
        return queryset.order_by(ordered, *TABLE_ORDER)

    def apply_rows(self, rows) -> list[Row]:
        """Every other source: the same filters as row tests, the same sort on row values.

        ``rows`` are in the source's table order; ties keep it, as in SQL.
        """
        tests = [condition.test for condition in self.conditions()]
        selected = [row for row in rows if all(test(row) for test in tests)]
        sort, descending = self.sort_spec()
        if sort is not None:
            values = [(sort.key(row, self), row) for row in selected]
            present = [item for item in values if item[0] is not None]
            missing = [row for value, row in values if value is None]
            present.sort(key=lambda item: item[0], reverse=descending)  # stable both ways
            selected = [row for _value, row in present] + missing  # nulls last, as in SQL
        return selected

    def describe(self) -> str:
        """The active filters in words, for the page and the file's metadata."""
        if not (self.is_bound and self.is_valid()):
            return gettext("Alle rijen")
        parts = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", []) or name == "sort":
                continue
            field = self.form.fields[name]
            if isinstance(value, list):
                labels = dict(field.choices)
                # Phase labels come from the database; gettext finds their English text.
                shown = ", ".join(gettext(str(labels.get(v, v))) for v in value)
            elif isinstance(value, datetime.date):
                shown = date_format(value, "SHORT_DATE_FORMAT")
            elif name == "q":
                shown = f"“{value}”"
            elif hasattr(field, "choices"):
                shown = str(dict(field.choices).get(value, value))
            else:
                shown = str(value)
            label = gettext("Zoekterm") if name == "q" else field.label
            parts.append(f"{label}: {shown}")
        text = "; ".join(parts) if parts else gettext("Alle rijen")
        sort = self.form.cleaned_data.get("sort")
        if sort:
            text = f"{text} · {self.form.fields['sort'].label}: {dict(SORT_CHOICES)[sort]}"
        return text

    def errors_text(self) -> str:
        """The form's errors as plain text lines (the answer of an export to bad filters)."""
        lines = [gettext("Deze filters kloppen niet:")]
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else name
            lines.extend(f"- {label}: {error}" for error in errors)
        return "\n".join(lines)


# -- the measure register (/maatregelen/) ----------------------------------------------------

# The register's sort orders: the names of the table's sortable columns (measures/tables.py),
# each ascending and descending ("-"). django-tables2 applies them; the filter only checks them.
REGISTER_SORT_CHOICES = [
    ("name", _("Naam, A tot Z")),
    ("-name", _("Naam, Z tot A")),
    ("vm", _("VM-nummer, oplopend")),
    ("-vm", _("VM-nummer, aflopend")),
    ("rows", _("Aantal rijen, oplopend")),
    ("-rows", _("Aantal rijen, aflopend")),
    ("target", _("Eerstvolgende streefdatum, vroegste eerst")),
    ("-target", _("Eerstvolgende streefdatum, laatste eerst")),
    ("changed", _("Laatste wijziging, oudste eerst")),
    ("-changed", _("Laatste wijziging, nieuwste eerst")),
]


class MeasureFilter(django_filters.FilterSet):
    """The register's search over ``Measure.objects.for_register()``: a name or VM numbers.

    ``VM 25``, ``vm25`` and ``25`` all find VM 25 (``parse_vm_numbers``, as the admin reads
    them; ``23 t/m 29`` finds each of those); any other text is looked for in the name, every
    word, without regard to case or accents.
    """

    q = django_filters.CharFilter(
        method="search",
        label=_("Zoeken op naam of VM-nummer"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sort = django_filters.ChoiceFilter(
        method="checked_only",
        label=_("Sorteren op"),
        choices=REGISTER_SORT_CHOICES,
        empty_label=_("Standaard: naam, A tot Z"),
    )

    class Meta:
        model = Measure
        fields = []
        form = BijlageQueryForm  # refuses a parameter given twice, as the overview does

    def search(self, qs, name, value):
        """Measures whose name holds every word, or that carry one of the VM numbers asked."""
        words = fold(value).split()[:MAX_SEARCH_TERMS]
        if not words:
            return qs
        # A regular expression on SQLite and PostgreSQL alike: measure names are short and few.
        in_name = Q()
        for word in words:
            in_name &= Q(name__iregex=accent_pattern(word))
        try:
            numbers = parse_vm_numbers(value)
        except ValidationError:
            numbers = []
        if not numbers:
            return qs.filter(in_name)
        # EXISTS rather than a join: a join would multiply the register's counts.
        has_number = Exists(VMNumber.objects.filter(measure=OuterRef("pk"), number__in=numbers))
        return qs.filter(in_name | Q(has_number))

    def checked_only(self, qs, name, value):
        """The sort order is applied by the table (django-tables2 reads the same parameter)."""
        return qs
