"""Every public page and export, read from the URL resolver, for the sweeps that visit them all.

Each route of the ``measures`` app is listed with a value for every parameter it takes: a new
route with a parameter this module cannot fill makes the sweeps fail (``UnknownRoute``)
rather than silently leaving the route out.
"""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Routes a visitor needs to be signed in for (the sweeps of public pages leave them out).
SIGNED_IN_ONLY: set[str] = set()


class UnknownRoute(Exception):
    """A route of the app whose parameters the sweeps do not know how to fill."""


def load_public_data():
    """The seed, published as the first report "Bijlage oktober 2024"."""
    from django.core.management import call_command

    from measures.reports import ensure_seed_report

    call_command("loaddata", "bijlage_2024", verbosity=0)
    ensure_seed_report()


def _routes(namespace: str = "measures"):
    """(name, parameter names, fixed kwargs) of every named route in the namespace."""
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == namespace:
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.name:
                    params = set(pattern.pattern.regex.groupindex) - set(pattern.default_args)
                    yield f"{namespace}:{pattern.name}", sorted(params), pattern.default_args


def _values(name: str, param: str) -> list[str]:
    from measures.exports import FORMATS
    from measures.models import Measure, Report

    if param == "slug" and name == "measures:measure-detail":
        return list(Measure.objects.order_by("pk").values_list("slug", flat=True))
    if param == "slug":
        return list(Report.objects.published().order_by("pk").values_list("slug", flat=True))
    if param == "fmt":
        formats = ("html", "pdf") if "changes" in name else FORMATS
        return list(formats)
    raise UnknownRoute(f"{name}: no test values for the parameter {param!r}")


def _urls(name: str, params: list[str], fixed: dict) -> list[str]:
    urls = [{}]
    for param in params:
        values = _values(name, param)
        if not values:  # never shrink: the data the sweep needs is missing
            raise UnknownRoute(f"{name}: nothing to fill {param!r} with (load_public_data()?)")
        urls = [{**kwargs, param: value} for kwargs in urls for value in values]
    return [reverse(name, kwargs=kwargs or None) for kwargs in urls]


def _is_export(params, fixed) -> bool:
    return "fmt" in params or "fmt" in fixed


def public_pages() -> list[str]:
    """HTML pages anyone can open (load_public_data() first)."""
    pages = []
    for name, params, fixed in _routes():
        if name not in SIGNED_IN_ONLY and not _is_export(params, fixed):
            pages += _urls(name, params, fixed)
    return pages


def public_exports(with_reports: bool = True) -> list[str]:
    """Every download; the overview's query string applies to the bijlage's.

    Without reports (no database yet), the downloads that need a report's slug are left out.
    """
    urls = []
    for name, params, fixed in _routes():
        if name in SIGNED_IN_ONLY or not _is_export(params, fixed):
            continue
        if "slug" in params and not with_reports:
            continue
        urls += _urls(name, params, fixed)
    return urls


def public_urls() -> list[str]:
    """Pages and exports together."""
    return public_pages() + public_exports()
