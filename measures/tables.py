"""Flat, sortable, paged lists (django-tables2): the measure register.

The bijlage itself is not one of them: it groups its rows under theme rows and merges
ambition cells, which django-tables2 cannot do, so it stays a hand-written template.
"""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import F
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Measure
from .templatetags.bijlage import nl_date, phase_icon

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
