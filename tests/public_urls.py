"""Every public page and export, for the tests that must visit them all.

Written to follow the app as it grows: pages whose URL name does not exist (yet) are left out.
"""

from django.urls import NoReverseMatch, reverse

from measures.models import Measure

EXPORT_FORMATS = ("html", "pdf", "csv", "xlsx", "json")


def _maybe(name: str, **kwargs) -> list[str]:
    try:
        return [reverse(name, kwargs=kwargs or None)]
    except NoReverseMatch:
        return []


def _reports():
    """Published reports, if the reports part of the app is there."""
    try:
        from measures.models import Report
    except ImportError:
        return []
    return list(Report.objects.order_by("pk"))


def load_public_data():
    """The seed, and the seed published as the first report where reports exist."""
    from django.core.management import call_command

    call_command("loaddata", "bijlage_2024", verbosity=0)
    try:
        from measures.reports import ensure_seed_report
    except ImportError:
        return
    ensure_seed_report()


def public_pages() -> list[str]:
    """HTML pages anyone can open (load_public_data() first)."""
    pages = [reverse("measures:overview")]
    pages += [measure.get_absolute_url() for measure in Measure.objects.order_by("pk")]
    pages += _maybe("measures:report-list") + _maybe("measures:changes")
    pages += _maybe("measures:dashboard")
    for report in _reports():
        pages += _maybe("measures:report-detail", slug=report.slug)
        pages += _maybe("measures:report-changes", slug=report.slug)
    return pages


def public_exports(with_reports: bool = True) -> list[str]:
    """Downloads (those that exist); the overview's query string applies to the bijlage's.

    Reports' downloads need the database (their slugs); leave them out where there is none.
    """
    urls = []
    for fmt in EXPORT_FORMATS:
        urls += _maybe(f"measures:export-{fmt}")
    for fmt in ("html", "pdf"):
        urls += _maybe("measures:changes-export", fmt=fmt)
    for report in _reports()[:1] if with_reports else []:
        for fmt in EXPORT_FORMATS:
            urls += _maybe("measures:report-export", slug=report.slug, fmt=fmt)
        for fmt in ("html", "pdf"):
            urls += _maybe("measures:report-changes-export", slug=report.slug, fmt=fmt)
    return urls


def public_urls() -> list[str]:
    """Pages and exports together."""
    return public_pages() + public_exports()
