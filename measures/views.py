"""Public views."""
from django.views.generic import DetailView, TemplateView

class OverviewView(TemplateView):
    template_name = "measures/overview.html"

class MeasureDetailView(DetailView):
    pass

def export_json(request):
    pass
