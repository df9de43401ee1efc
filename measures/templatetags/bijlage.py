"""Template helpers for the bijlage: phase icons, dates as the bijlage writes them, its rows."""

import datetime
import html
from urllib.parse import quote

from django import template
from django.template.base import template_localtime
from django.urls import reverse
from django.utils.formats import date_format
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
def shown_value(field):
    """A filter field's value as typed; a valid date the way the screen writes dates."""
    value = field.value()
    cleaned = getattr(field.form, "cleaned_data", {})
    if isinstance(cleaned.get(field.name), datetime.date) and not field.errors:
        return nl_date(cleaned[field.name])
    return "" if value is None else value


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


@register.simple_tag(takes_context=True)
def bijlage_rows(context, rows):
    """The ``<tr>`` of each row of a theme group in ``_bijlage_table.html``.

    Built in Python, the way Django's admin builds its change-list rows
    (``admin_list.items_for_result``): a 100-row page is about 50 template nodes a row, and
    rendering them was two thirds of the overview's server time. The template keeps the
    table's frame (caption, header, theme rows, footnotes); this is the only place a row's
    markup is written, for the pages and the documents alike.
    """
    # Once per rendering of the table, not once per theme group.
    options = context.render_context.get(_RowOptions)
    if options is None:
        options = context.render_context[_RowOptions] = _RowOptions(context)
    return mark_safe("".join(_row_html(row, options) for row in rows))  # noqa: S308 -- escaped


class _RowOptions:
    """What a rendering of rows asks of its context, read and translated once, not per row."""

    def __init__(self, context):
        self.document = bool(context.get("document"))
        self.show_theme = bool(context.get("show_theme"))
        self.link_measures = bool(context.get("link_measures"))
        self.row_extras = bool(context.get("row_extras"))
        self.changed = context.get("changed") or {}
        # The header's msgids, so a card's labels and the header come from one translation.
        self.text = {
            text: _escape(gettext(text))
            for text in (
                "Thema",
                "Ambitie invorderingsstrategie (IS)",
                "Pag. IS",
                "Valt onder verbetermaatregel",
                "Toelichting",
                "Stand van zaken uitwerking",
                "TK geïnformeerd",
                "N.v.t.",
                "On hold",
                "Vertraagd",
                "IV-afhankelijk",
                "Wacht op",
                "Streefdatum",
                "Laatst gewijzigd",
            )
        }
        self.phase_labels = {}
        self.measure_url = _url_maker("measures:measure-detail")
        self.admin_link = self.admin_url = None
        source, user = context.get("source"), context.get("user")
        if (
            self.row_extras
            and getattr(source, "kind", None) == "live"
            and getattr(user, "is_staff", False)
            and user.has_perm("measures.view_workstream")
        ):
            can_change = user.has_perm("measures.change_workstream")
            self.admin_link = _escape(
                gettext("Bewerken") if can_change else gettext("Bekijken in het beheer")
            )
            self.admin_url = _url_maker("admin:measures_workstream_change")

    def phase_label(self, label: str) -> str:
        if label not in self.phase_labels:
            self.phase_labels[label] = _escape(gettext(label))
        return self.phase_labels[label]


_URL_MARK = "url-argument"


def _url_maker(name: str):
    """``reverse(name, args=[value])`` for many values at the cost of one ``reverse()``."""
    prefix, _mark, suffix = reverse(name, args=[_URL_MARK]).partition(_URL_MARK)
    return lambda value: _escape(prefix + quote(str(value), safe="") + suffix)


def _escape(value) -> str:
    """``django.utils.html.escape`` for plain text, without its lazy-string wrapper (per cell)."""
    return html.escape(str(value))


def _row_html(table_row, options: _RowOptions) -> str:
    """One row of the table as HTML; every value escaped here."""
    row, text = table_row.row, options.text
    continues = table_row.continues_ambition
    classes = f"bijlage__row phase--{_escape(row.phase)}"
    if continues:
        classes += " bijlage__row--continued"
    cells = [f'<tr class="{classes}" id="rij-{row.position}">']
    if options.show_theme:
        cells.append(
            f'<td class="bijlage__theme-cell" lang="nl" data-label="{text["Thema"]}">'
            f"{footnotes.long_words_html(str(row.theme))}</td>"
        )
    if table_row.ambition_rowspan:
        span = table_row.ambition_rowspan
        rowspan = f' rowspan="{span}"' if span > 1 else ""
        ambition = footnotes.long_words_html(row.ambition) if row.ambition else text["N.v.t."]
        page = _escape(row.strategy_page) if row.strategy_page else "-"
        cells.append(
            f'<th scope="row" class="bijlage__ambition" lang="nl" '
            f'data-label="{text["Ambitie invorderingsstrategie (IS)"]}"{rowspan}>{ambition}</th>'
            f'<td class="bijlage__page" data-label="{text["Pag. IS"]}"{rowspan}>{page}</td>'
        )
    cells.append(
        f'<td class="bijlage__measure" lang="nl" '
        f'data-label="{text["Valt onder verbetermaatregel"]}">'
    )
    if not options.document and continues:
        # Cards on narrow screens: the merged ambition again, hidden in the table.
        cells.append(
            f'<span class="bijlage__card-ambition" '
            f'data-label="{text["Ambitie invorderingsstrategie (IS)"]}">'
            f"{_escape(row.ambition) if row.ambition else text['N.v.t.']}</span>"
        )
    name = footnotes.long_words_html(str(row.measure))
    if options.link_measures and row.measure_slug:
        name = f'<a href="{options.measure_url(row.measure_slug)}">{name}</a>'
    cells.append(name)
    vm_label = row.vm_label
    if vm_label:
        cells.append(f' <span class="vm-label">({_escape(vm_label)})</span>')
    cells.append("</td>")
    cells.append(
        f'<td class="bijlage__explanation" lang="nl" data-label="{text["Toelichting"]}">'
        f"{footnotes.marked_html(row.explanation, row.footnote_marks, 'explanation')}</td>"
    )
    cells.append(
        f'<td class="bijlage__status" data-label="{text["Stand van zaken uitwerking"]}">'
        f'<p class="phase">{phase_icon(row.phase)} '
        f'<span class="phase__label">{options.phase_label(table_row.phase_label)}</span></p>'
    )
    if not options.document:
        flags = []
        if row.on_hold:
            flags.append(f'<li class="flag flag--hold">{text["On hold"]}</li>')
        if row.delay_reason:
            flags.append(
                f'<li class="flag flag--delay">{text["Vertraagd"]}: '
                f"{_escape(table_row.delay_label)}</li>"
            )
        if row.it_dependency:
            flags.append(f'<li class="flag flag--it">{text["IV-afhankelijk"]}</li>')
        if flags:
            cells.append(f'<ul class="flags">{"".join(flags)}</ul>')
    cells.append(
        '<div class="bijlage__status-text" lang="nl">'
        f"{footnotes.marked_html(row.status_text, row.footnote_marks, 'status_text')}</div>"
    )
    if row.depends_on and not options.document:
        waits = ", ".join(
            _escape(dep.measure) + (f" ({_escape(dep.vm_label)})" if dep.vm_label else "")
            for dep in row.depends_on
        )
        cells.append(f'<p class="depends-on">{text["Wacht op"]}: {waits}</p>')
    if options.row_extras:
        # The overview page only (overview.html), never the documents for parliament.
        cells.append(f'<p class="row-extras">{" ".join(_row_extras(row, options))}</p>')
    cells.append(
        f'</td><td class="bijlage__informed" data-label="{text["TK geïnformeerd"]}">'
        f"{footnotes.informed_html(row.letters, row.footnote_marks)}</td></tr>"
    )
    return "".join(cells)


def _row_extras(row, options: _RowOptions):
    """Target date, last change and (staff) the edit link of a row on the overview."""
    text = options.text
    if row.target_date:
        yield (
            f'<span class="row-extras__item">{text["Streefdatum"]}: '
            f'<time datetime="{_escape(row.target_date)}">'
            f"{_escape(nl_date(row.target_date))}</time></span>"
        )
    moment = options.changed.get(row.id)
    if moment is not None:
        local = template_localtime(moment)
        yield (
            f'<span class="row-extras__item">{text["Laatst gewijzigd"]}: '
            f'<time datetime="{local.isoformat()}">'
            f"{_escape(date_format(local, 'SHORT_DATETIME_FORMAT'))}</time></span>"
        )
    if options.admin_url and row.id:
        hidden = _escape(row.measure) + (f" – {_escape(row.ambition)}" if row.ambition else "")
        yield (
            f'<a class="row-extras__item" href="{options.admin_url(row.id)}">'
            f'{options.admin_link}<span class="visually-hidden">: {hidden}</span></a>'
        )
