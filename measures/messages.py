"""Answers with one clear Dutch message, for bad or unknown input (a 4xx, never a 500)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def message_response(request, message, *, status: int, title=None):
    """A page that says in one sentence what was wrong with the request."""
    default_title = _("Niet gevonden") if status == 404 else _("Ongeldige vraag")
    return render(
        request,
        "measures/message.html",
        {"title": title or default_title, "message": message},
        status=status,
    )


_PEILDATUM_TITLES = {
    403: _("Alleen na inloggen"),
    404: _("Geen gegevens op die datum"),
}


def answers_source_errors(view):
    """Turn a source that cannot be shown into its clear page: a bad or forbidden
    ``?peildatum=`` (400/403/404), or no published bijlage yet for a visitor (404)."""
    from functools import wraps

    from .asof import PeildatumError
    from .sources import NothingPublished

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PeildatumError as error:
            title = _PEILDATUM_TITLES.get(error.status, _("Ongeldige peildatum"))
            return message_response(request, error.message, status=error.status, title=title)
        except NothingPublished as error:
            return message_response(
                request, error.message, status=404, title=_("Nog geen bijlage gepubliceerd")
            )

    return wrapped
