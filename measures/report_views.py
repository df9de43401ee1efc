"""Pages over time: published reports, what changed between versions, and the dashboard."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .compare import compare_rows
from .dashboard import dashboard_context
from .exports import (
    CSP_EXEMPT_ATTRIBUTE,
    STANDALONE_CSP,
    allows_inline_styles,
    export_response,
)
from .messages import answers_peildatum_errors, message_response
from .models import DelayReason, Phase, Report, Workstream
from .publication import report_heading
from .reports import live_legend, previous_report, report_rows
from .rows import build_rows
from .views import bijlage_context

EXPORT_FORMATS = ("html", "pdf", "docx", "odt", "csv", "xlsx", "json")


def _report_or_404(request, slug: str) -> Report:
    report = Report.objects.visible_to(request.user).filter(slug=slug).first()
    if report is None:
        raise Http404(_("Er is geen rapportage '%(slug)s'.") % {"slug": slug})
    return report


class ReportListView(TemplateView):
    """Every published report, newest first; drafts too for staff."""

    template_name = "measures/report_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Rapportages")
        context["reports"] = Report.objects.visible_to(self.request.user).select_related("letter")
        return context


@method_decorator(answers_peildatum_errors, name="get")
class ReportDetailView(TemplateView):
    """A report's bijlage, rendered from its snapshot with the live overview's table."""

    template_name = "measures/report_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = _report_or_404(self.request, kwargs["slug"])
        rows, legend = report_rows(report)
        # The legend (and so the phase labels) of the snapshot, not of today.
        context.update(bijlage_context(rows, legend=legend_objects(legend)))
        context["report"] = report
        context["title"] = report.title
        context["caption"] = _("%(title)s, peildatum %(date)s") % {
            "title": report.title,
            "date": report.peildatum.strftime("%d-%m-%Y"),
        }
        context["export_formats"] = [
            (fmt.upper(), reverse("measures:report-export", args=[report.slug, fmt]))
            for fmt in EXPORT_FORMATS
        ]
        context["previous"] = previous_report(report)
        return context


@answers_peildatum_errors
@allows_inline_styles
def report_export(request, slug: str, fmt: str):
    """A report's bijlage as HTML, PDF, CSV, XLSX or JSON, from its frozen rows."""
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("Onbekend exportformaat."))
    report = _report_or_404(request, slug)
    rows, legend = report_rows(report)
    return export_response(
        fmt,
        rows,
        title=report.title,
        filters_text=str(_report_filters_text(report)),
        as_of=report.peildatum,
        filename_stem=f"bijlage-{report.slug}",
        legend=legend_objects(legend),  # the snapshot's phase labels, as on the report's page
        heading=report_heading(report),  # its full title, letter date and Kamerstuk
    )


def _report_filters_text(report: Report):
    """The line under the title of a report's download: all rows, and which version."""
    if not report.is_published:
        return _("Alle rijen (concept, nog niet gepubliceerd)")
    moment = timezone.localtime(report.published_at).strftime("%d/%m/%Y")
    return _("Alle rijen, zoals gepubliceerd op %(date)s") % {"date": moment}


# --- What changed --------------------------------------------------------------------------


def legend_objects(legend: list[dict]) -> list[SimpleNamespace]:
    """A snapshot's legend (dicts) with attribute access, like the ``Phase`` objects."""
    return [SimpleNamespace(**phase) for phase in legend]


@dataclass
class Side:
    """One side of a comparison: a report or the current state."""

    label: str
    rows: list[dict]
    legend: list[dict]
    url: str


def _report_side(report: Report) -> Side:
    rows, legend = report_rows(report)
    label = _("%(title)s (peildatum %(date)s)") % {
        "title": report.title,
        "date": report.peildatum.strftime("%d-%m-%Y"),
    }
    return Side(label, rows, legend, report.get_absolute_url())


def _current_side() -> Side:
    today = timezone.localdate().strftime("%d-%m-%Y")
    rows = build_rows(Workstream.objects.for_overview())
    label = _("Huidige stand (%(date)s)") % {"date": today}
    return Side(label, rows, live_legend(), reverse("measures:overview"))


def _render_changes(request, old: Side | None, new: Side, fmt: str, *, links: dict, intro=None):
    """The comparison page, or its standalone HTML file, or its PDF."""
    comparison = compare_rows(old.rows, new.rows) if old is not None else None
    legend = {p["code"]: p for p in (old.legend if old else [])}
    legend.update({p["code"]: p for p in new.legend})
    phase_names = {code: p["short_label"] for code, p in legend.items()}
    context = {
        "title": _("Wijzigingen in de bijlage"),
        "old": old,
        "new": new,
        "comparison": comparison,
        "phase_names": phase_names,
        "delay_names": dict(DelayReason.choices),
        "links": links,
        "intro": intro,
        "generated_at": timezone.localtime(),
    }
    if fmt == "page":
        return render(request, "measures/changes.html", context)
    context["standalone"] = True
    context["css"] = _print_css()
    html = render_to_string("measures/changes_print.html", context, request=request)
    stem = links.get("filename_stem", "wijzigingen-bijlage")
    if fmt == "html":
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.html"'
        # The file carries its own <style>; nothing else may load or run.
        setattr(response, CSP_EXEMPT_ATTRIBUTE, True)
        response["Content-Security-Policy"] = STANDALONE_CSP
        return response
    from weasyprint import HTML  # imported lazily: heavy, and only needed for PDFs

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{stem}.pdf"'
    return response


def _print_css() -> str:
    """The print stylesheet, embedded so the HTML file and the PDF stand on their own."""
    path = finders.find("css/changes-print.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@answers_peildatum_errors
def changes(request, fmt: str = "page"):
    """``/wijzigingen/``: last published report → now, or ``?van=<slug>&tot=<slug>``."""
    visible = Report.objects.visible_to(request.user)
    van, tot = request.GET.get("van", "").strip(), request.GET.get("tot", "").strip()
    sides = {}
    for name, slug in (("van", van), ("tot", tot)):
        if slug:
            report = visible.filter(slug=slug).first()
            if report is None:
                return message_response(
                    request,
                    _("Er is geen rapportage '%(slug)s' (gevraagd als '%(name)s').")
                    % {"slug": slug[:80], "name": name},
                    status=404,
                )
            sides[name] = _report_side(report)
    if "van" not in sides:
        last = Report.objects.published().last()
        if last is None:
            return message_response(
                request,
                _("Er is nog geen gepubliceerde rapportage om mee te vergelijken."),
                status=404,
                title=_("Nog geen rapportage"),
            )
        sides["van"] = _report_side(last)
    new = sides.get("tot") or _current_side()
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    links = {
        "page": reverse("measures:changes") + suffix,
        "html": reverse("measures:changes-export", args=["html"]) + suffix,
        "pdf": reverse("measures:changes-export", args=["pdf"]) + suffix,
        "filename_stem": "wijzigingen-bijlage",
    }
    return _render_changes(request, sides["van"], new, fmt, links=links)


@allows_inline_styles
def changes_export(request, fmt: str):
    """``/wijzigingen.html`` and ``/wijzigingen.pdf``: the same comparison as a file."""
    return changes(request, fmt=fmt)


@answers_peildatum_errors
def report_changes(request, slug: str, fmt: str = "page"):
    """``/rapportages/<slug>/wijzigingen/``: the previous report → this one."""
    report = _report_or_404(request, slug)
    previous = previous_report(report)
    links = {
        "page": reverse("measures:report-changes", args=[slug]),
        "html": reverse("measures:report-changes-export", args=[slug, "html"]),
        "pdf": reverse("measures:report-changes-export", args=[slug, "pdf"]),
        "filename_stem": f"wijzigingen-{slug}",
    }
    intro = None
    if previous is None:
        intro = _("Dit is de eerste rapportage; er is geen eerdere om mee te vergelijken.")
    old = _report_side(previous) if previous else None
    return _render_changes(request, old, _report_side(report), fmt, links=links, intro=intro)


@allows_inline_styles
def report_changes_export(request, slug: str, fmt: str):
    """The comparison of a report with the previous one, as a file."""
    return report_changes(request, slug, fmt=fmt)


# --- Dashboard -----------------------------------------------------------------------------


class DashboardView(TemplateView):
    """Figures at a glance: phases per theme, movement between reports, what is waiting."""

    template_name = "measures/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(dashboard_context(today=timezone.localdate()))
        context["title"] = _("Dashboard")
        context["legend"] = list(Phase.objects.all())
        return context
