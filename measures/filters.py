"""Filters and sort orders of the overview, with short stable URL parameters.

Every value in a URL is a readable code that survives a re-import (theme slug, phase code,
VM number, ISO date), never a database id, so a filtered view is a link that keeps working:
``/?theme=verrekening&phase=implementation&phase=policy&vm=25&q=rente&sort=-informed``.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Exists, F, Min, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    DelayReason,
    LetterLink,
    Measure,
    ParliamentaryLetter,
    PhaseCode,
    Theme,
    VMNumber,
    Workstream,
)
from .search import FoldedContainsAll, accent_pattern, fold
from .vmnumbers import parse_vm_numbers

YES, NO = "yes", "no"
YES_NO = [(YES, _("Ja")), (NO, _("Nee"))]

# The bijlage's own order: by theme, then the row's place in its theme.
TABLE_ORDER = ("theme__order", "theme_id", "order", "pk")

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

MAX_QUERY_LENGTH = 200
MAX_SEARCH_TERMS = 10


class IntegerFilter(django_filters.Filter):
    """A whole number (``vm=25``); ``vm=2.5`` or ``vm=abc`` is a form error."""

    field_class = forms.IntegerField


class WorkstreamFilterForm(forms.Form):
    """The filter form; refuses a repeated single-value parameter and an inverted date range."""

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


def _yes_no(qs, value, condition: Q):
    if value == YES:
        return qs.filter(condition)
    if value == NO:
        return qs.exclude(condition)
    return qs


def _informed(**lookups):
    """Whether a row has a letter matching the lookups (EXISTS, so rows never repeat)."""
    return Exists(LetterLink.objects.filter(workstream=OuterRef("pk"), **lookups))


class WorkstreamFilter(django_filters.FilterSet):
    """The overview's filters over ``Workstream.objects.for_overview()``."""

    theme = django_filters.ChoiceFilter(
        field_name="theme__slug", label=_("Thema"), empty_label=_("Alle thema's")
    )
    phase = django_filters.MultipleChoiceFilter(
        field_name="phase__code",
        label=_("Fase"),
        choices=PhaseCode.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # a row has one phase, so it can never repeat
    )
    vm = IntegerFilter(
        field_name="measure__vm_numbers__number",
        label=_("VM-nummer"),
        min_value=1,
        max_value=9999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    q = django_filters.CharFilter(
        method="search",
        label=_("Zoeken in ambitie, maatregel, toelichting en stand van zaken"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    it = django_filters.ChoiceFilter(
        method="filter_it", label=_("IV-afhankelijk"), choices=YES_NO, empty_label=_("Alle")
    )
    hold = django_filters.ChoiceFilter(
        method="filter_hold", label=_("On hold"), choices=YES_NO, empty_label=_("Alle")
    )
    delayed = django_filters.ChoiceFilter(
        method="filter_delayed",
        label=_("Vertraagd"),
        choices=[
            (YES, _("Ja, om welke reden ook")),
            (NO, _("Nee")),
            *[(code, format_lazy("{}: {}", _("Ja"), label)) for code, label in DelayReason.choices],
        ],
        empty_label=_("Alle"),
    )
    informed = django_filters.ChoiceFilter(
        method="filter_informed", label=_("TK geïnformeerd"), choices=YES_NO, empty_label=_("Alle")
    )
    letter = django_filters.ChoiceFilter(
        method="filter_letter", label=_("In de Kamerbrief van"), empty_label=_("Alle brieven")
    )
    informed_from = django_filters.DateFilter(
        method="filter_informed_from",
        label=_("Geïnformeerd vanaf"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    informed_to = django_filters.DateFilter(
        method="filter_informed_to",
        label=_("Geïnformeerd tot en met"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue",
        label=_("Streefdatum verstreken, niet geïmplementeerd"),
        choices=YES_NO,
        empty_label=_("Alle"),
    )
    sort = django_filters.ChoiceFilter(
        method="sort_rows",
        label=_("Sorteren op"),
        choices=SORT_CHOICES,
        empty_label=_("Volgorde van de bijlage"),
    )

    class Meta:
        model = Workstream
        fields = []
        form = WorkstreamFilterForm

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        request=None,
        prefix=None,
        today=None,
        phases=None,
        choices=None,
    ):
        """``phases`` (the legend) and ``choices`` (``filter_choices()``) save their queries."""
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.today = today or datetime.date.today()
        if phases is not None:
            # The legend's short labels read better beside a checkbox than the long ones.
            self.filters["phase"].extra["choices"] = [
                (phase.code, phase.short_label or phase.label) for phase in phases
            ]
        # Shared by validation and rendering, so each is read once.
        choices = choices if choices is not None else filter_choices()
        self.filters["theme"].extra["choices"] = choices["theme"]
        self.filters["letter"].extra["choices"] = choices["letter"]

    # -- filters -------------------------------------------------------------------------

    def search(self, qs, name, value):
        """Every word must occur in the ambition, measure, explanation or status text."""
        terms = fold(value).split()[:MAX_SEARCH_TERMS]
        if not terms:
            return qs
        text = Concat(
            Coalesce("ambition__name", Value("")),
            Value(" "),
            "measure__name",
            Value(" "),
            "explanation",
            Value(" "),
            "status_text",
            output_field=TextField(),
        )
        if connections[qs.db].vendor == "postgresql":
            qs = qs.alias(search_text=text)
            for term in terms:
                qs = qs.filter(search_text__iregex=accent_pattern(term))
            return qs
        # SQLite, the other supported database: each row folded once, in Python, for all terms.
        return qs.filter(FoldedContainsAll(text, terms))

    def filter_it(self, qs, name, value):
        return _yes_no(qs, value, Q(it_dependency__isnull=False))

    def filter_hold(self, qs, name, value):
        return _yes_no(qs, value, Q(on_hold=True))

    def filter_delayed(self, qs, name, value):
        if value in (YES, NO):
            return _yes_no(qs, value, ~Q(delay_reason=""))
        return qs.filter(delay_reason=value) if value else qs

    def filter_informed(self, qs, name, value):
        return _yes_no(qs, value, Q(_informed()))

    def filter_letter(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(_informed(letter__date=datetime.date.fromisoformat(value)))

    def filter_informed_from(self, qs, name, value):
        return qs.filter(_informed(letter__date__gte=value)) if value else qs

    def filter_informed_to(self, qs, name, value):
        return qs.filter(_informed(letter__date__lte=value)) if value else qs

    def filter_overdue(self, qs, name, value):
        overdue = Q(target_date__lt=self.today) & ~Q(phase__code=PhaseCode.IMPLEMENTED)
        return _yes_no(qs, value, overdue)

    def sort_rows(self, qs, name, value):
        """Order by the chosen column, the bijlage's order breaking ties."""
        if not value:
            return qs
        descending = value.startswith("-")
        key = value.lstrip("-")
        if key == "vm":
            qs = qs.alias(
                # MIN() rather than ORDER BY ... LIMIT 1: PostgreSQL then uses the index on
                # measure_id instead of walking the index on number (0.05 ms per row).
                first_vm=Subquery(
                    VMNumber.objects.filter(measure=OuterRef("measure"))
                    .order_by()
                    .values("measure")
                    .annotate(first=Min("number"))
                    .values("first")
                )
            )
            expression = F("first_vm")
        elif key == "page":
            expression = F("ambition__strategy_page")
        elif key == "phase":
            expression = F("phase__order")
        elif key == "informed":
            qs = qs.alias(
                last_informed=Subquery(
                    LetterLink.objects.filter(workstream=OuterRef("pk"))
                    .order_by("-letter__date")
                    .values("letter__date")[:1]
                )
            )
            expression = F("last_informed")
        else:  # theme
            expression = F("theme__order")
        ordered = (
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
        return qs.order_by(ordered, *TABLE_ORDER)

    # -- reading the result --------------------------------------------------------------

    @property
    def sort_order(self) -> str:
        """The chosen sort order ("" is the bijlage's own order)."""
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("sort") or ""
        return ""

    def describe(self) -> str:
        """The active filters in words, for the page, the PDF and the file's metadata."""
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
                shown = value.strftime("%d/%m/%Y")
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


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices of the theme and letter filters, read from the database."""
    return {
        "theme": list(Theme.objects.order_by("order", "name").values_list("slug", "name")),
        "letter": letter_choices(),
    }


def letter_choices() -> list[tuple[str, str]]:
    """The dates of the letters to parliament, as (ISO date, label), oldest first."""
    choices = {}
    for letter in ParliamentaryLetter.objects.order_by("date", "pk"):
        label = letter.date.strftime("%d/%m/%Y")
        if letter.reference:
            label = f"{label} ({letter.reference})"
        choices.setdefault(letter.date.isoformat(), label)
    return list(choices.items())


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
        form = WorkstreamFilterForm  # refuses a parameter given twice, as the overview does

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
