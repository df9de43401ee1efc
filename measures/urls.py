"""Public pages and exports."""

from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("maatregelen/<slug:slug>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    *[
        path(f"export/bijlage.{fmt}", views.export_view, {"fmt": fmt}, name=f"export-{fmt}")
        for fmt in ("html", "pdf", "csv", "xlsx", "json")
    ],
]
