"""Public pages: the overview (the bijlage, filtered, sorted, paged), a measure's rows, exports."""

import hashlib
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .asof import filter_rows, peildatum_from_request, rows_as_of
from .cache import data_version
from .exports import allows_inline_styles, export_filename, export_response
from .filters import WorkstreamFilter, filter_choices
from .messages import answers_peildatum_errors
from .models import DelayReason, Measure, Phase, Workstream
from .rows import (
    ambition_spans,
    build_rows,
    collect_footnotes,
    group_by_theme,
    iter_rows,
)

TITLE = _("Overzicht verbetermaatregelen invordering Dienst Toeslagen")

# Parameters that change what a page shows but not which rows match.
PAGE_PARAMETER = "page"


def bijlage_context(rows: list[dict], *, legend=None, grouped: bool | None = None) -> dict:
    """What every rendering of the bijlage table needs, from the rows it shows.

    The table keeps its theme rows when each theme's rows are together (the bijlage's order);
    sorted across themes, it shows the theme in a column instead.
    """
    legend = list(Phase.objects.all()) if legend is None else legend
    phase_labels = {phase.code: phase.short_label or phase.label for phase in legend}
    delay_labels = {code: str(label) for code, label in DelayReason.choices}
    for row in rows:
        # Looked up once here, not in a loop per row in the template.
        row["phase_label"] = phase_labels.get(row["phase"], row["phase"])
        row["delay_label"] = delay_labels.get(row["delay_reason"], "")
    ambition_spans(rows)
    groups = group_by_theme(rows)
    if grouped is None:
        grouped = len(groups) == len({row["theme"] for row in rows})
    if not grouped:
        groups = [(None, rows)]
    return {
        "title": TITLE,
        "rows": rows,
        "groups": groups,
        "show_theme": not grouped,
        "legend": legend,
        "footnotes": collect_footnotes(rows),
        "delay_reasons": DelayReason.choices,
    }


def as_of_context(peildatum, filterset, legend) -> dict:
    """reports: the overview's context for ``?peildatum=``, rebuilt from the audit trail.

    The same filters apply, on the row dicts; the whole table shows (no paging, no sorting).
    """
    rows = filter_rows(
        rows_as_of(peildatum), getattr(filterset.form, "cleaned_data", {}), today=peildatum
    )
    per_phase = Counter(row["phase"] for row in rows)
    context = bijlage_context(rows, legend=legend)
    context.update(
        {
            "peildatum": peildatum,
            "total": len(rows),
            "phase_counts": [(phase, per_phase.get(phase.code, 0)) for phase in legend],
            "page_obj": None,
            "page_query": "",
            "filters_text": filterset.describe(),
        }
    )
    if filterset.sort_order:
        context["filters_text"] += " " + gettext(
            "(bij een peildatum in de volgorde van de bijlage)"
        )
    return context


def normalised_query(query_dict, *, drop=()) -> str:
    """The query string with empty values dropped and parameters sorted: one key per view."""
    items = sorted(
        (key, value)
        for key in query_dict
        if key not in drop
        for value in query_dict.getlist(key)
        if value != ""
    )
    return urlencode(items)


def _cache_key(kind: str, query: str) -> str:
    digest = hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    today = timezone.localdate().isoformat()  # "overdue" depends on the day
    return f"measures:{kind}:{data_version()}:{get_language()}:{today}:{digest}"


def lookups() -> tuple[list, dict]:
    """The legend and the filter choices: small tables every page reads, cached per version."""
    key = f"measures:lookups:{data_version()}:{get_language()}"
    value = cache.get(key)
    if value is None:
        value = (list(Phase.objects.all()), filter_choices())
        cache.set(key, value)
    return value


def _filterset(request) -> tuple[WorkstreamFilter, list]:
    legend, choices = lookups()
    filterset = WorkstreamFilter(
        request.GET or None,
        queryset=Workstream.objects.for_overview(),
        today=timezone.localdate(),
        phases=legend,
        choices=choices,
    )
    return filterset, legend


def _errors_text(filterset) -> str:
    lines = [gettext("Deze filters kloppen niet:")]
    for name, errors in filterset.form.errors.items():
        label = filterset.form.fields[name].label if name in filterset.form.fields else name
        lines.extend(f"- {label}: {error}" for error in errors)
    return "\n".join(lines)


@method_decorator(answers_peildatum_errors, name="get")  # reports: bad ?peildatum= → 400/404
class OverviewView(TemplateView):
    """The bijlage as a person knows it: filters, counts, rows grouped by theme, legend."""

    template_name = "measures/overview.html"

    def get(self, request, *args, **kwargs):
        query = normalised_query(request.GET)
        # Per user as well: the page around the table may one day show who is logged in.
        user = request.user.pk if request.user.is_authenticated else "anon"
        key = _cache_key(f"overview:{user}", query)
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
        response = super().get(request, *args, **kwargs)
        response.render()
        if response.status_code == 200:
            cache.set(key, response.content)
        return response

    def render_to_response(self, context, **response_kwargs):
        if context.get("invalid"):
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, legend = _filterset(self.request)
        peildatum = peildatum_from_request(self.request)  # reports: the table as of a date
        export_query = normalised_query(self.request.GET, drop={PAGE_PARAMETER})
        # Clearing the filters (and filtering again) stays on the peildatum.
        clear_query = urlencode({"peildatum": peildatum.isoformat()}) if peildatum else ""
        today_query = normalised_query(self.request.GET, drop={PAGE_PARAMETER, "peildatum"})
        context.update(
            {
                "filter": filterset,
                "form": filterset.form,
                "peildatum": peildatum,
                "clear_url": f"?{clear_query}" if clear_query else self.request.path,
                # "Naar de huidige stand": the same filters, today.
                "today_url": f"?{today_query}" if today_query else self.request.path,
                "export_query": f"?{export_query}" if export_query else "",
                "is_filtered": bool(
                    normalised_query(self.request.GET, drop={"sort", "page", "peildatum"})
                ),
            }
        )
        if filterset.is_bound and not filterset.is_valid():
            context.update(bijlage_context([], legend=legend))
            context.update({"invalid": True, "total": 0, "phase_counts": []})
            return context
        if peildatum:
            context.update(as_of_context(peildatum, filterset, legend))
            return context

        # One scan for everything the filters select: ids in order with their phase. The
        # counts come from it, and only the shown page is then loaded in full (by id).
        matches = list(filterset.qs.values_list("pk", "phase_id"))
        total = len(matches)
        per_phase = Counter(phase_id for _pk, phase_id in matches)
        phase_counts = [(phase, per_phase.get(phase.pk, 0)) for phase in legend]

        paginator = Paginator(matches, settings.OVERVIEW_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get(PAGE_PARAMETER))
        rows = []
        if total:
            ids = [pk for pk, _phase_id in page.object_list]
            # The same dicts as build_rows(for_overview()) (a test keeps them equal), from
            # plain values: no model instances, a fixed number of queries for the page.
            loaded = {
                row["id"]: row
                for row in iter_rows(
                    Workstream.objects.filter(pk__in=ids), chunk_size=len(ids), stream=False
                )
            }
            offset = page.start_index() - 1
            for position, pk in enumerate(ids, start=offset + 1):
                row = loaded.get(pk)
                if row is not None:  # else deleted between the two queries: leave it out
                    row["position"] = position
                    rows.append(row)
        context.update(bijlage_context(rows, legend=legend))
        page_query = normalised_query(self.request.GET, drop={PAGE_PARAMETER})
        context.update(
            {
                "total": total,
                "phase_counts": phase_counts,
                "page_obj": page if paginator.num_pages > 1 else None,
                "page_query": f"{page_query}&" if page_query else "",
                "filters_text": filterset.describe(),
            }
        )
        return context


class MeasureDetailView(TemplateView):
    """A measure with its VM numbers, dependencies and every row it appears in."""

    template_name = "measures/measure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = get_object_or_404(Measure.objects.with_numbers(), slug=kwargs["slug"])
        rows = build_rows(Workstream.objects.for_overview().filter(measure=measure))
        context.update(bijlage_context(rows))
        context["measure"] = measure
        context["dependants"] = measure.dependants.select_related("measure")
        return context


@allows_inline_styles
@answers_peildatum_errors  # reports: bad ?peildatum= → 400/404
def export_view(request, fmt: str):
    """The overview's filtered rows (its query string applies) as a dated download."""
    peildatum = peildatum_from_request(request)  # reports: the table as of a date
    as_of = peildatum or timezone.localdate()
    key = None
    if fmt == "pdf":
        # Only valid filters are cached, so a hit needs no validation (and no query at all).
        key = _cache_key("pdf", normalised_query(request.GET, drop={PAGE_PARAMETER}))
        content = cache.get(key)
        if content is not None:
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="{export_filename(fmt, as_of)}"'
            )
            return response
    # With the legend's short phase labels, as on the page, in the line naming the filters.
    filterset, _legend = _filterset(request)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponseBadRequest(
            _errors_text(filterset), content_type="text/plain; charset=utf-8"
        )
    # Plain values, chunk by chunk: the CSV streams them, with memory staying flat.
    rows = iter_rows(filterset.qs)
    if peildatum:  # reports: rebuilt from the audit trail, the same filters on the dicts
        rows = filter_rows(
            rows_as_of(peildatum), getattr(filterset.form, "cleaned_data", {}), today=peildatum
        )
    if fmt != "csv":
        rows = list(rows)
    response = export_response(
        fmt, rows, title=str(TITLE), filters_text=filterset.describe(), as_of=as_of
    )
    if key is not None:
        cache.set(key, response.content)
    return response
