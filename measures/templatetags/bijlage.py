"""Template helpers for the bijlage: phase icons and dates as the bijlage writes them."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop

from measures import footnotes
from measures.sources import sees_live_state

register = template.Library()

# The short phase labels live in the database (migration 0002); listed here so makemessages
# picks them up and `{% translate phase.short_label %}` finds an English text.
PHASE_SHORT_LABELS = (
    gettext_noop("Nog niet gestart"),
    gettext_noop("Beleid in uitwerking"),
    gettext_noop("Voorbereiden implementatie"),
    gettext_noop("Geïmplementeerd"),
)

# Harvey balls: the phase reads from the shape, never from colour alone.
_SHAPES = {
    "not_started": "",
    "policy": '<path d="M8 8V1.5A6.5 6.5 0 0 1 14.5 8Z" fill="currentColor"/>',
    "implementation": '<path d="M8 1.5A6.5 6.5 0 0 1 8 14.5Z" fill="currentColor"/>',
    "implemented": '<circle cx="8" cy="8" r="6.5" fill="currentColor"/>',
}


@register.simple_tag
def phase_icon(code: str, size: int = 16):
    """An inline SVG icon for a phase code (decorative: the label is always shown beside it)."""
    shape = _SHAPES.get(code, "")
    return format_html(
        '<svg class="phase-icon phase-icon--{}" width="{}" height="{}" viewBox="0 0 16 16" '
        'aria-hidden="true" focusable="false">'
        '<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        "{}</svg>",
        code,
        size,
        size,
        mark_safe(shape),  # noqa: S308 -- constant markup above
    )


@register.filter
def nl_date(value):
    """An ISO date string or date as dd/mm/jjjj, as the bijlage and the screen write dates."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return footnotes.nl_date(value)


@register.filter
def long_words(text):
    """A name as HTML: escaped, an overlong token (a pasted URL) may break anywhere."""
    return mark_safe(footnotes.long_words_html(str(text)))  # noqa: S308 -- escaped there


@register.filter
def shown_value(field):
    """A filter field's value as typed; a valid date the way the screen writes dates."""
    value = field.value()
    cleaned = getattr(field.form, "cleaned_data", {})
    if isinstance(cleaned.get(field.name), datetime.date) and not field.errors:
        return nl_date(cleaned[field.name])
    return "" if value is None else value


@register.simple_tag
def footnoted(text, marks, location="explanation"):
    """A cell's text as paragraphs, with its footnote markers where they stand."""
    return footnotes.marked_html(text, marks, location)


@register.simple_tag
def informed_cell(letters, marks):
    """The "TK geïnformeerd" cell: a date a line, each marker right after its date."""
    return footnotes.informed_html(letters, marks)


@register.filter
def footnote_text(mark):
    """A footnote's text, or "tekst van voetnoot N niet beschikbaar in de bron"."""
    return footnotes.footnote_text(mark)


@register.simple_tag
def last_changes(rows) -> dict:
    """When each shown row of the live state last changed, by row id: one query per page.

    Only the overview of the live state asks (``row_extras``); documents for parliament never
    show it, and a published report has no live rows to ask about.
    """
    from measures.models import Workstream

    ids = [row.id for row in rows if row.id is not None]
    return dict(Workstream.objects.filter(pk__in=ids).values_list("pk", "updated_at"))


@register.simple_tag(takes_context=True)
def changes_link_text(context) -> str:
    """The link to /wijzigingen/ as this visitor will find it: the live state against the last
    report when signed in, else the last published report against the one before it."""
    request = context.get("request")
    if request is not None and sees_live_state(request.user):
        return gettext("Wijzigingen sinds de laatste rapportage")
    return gettext("Wijzigingen ten opzichte van de vorige rapportage")
