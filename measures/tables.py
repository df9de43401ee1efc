"""Flat, sortable, paged lists (django-tables2, filters from django-filter).

The bijlage itself is not one of them: it groups its rows under theme rows and merges
ambition cells, which django-tables2 cannot do, so it stays a hand-written template.
"""

import django_filters
import django_tables2 as tables
from django import forms
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Q, Subquery
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableQuerysetData

from . import owners
from .models import Measure, Phase, PhaseCode, RoundItem, RoundItemState, VMNumber, Workstream
from .rows import TABLE_ORDER
from .templatetags.bijlage import nl_date, phase_icon

TABLE_TEMPLATE = "measures/tables/table.html"

# --- "Mijn rijen": the rows of the signed-in user's teams -----------------------------------


def my_rows_queryset(user):
    """The rows the user's teams own, with what the "Mijn rijen" table shows, in fixed queries:
    the first VM number (for sorting), who saved last, and the state in the running round."""
    history = Workstream.history.model.objects.filter(id=OuterRef("pk")).order_by(
        "-history_date", "-history_id"
    )
    current_item = RoundItem.objects.filter(
        workstream=OuterRef("pk"), round__report__isnull=True
    ).order_by("-round__created_at", "-round_id")
    return (
        owners.owned_rows(user)
        .select_related("ambition", "measure", "phase", "owner", "theme")
        .prefetch_related("measure__vm_numbers")
        .annotate(
            # A subquery, not Min() over a join: no GROUP BY over every owned row.
            first_vm=Subquery(
                VMNumber.objects.filter(measure=OuterRef("measure"))
                .order_by("number")
                .values("number")[:1]
            ),
            last_changed_by=Subquery(history.values("history_user__username")[:1]),
            round_state=Subquery(current_item.values("state")[:1]),
            round_item_id=Subquery(current_item.values("pk")[:1]),
            round_id=Subquery(current_item.values("round_id")[:1]),
        )
        .order_by("theme__order", "order", "pk")
    )


class PageByKeyData(TableQuerysetData):
    """django-tables2's data of a queryset, each page read in two steps: the page's keys in the
    table's order, then those rows with everything the table shows.

    The rows of "Mijn rijen" carry per-row subqueries (who saved last, the round's state). On a
    sort the database must do itself (target date, last change), SQLite computed them for every
    owned row before taking one page: 97 ms for the last page of 10,000 rows. The keys alone
    sort without them.
    """

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return super().__getitem__(key)
        keys = list(self.data.values_list("pk", flat=True)[key])
        by_key = {row.pk: row for row in self.data.filter(pk__in=keys).order_by()}
        # A row deleted between the two reads is simply not on the page.
        return [by_key[pk] for pk in keys if pk in by_key]


class MyRowsFilter(django_filters.FilterSet):
    """Filters of "Mijn rijen": free text, phase, round status, team."""

    q = django_filters.CharFilter(
        label=_("Zoeken"), method="search", max_length=200, widget=forms.TextInput()
    )
    phase = django_filters.MultipleChoiceFilter(
        label=_("Fase"),
        field_name="phase__code",
        choices=PhaseCode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    round_state = django_filters.ChoiceFilter(
        label=_("Status in de ronde"),
        choices=[*RoundItemState.choices, ("none", _("Niet in een lopende ronde"))],
        method="filter_round_state",
        empty_label=_("Alle"),
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=owners.teams().none(), empty_label=_("Alle teams")
    )

    class Meta:
        model = Workstream
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = owners.teams().filter(pk__in=owners.team_ids(user))
        # The legend's short labels, as the overview's filter shows them.
        self.filters["phase"].extra["choices"] = [
            (phase.code, phase.short_label or phase.label) for phase in Phase.objects.all()
        ]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(ambition__name__icontains=word)
                | Q(measure__name__icontains=word)
                | Q(status_text__icontains=word)
            )
        return queryset

    def filter_round_state(self, queryset, name, value):
        if value == "none":
            return queryset.filter(round_state__isnull=True)
        return queryset.filter(round_state=value)


class MyRowsTable(tables.Table):
    """ "Mijn rijen": VM, ambition / measure, phase, target date, last change, round status."""

    # Every sort ends in the bijlage's own order: equal values (rows without a target date)
    # keep one order, so a row is on exactly one page.
    vm = tables.Column(
        verbose_name=_("VM"), accessor="first_vm", order_by=("first_vm", *TABLE_ORDER)
    )
    row = tables.Column(
        verbose_name=_("Ambitie / maatregel"),
        empty_values=(),
        order_by=("ambition__name", "measure__name", *TABLE_ORDER),
    )
    phase = tables.Column(verbose_name=_("Fase"), order_by=("phase__order", *TABLE_ORDER))
    target_date = tables.DateColumn(
        verbose_name=_("Streefdatum"),
        format="SHORT_DATE_FORMAT",
        order_by=("target_date", *TABLE_ORDER),
    )
    updated_at = tables.Column(
        verbose_name=_("Laatst gewijzigd"), order_by=("updated_at", *TABLE_ORDER)
    )
    round_state = tables.Column(
        verbose_name=_("Ronde"), empty_values=(), order_by=("round_state", *TABLE_ORDER)
    )
    edit = tables.Column(
        verbose_name=_("Wijzigen"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "my-rows__edit"}},
    )

    class Meta:
        model = Workstream
        fields = []
        sequence = ("vm", "row", "phase", "target_date", "updated_at", "round_state", "edit")
        template_name = TABLE_TEMPLATE
        attrs = {"class": "report-list my-rows", "th": {"scope": "col"}}
        empty_text = _("Uw teams hebben (met deze filters) geen rijen.")
        order_by_field = "sort"
        page_field = "page"

    def render_vm(self, record):
        return record.measure.vm_label or "–"

    def render_row(self, record):
        ambition = record.ambition.name if record.ambition_id else _("N.v.t.")
        return format_html(
            '{}<br><span class="my-rows__measure">{}</span>', ambition, record.measure.name
        )

    def render_phase(self, record):
        return record.phase.short_label or record.phase.label

    def render_updated_at(self, value, record):
        moment = date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        who = record.last_changed_by or _("onbekend")
        return format_html('<time datetime="{}">{}</time>, {}', value.isoformat(), moment, who)

    def render_round_state(self, record):
        if not record.round_state:
            return "–"
        label = RoundItemState(record.round_state).label
        url = reverse("measures:round-item", args=[record.round_id, record.round_item_id])
        return format_html(
            '<a class="round-state round-state--{}" href="{}">{}</a>',
            record.round_state,
            url,
            label,
        )

    def render_edit(self, record):
        url = reverse("admin:measures_workstream_change", args=[record.pk])
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            url,
            _("Wijzigen"),
            record,
        )


REGISTER_PAGE_SIZE = 50


class FixedSizePaginator(Paginator):
    """Pages of ``page_size`` rows whatever the URL asks, counted on a plain queryset.

    django-tables2 takes ``?per_page=`` from the URL: ``-1`` was a 500 and ``100000`` the
    whole list on one page. ``count_from`` is the same selection without the list's
    aggregates, which a count would otherwise compute for every measure.
    """

    def __init__(self, object_list, per_page=None, *, page_size, count_from=None, **kwargs):
        super().__init__(object_list, page_size, **kwargs)
        self.count_from = count_from

    @cached_property
    def count(self):
        return super().count if self.count_from is None else self.count_from.count()


def _nulls_last(queryset, field: str, is_descending: bool):
    """Order by an annotation with empty values last either way (databases differ on NULL)."""
    expression = F(field)
    ordered = expression.desc(nulls_last=True) if is_descending else expression.asc(nulls_last=True)
    return queryset.order_by(ordered, "name", "pk"), True


class MeasureTable(tables.Table):
    """The measure register: each measure with its VM numbers, rows, phases and dates.

    Reads the annotations of ``Measure.objects.for_register()``; the column names are the
    ``sort`` values of ``measures.filters.REGISTER_SORT_CHOICES``.
    """

    caption = _("Verbetermaatregelen")

    name = tables.Column(verbose_name=_("Verbetermaatregel"), linkify=True, order_by=("name", "pk"))
    vm = tables.Column(verbose_name=_("VM-nummers"), accessor="first_vm", default="")
    rows = tables.Column(verbose_name=_("Rijen"), accessor="row_count")
    phases = tables.Column(verbose_name=_("Fasen"), accessor="pk", orderable=False)
    target = tables.Column(
        verbose_name=_("Eerstvolgende streefdatum"), accessor="next_target_date", default=""
    )
    changed = tables.Column(verbose_name=_("Laatste wijziging"), accessor="last_change", default="")

    class Meta:
        model = Measure
        fields = ()
        order_by_field = "sort"
        attrs = {"class": "list-table", "th": {"scope": "col"}}
        empty_text = _("Geen maatregelen gevonden.")

    def __init__(self, data, *, phases, today=None, **kwargs):
        """``phases`` is the legend (in order), for the labels of the phases column."""
        super().__init__(data, **kwargs)
        self.phases = phases
        self.today = today or timezone.localdate()

    # -- cells ---------------------------------------------------------------------------

    def render_vm(self, record):
        return record.vm_label

    def render_phases(self, record):
        """Each phase the measure's rows are in, with how many: "◑ Beleid in uitwerking: 2"."""
        counts = [
            (phase, getattr(record, f"rows_{phase.code}", 0))
            for phase in self.phases
            if getattr(record, f"rows_{phase.code}", 0)
        ]
        if not counts:
            return ""
        return format_html(
            '<ul class="list-table__phases">{}</ul>',
            format_html_join(
                "",
                "<li>{} {}: {}</li>",
                (
                    (phase_icon(phase.code), gettext(phase.short_label or phase.label), count)
                    for phase, count in counts
                ),
            ),
        )

    def render_target(self, value):
        shown = nl_date(value)
        if value < self.today:
            return format_html(
                '<time datetime="{}">{}</time> <span class="badge">{}</span>',
                value.isoformat(),
                shown,
                gettext("verstreken"),
            )
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), shown)

    def render_changed(self, value):
        moment = timezone.localtime(value)
        return format_html(
            '<time datetime="{}">{}</time>', moment.isoformat(), date_filter(moment, "d/m/Y H:i")
        )

    # -- sorting: empty values last, the name breaking ties --------------------------------

    def order_vm(self, queryset, is_descending):
        return _nulls_last(queryset, "first_vm", is_descending)

    def order_rows(self, queryset, is_descending):
        return _nulls_last(queryset, "row_count", is_descending)

    def order_target(self, queryset, is_descending):
        return _nulls_last(queryset, "next_target_date", is_descending)

    def order_changed(self, queryset, is_descending):
        return _nulls_last(queryset, "last_change", is_descending)
