"""Public pages and exports."""

from django.urls import path, re_path

from . import register_views, report_views, round_views, views

app_name = "measures"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("maatregelen/", register_views.MeasureListView.as_view(), name="measure-list"),
    path("maatregelen/<slug:slug>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    *[
        path(f"export/bijlage.{fmt}", views.export_view, {"fmt": fmt}, name=f"export-{fmt}")
        for fmt in ("html", "pdf", "docx", "odt", "csv", "xlsx", "json")
    ],
    # Reporting over time (measures/report_views.py).
    path("rapportages/", report_views.ReportListView.as_view(), name="report-list"),
    path(
        "rapportages/<slug:slug>/",
        report_views.ReportDetailView.as_view(),
        name="report-detail",
    ),
    path(
        "rapportages/<slug:slug>/export/bijlage.<str:fmt>",
        report_views.report_export,
        name="report-export",
    ),
    path(
        "rapportages/<slug:slug>/wijzigingen/",
        report_views.report_changes,
        name="report-changes",
    ),
    re_path(
        r"^rapportages/(?P<slug>[-a-zA-Z0-9_]+)/wijzigingen\.(?P<fmt>html|pdf)$",
        report_views.report_changes_export,
        name="report-changes-export",
    ),
    path("wijzigingen/", report_views.changes, name="changes"),
    re_path(
        r"^wijzigingen\.(?P<fmt>html|pdf)$", report_views.changes_export, name="changes-export"
    ),
    path("dashboard/", report_views.DashboardView.as_view(), name="dashboard"),
    # The reporting round and the four-eyes publishing (measures/round_views.py).
    path("mijn-rijen/", round_views.my_rows, name="my-rows"),
    path("rondes/", round_views.round_list, name="round-list"),
    path("rondes/nieuw/", round_views.round_open, name="round-open"),
    path("rondes/<int:pk>/", round_views.round_detail, name="round-detail"),
    path("rondes/<int:pk>/rijen/<int:item_pk>/", round_views.round_item, name="round-item"),
    path("rondes/<int:pk>/rapportage/", round_views.round_report, name="round-report"),
    path(
        "rapportages/<slug:slug>/vaststellen/",
        round_views.report_approve,
        name="report-approve",
    ),
    path(
        "rapportages/<slug:slug>/publiceren/",
        round_views.report_publish,
        name="report-publish",
    ),
]
