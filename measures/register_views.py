"""The measure register (``/maatregelen/``): every measure, searchable, sortable and paged."""

from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from .filters import MeasureFilter
from .messages import answers_source_errors
from .models import Measure, Phase
from .sources import NothingPublished, ReportSource, latest_published, sees_live_state
from .tables import REGISTER_PAGE_SIZE, FixedSizePaginator, MeasureTable

# What only the live state tells (parliament is informed first): not for visitors.
LIVE_COLUMNS = ("rows", "phases", "target", "changed")


@method_decorator(answers_source_errors, name="get")  # nothing published yet: a clear 404
class MeasureListView(TemplateView):
    """The register: a search form and a django-tables2 table of ``for_register()``.

    The search selects measures; only the shown page gets its figures (``for_register()``).
    Visitors who do not see the live state (``sees_live_state``) get the measures of the latest
    published report, with their names and VM numbers only.
    """

    template_name = "measures/measure_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        live = sees_live_state(self.request.user)
        measures = Measure.objects.all()
        if not live:
            report = latest_published()
            if report is None:
                raise NothingPublished()
            slugs = {row.measure_slug for row in ReportSource(report).rows()}
            measures = measures.filter(slug__in=slugs)
        filterset = MeasureFilter(self.request.GET or None, queryset=measures)
        invalid = filterset.is_bound and not filterset.is_valid()
        table = MeasureTable(
            Measure.objects.none() if invalid else filterset.qs.for_register(),
            phases=list(Phase.objects.all()),
            today=timezone.localdate(),
            exclude=() if live else LIVE_COLUMNS,
        )
        if not invalid:
            paging = {
                "paginator_class": FixedSizePaginator,
                "page_size": REGISTER_PAGE_SIZE,
                "count_from": filterset.qs,  # the same measures, without the figures
            }
            RequestConfig(self.request, paginate=paging).configure(table)
        context.update(
            {
                "title": _("Verbetermaatregelen"),
                "filter": filterset,
                "form": filterset.form,
                "table": table,
                "invalid": invalid,
                "live": live,
            }
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["invalid"]:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)
