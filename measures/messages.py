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


def peildatum_error_response(request, error):
    """The answer to a ``?peildatum=`` that cannot be shown (a measures.asof.PeildatumError)."""
    title = _("Geen gegevens op die datum") if error.status == 404 else _("Ongeldige peildatum")
    return message_response(request, error.message, status=error.status, title=title)


def answers_peildatum_errors(view):
    """Turn a PeildatumError raised anywhere in a view into its clear 400/404 page."""
    from functools import wraps

    from .asof import PeildatumError

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PeildatumError as error:
            return peildatum_error_response(request, error)

    return wrapped
