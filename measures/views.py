"""Public pages: the overview (the bijlage), a measure's rows, and the open-data export."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .asof import PeildatumError, peildatum_from_request, rows_as_of
from .messages import peildatum_error_response
from .models import DelayReason, Measure, Phase, Workstream
from .rows import (
    ambition_spans,
    build_rows,
    collect_footnotes,
    contract_row,
    group_by_theme,
)

TITLE = _("Overzicht verbetermaatregelen invordering Dienst Toeslagen")


def bijlage_context(rows: list[dict]) -> dict:
    """What every rendering of the bijlage table needs, from the rows it shows."""
    ambition_spans(rows)
    return {
        "title": TITLE,
        "rows": rows,
        "groups": group_by_theme(rows),
        "legend": list(Phase.objects.all()),
        "footnotes": collect_footnotes(rows),
        "delay_reasons": DelayReason.choices,
    }


class OverviewView(TemplateView):
    """The bijlage as a person knows it: rows grouped by theme, legend and footnotes."""

    template_name = "measures/overview.html"

    def get(self, request, *args, **kwargs):
        try:  # reports: a bad or too early ?peildatum= is a clear 400/404 (measures/asof.py)
            return super().get(request, *args, **kwargs)
        except PeildatumError as error:
            return peildatum_error_response(request, error)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        peildatum = peildatum_from_request(self.request)  # reports: the table as of a date
        if peildatum:
            rows = rows_as_of(peildatum)
        else:
            rows = build_rows(Workstream.objects.for_overview())
        context.update(bijlage_context(rows))
        context["peildatum"] = peildatum
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


def export_json(request):
    """The open-data form of the bijlage (field names are a contract, see DESIGN.md)."""
    try:  # reports: ?peildatum= gives the table as of that date (measures/asof.py)
        peildatum = peildatum_from_request(request)
        rows = rows_as_of(peildatum) if peildatum else None
    except PeildatumError as error:
        return peildatum_error_response(request, error)
    if rows is None:
        rows = build_rows(Workstream.objects.for_overview())
    payload = {
        "title": str(TITLE),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "phases": [
            {"code": phase.code, "label": phase.label, "order": phase.order}
            for phase in Phase.objects.all()
        ],
        "rows": [contract_row(row) for row in rows],
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'inline; filename="bijlage-verbetermaatregelen.json"'
    return response
