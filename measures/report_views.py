"""Pages over time: published reports, what changed between versions, and the dashboard."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .compare import compare_rows
from .dashboard import dashboard_context
from .documents import document_response, render_document
from .exports import FORMATS as EXPORT_FORMATS
from .exports import cached_download, export_response, store_download
from .messages import answers_source_errors, message_response
from .models import DelayReason, Report
from .presenter import present
from .publication import report_heading
from .reports import previous_report
from .rows import Row
from .sources import (
    LegendEntry,
    LiveSource,
    latest_published,
    report_source,
    sees_live_state,
    source_for_request,
)


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
        context["reports"] = (
            Report.objects.visible_to(self.request.user)
            .defer("rows", "legend")
            .select_related("letter")
        )
        return context


@method_decorator(answers_source_errors, name="get")
class ReportDetailView(TemplateView):
    """A report's bijlage, from its snapshot (or, for a draft, its peildatum's state)."""

    template_name = "measures/report_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = _report_or_404(self.request, kwargs["slug"])
        source = report_source(report)
        # The legend (and so the phase labels) of the snapshot, not of today.
        context.update(present(list(source.rows()), source.legend(), title=report.title).context())
        context["report"] = report
        context["title"] = report.title
        context["caption"] = _("%(title)s, peildatum %(date)s") % {
            "title": report.title,
            "date": date_format(report.peildatum, "SHORT_DATE_FORMAT"),
        }
        context["export_formats"] = [
            (fmt.upper(), reverse("measures:report-export", args=[report.slug, fmt]))
            for fmt in EXPORT_FORMATS
        ]
        context["previous"] = previous_report(report)
        return context


# Part of the cache key of a published report's downloads: raise it when the layout of the
# documents or spreadsheets changes, so no old rendering is served after a deploy.
EXPORT_LAYOUT_VERSION = 2


@answers_source_errors
def report_export(request, slug: str, fmt: str):
    """A report's bijlage as a download, from its frozen rows.

    A published report cannot change, so each of its downloads is rendered once and then
    served from the cache, with no timeout (keyed on the report, its publication moment, the
    layout version and the language of the spreadsheet headings).
    """
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("Onbekend exportformaat."))
    report = _report_or_404(request, slug)
    key = None
    if report.is_published:
        key = (
            f"measures:report-export:{report.pk}:{report.published_at.isoformat()}:"
            f"{EXPORT_LAYOUT_VERSION}:{get_language()}:{fmt}"
        )
        cached = cached_download(key)
        if cached is not None:
            return cached
    source = report_source(report)
    response = export_response(
        fmt,
        source.rows(),
        legend=source.legend(),  # the snapshot's phase labels, as on the report's page
        title=report.title,
        filters_text=str(_report_filters_text(report)),
        as_of=report.peildatum,
        filename_stem=f"bijlage-{report.slug}",
        heading=report_heading(report),  # its full title, letter date and Kamerstuk
    )
    if key is not None:
        response = store_download(response, [key], timeout=None)
    return response


def _report_filters_text(report: Report):
    """The line under the title of a report's download: all rows, and which version."""
    if not report.is_published:
        return _("Alle rijen (concept, nog niet gepubliceerd)")
    moment = date_format(timezone.localtime(report.published_at), "SHORT_DATE_FORMAT")
    return _("Alle rijen, zoals gepubliceerd op %(date)s") % {"date": moment}


# --- What changed --------------------------------------------------------------------------


@dataclass
class Side:
    """One side of a comparison: a report or the current state."""

    label: str
    rows: list[Row]
    legend: list[LegendEntry]
    url: str


def _report_side(report: Report) -> Side:
    source = report_source(report)
    rows, legend = list(source.rows()), source.legend()
    label = _("%(title)s (peildatum %(date)s)") % {
        "title": report.title,
        "date": date_format(report.peildatum, "SHORT_DATE_FORMAT"),
    }
    return Side(label, rows, legend, report.get_absolute_url())


def _current_side() -> Side:
    today = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    source = LiveSource()
    label = _("Huidige stand (%(date)s)") % {"date": today}
    return Side(label, list(source.rows()), source.legend(), reverse("measures:overview"))


def _render_changes(request, old: Side | None, new: Side, fmt: str, *, links: dict, intro=None):
    """The comparison page, or its standalone HTML file, or its PDF."""
    comparison = compare_rows(old.rows, new.rows) if old is not None else None
    legend = {p.code: p for p in (old.legend if old else [])}
    legend.update({p.code: p for p in new.legend})
    phase_names = {code: p.short_label for code, p in legend.items()}
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
    content = render_document(
        "measures/changes_print.html", context, fmt=fmt, stylesheets=("changes-print.css",)
    )
    stem = links.get("filename_stem", "wijzigingen-bijlage")
    return document_response(content, fmt=fmt, filename=f"{stem}.{fmt}")


@answers_source_errors
def changes(request, fmt: str = "page"):
    """``/wijzigingen/``: last published report → now, or ``?van=<slug>&tot=<slug>``.

    Visitors who may not see the live state compare the last two published reports.
    """
    visible = Report.objects.visible_to(request.user)
    van, tot = request.GET.get("van", "").strip(), request.GET.get("tot", "").strip()
    chosen = {}
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
            chosen[name] = report
    if not sees_live_state(request.user):
        # The live state is internal: the newest published report is the newest side.
        chosen.setdefault("tot", latest_published())
        if chosen["tot"] is not None:
            chosen.setdefault("van", previous_report(chosen["tot"]))
    elif "van" not in chosen:
        chosen["van"] = latest_published()
    intro = None
    if chosen.get("van") is None and chosen.get("tot") is not None:
        # Only one published report: it is the first, there is nothing before it.
        intro = _("Dit is de eerste rapportage; er is geen eerdere om mee te vergelijken.")
    elif chosen.get("van") is None:
        return message_response(
            request,
            _("Er is nog geen gepubliceerde rapportage om mee te vergelijken."),
            status=404,
            title=_("Nog geen rapportage"),
        )
    sides = {name: _report_side(report) for name, report in chosen.items() if report}
    new = sides.get("tot") or _current_side()
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    links = {
        "page": reverse("measures:changes") + suffix,
        "html": reverse("measures:changes-export", args=["html"]) + suffix,
        "pdf": reverse("measures:changes-export", args=["pdf"]) + suffix,
        "filename_stem": "wijzigingen-bijlage",
    }
    return _render_changes(request, sides.get("van"), new, fmt, links=links, intro=intro)


def changes_export(request, fmt: str):
    """``/wijzigingen.html`` and ``/wijzigingen.pdf``: the same comparison as a file."""
    return changes(request, fmt=fmt)


@answers_source_errors
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


def report_changes_export(request, slug: str, fmt: str):
    """The comparison of a report with the previous one, as a file."""
    return report_changes(request, slug, fmt=fmt)


# --- Dashboard -----------------------------------------------------------------------------


@method_decorator(answers_source_errors, name="get")
class DashboardView(TemplateView):
    """Figures at a glance: phases per theme, movement between reports, what is waiting."""

    template_name = "measures/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = source_for_request(self.request)
        context.update(dashboard_context(source))
        context["source"] = source
        context["report"] = getattr(source, "report", None)
        context["title"] = _("Dashboard")
        context["legend"] = source.legend()
        return context
