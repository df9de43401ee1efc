"""Every public page and export, for the tests that must visit them all."""

from django.urls import reverse

from measures.models import Measure


def public_pages() -> list[str]:
    """HTML pages anyone can open (needs the seed loaded)."""
    pages = [reverse("measures:overview")]
    pages += [measure.get_absolute_url() for measure in Measure.objects.order_by("pk")]
    return pages


def public_exports() -> list[str]:
    """Downloads of the bijlage; the overview's query string applies to them."""
    return [reverse("measures:export-json")]


def public_urls() -> list[str]:
    """Pages and exports together."""
    return public_pages() + public_exports()
