"""Every public page and export, for the tests that must visit them all."""

from django.urls import NoReverseMatch, reverse

from measures.models import Measure


def public_pages() -> list[str]:
    """HTML pages anyone can open (needs the seed loaded)."""
    pages = [reverse("measures:overview")]
    pages += [measure.get_absolute_url() for measure in Measure.objects.order_by("pk")]
    return pages


EXPORT_FORMATS = ("html", "pdf", "csv", "xlsx", "json")


def public_exports() -> list[str]:
    """Downloads of the bijlage (those that exist); the overview's query string applies."""
    urls = []
    for fmt in EXPORT_FORMATS:
        try:
            urls.append(reverse(f"measures:export-{fmt}"))
        except NoReverseMatch:
            continue
    return urls


def public_urls() -> list[str]:
    """Pages and exports together."""
    return public_pages() + public_exports()
