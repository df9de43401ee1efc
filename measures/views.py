"""Public pages: the overview (the bijlage, filtered, sorted, paged), a measure's rows, exports.

Each page asks ``measures.sources.source_for_request`` which rows this visitor may see (the
live state, a peildatum, or the latest published report), runs the one query on that source
and shows the result through the one presenter.
"""

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views.generic import TemplateView

from .cache import data_version
from .exports import FORMATS, cached_download, export_response, store_download
from .messages import answers_source_errors
from .models import Measure
from .presenter import TITLE, present
from .sources import ReportSource, sees_live_state, source_for_request

# The parameter that changes which page of the result shows, not which rows match.
PAGE_PARAMETER = "page"


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


def _cache_prefix(kind: str, request) -> str:
    """What every cached rendering of this kind for this request shares: audience, data
    version (one query), language and day."""
    today = timezone.localdate().isoformat()  # "overdue" depends on the day
    audience = "live" if sees_live_state(request.user) else "public"
    return f"measures:{kind}:{audience}:{data_version()}:{get_language()}:{today}"


def _cache_key(prefix: str, query: str) -> str:
    digest = hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{prefix}:{digest}"


def source_title(source):
    """The title of what a source shows: a report's own title, or the bijlage's."""
    return source.report.title if isinstance(source, ReportSource) else TITLE


def source_notice(source) -> dict:
    """What the page says about the rows it shows (the published report, or the live state)."""
    return {"source": source, "report": getattr(source, "report", None)}


@method_decorator(answers_source_errors, name="get")
class OverviewView(TemplateView):
    """The bijlage as a person knows it: filters, counts, rows grouped by theme, legend."""

    template_name = "measures/overview.html"

    def get(self, request, *args, **kwargs):
        # Per user: what a page shows depends on who may see the live state.
        user = request.user.pk if request.user.is_authenticated else "anon"
        key = _cache_key(_cache_prefix(f"overview:{user}", request), normalised_query(request.GET))
        content = cache.get(key)
        if content is not None:
            response = HttpResponse(content)
            response.cache_key = key  # SafeGZipMiddleware compresses it once per key
            return response
        response = super().get(request, *args, **kwargs)
        response.render()
        if response.status_code == 200:
            cache.set(key, response.content)
            response.cache_key = key
        return response

    def render_to_response(self, context, **response_kwargs):
        if context.get("invalid"):
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = source_for_request(self.request)
        query = source.query(self.request.GET)
        peildatum = source.as_of if source.kind == "peildatum" else None
        GET = self.request.GET
        # Clearing the filters (and filtering again) stays on the peildatum.
        clear_query = urlencode({"peildatum": peildatum.isoformat()}) if peildatum else ""
        today_query = normalised_query(GET, drop={PAGE_PARAMETER, "peildatum"})
        export_query = normalised_query(GET, drop={PAGE_PARAMETER})
        context.update(
            {
                **source_notice(source),
                "filter": query,
                "form": query.form,
                "peildatum": peildatum,
                "clear_url": f"?{clear_query}" if clear_query else self.request.path,
                # "Naar de huidige stand": the same filters, today.
                "today_url": f"?{today_query}" if today_query else self.request.path,
                "export_query": f"?{export_query}" if export_query else "",
                "is_filtered": bool(normalised_query(GET, drop={"sort", "page", "peildatum"})),
                # The filter form unfolds when a filter or a sort order is in the URL.
                "filters_open": bool(normalised_query(GET, drop={"page", "peildatum"})),
            }
        )
        legend = source.legend()
        if not query.valid:
            context.update(present([], legend).context())
            context.update({"invalid": True, "total": 0, "phase_counts": []})
            return context
        selection = source.select(query, GET.get(PAGE_PARAMETER))
        context.update(present(selection.rows, legend).context())
        page_query = normalised_query(GET, drop={PAGE_PARAMETER})
        context.update(
            {
                "total": selection.total,
                "phase_counts": [
                    (phase, selection.phase_counts.get(phase.code, 0)) for phase in legend
                ],
                "page_obj": selection.page,
                "page_query": f"{page_query}&" if page_query else "",
                "filters_text": query.describe(),
            }
        )
        return context


@method_decorator(answers_source_errors, name="get")
class MeasureDetailView(TemplateView):
    """A measure with its VM numbers, dependencies and every row it appears in."""

    template_name = "measures/measure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = get_object_or_404(Measure.objects.with_numbers(), slug=kwargs["slug"])
        source = source_for_request(self.request)
        query = source.query({"measure": measure.slug})
        rows = list(source.rows(query)) if query.valid else []
        if not rows and not sees_live_state(self.request.user):
            raise Http404()  # not in the published bijlage: nothing public to show
        context.update(present(rows, source.legend(), title=source_title(source)).context())
        context.update(source_notice(source))
        context["measure"] = measure
        context["dependants"] = measure.dependants.select_related("measure")
        return context


@answers_source_errors
def export_view(request, fmt: str):
    """The overview's filtered rows (its query string applies) as a dated download."""
    if fmt not in FORMATS:
        raise Http404()
    keys = []
    if fmt == "pdf":
        # Only valid filters are cached, so a hit needs no validation (and no query at all).
        everything = normalised_query(request.GET, drop={PAGE_PARAMETER})
        # "download-pdf": stored by exports.store_download (the key once was "pdf", for
        # entries of another shape that a shared cache may still hold).
        prefix = _cache_prefix("download-pdf", request)
        keys.append(_cache_key(prefix, everything))
        cached = cached_download(keys[0])
        if cached is not None:
            return cached
    source = source_for_request(request)
    query = source.query(request.GET)
    if not query.valid:
        return HttpResponseBadRequest(query.errors_text(), content_type="text/plain; charset=utf-8")
    if keys:
        # Also under the parameters that make the PDF: with one the bijlage does not know
        # (?utm_source=…, a typo) it is not drawn again (a second or more of WeasyPrint).
        unknown = {name for name in request.GET if name not in query.filters} - {"peildatum"}
        known = normalised_query(request.GET, drop=unknown | {PAGE_PARAMETER})
        key = _cache_key(prefix, known)
        if key != keys[0]:
            cached = cached_download(key)
            if cached is not None:
                return store_download(cached, keys)
            keys.append(key)
    report = getattr(source, "report", None)
    response = export_response(
        fmt,
        source.rows(query),
        legend=source.legend(),
        title=str(source_title(source)),
        filters_text=query.describe(),
        as_of=source.as_of,
        filename_stem=f"bijlage-{report.slug}" if report else "bijlage-verbetermaatregelen",
        heading=source.heading(),
    )
    return store_download(response, keys) if keys else response
