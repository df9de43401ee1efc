"""Public pages and exports."""

from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("maatregelen/<slug:slug>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path("export/bijlage.json", views.export_json, name="export-json"),
]
