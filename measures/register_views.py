"""The measure register (``/maatregelen/``): every measure, searchable, sortable and paged."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from .filters import MeasureFilter
from .models import Measure, Phase
from .tables import REGISTER_PAGE_SIZE, FixedSizePaginator, MeasureTable


class MeasureListView(TemplateView):
    """The register: a search form and a django-tables2 table of ``for_register()``.

    The search selects measures; only the shown page gets its figures (``for_register()``).
    """

    template_name = "measures/measure_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = MeasureFilter(self.request.GET or None, queryset=Measure.objects.all())
        invalid = filterset.is_bound and not filterset.is_valid()
        table = MeasureTable(
            Measure.objects.none() if invalid else filterset.qs.for_register(),
            phases=list(Phase.objects.all()),
            today=timezone.localdate(),
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
            }
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["invalid"]:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)
