"""The publicatieversie of the bijlage: what every document of it says, whatever the format.

The heading (the document's full title, the date of the letter and its Kamerstuk) and the
plain description of the table that the DOCX and ODT writers take
(``measures.documents_office``). Documents are always Dutch: callers render them inside
``in_dutch()``, whatever the language of the site.
"""

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from .documents_office import OfficeDocument, OfficeRow
from .footnotes import EXPLANATION, Separator, footnote_text, informed_segments, nl_date, segments
from .models import DOCUMENT_TITLE


def in_dutch():
    """The language every document of the bijlage is written in, whatever the UI's."""
    return translation.override("nl")


@dataclass(frozen=True)
class Heading:
    """What a document says above the table: title, date line and Kamerstuk (may be "")."""

    title: str
    date_line: str
    kamerstuk: str = ""


def long_date(value: datetime.date) -> str:
    """A date as a letter writes it: "24 oktober 2024"."""
    with in_dutch():
        return date_format(value, "j F Y")


def live_heading(as_of: datetime.date) -> Heading:
    """The live state, for review before publishing: a concept, dated."""
    with in_dutch():
        line = gettext("Concept, stand van %(date)s") % {"date": long_date(as_of)}
    return Heading(DOCUMENT_TITLE, line)


def report_heading(report) -> Heading:
    """A report: its full title, the date of its letter (or its peildatum), its Kamerstuk.

    A published report names the letter as copied when it was published; a later edit of
    the letter does not change what parliament received.
    """
    letter_date, reference = report.named_letter()
    with in_dutch():
        if letter_date is not None:
            line = gettext("Kamerbrief van %(date)s") % {"date": long_date(letter_date)}
        else:
            line = gettext("Peildatum %(date)s") % {"date": long_date(report.peildatum)}
        if not report.is_published:
            line = gettext("Concept") + " – " + line
    title = report.document_title or DOCUMENT_TITLE
    return Heading(title, line, reference)


def cell_pieces_of_row(row, icon: str, not_applicable: str):
    """The six cells of a presented row (``measures.presenter.TableRow``) as pieces, the
    footnote markers in place (``measures.footnotes``)."""
    marks = row.footnote_marks
    measure = row.measure + (f" ({row.vm_label})" if row.vm_label else "")
    status = [f"{icon} {gettext(row.phase_label)}"]
    if row.status_text:
        status.append("\n\n" + row.status_text)
    informed = [
        piece
        if isinstance(piece, int)
        else piece.rstrip() + "\n"
        if isinstance(piece, Separator)
        else nl_date(piece)
        for piece in informed_segments(row.letters, marks)
    ]
    page = row.strategy_page
    return (
        [row.ambition or not_applicable],
        [str(page) if page is not None else "-"],
        [measure],
        segments(row.explanation, marks, EXPLANATION),
        status,
        informed,
    )


def describe_bijlage(bijlage, heading: Heading) -> OfficeDocument:
    """The plain description of a presented bijlage (``measures.presenter.present``) for the
    DOCX and ODT writers, in the active language (documents: Dutch, see ``in_dutch``)."""
    icons = {phase.code: phase.icon for phase in bijlage.legend}
    not_applicable = gettext("N.v.t.")
    groups = []
    for theme, members in bijlage.groups:
        rows = []
        for row in members:
            cells = cell_pieces_of_row(row, icons.get(row.phase, ""), not_applicable)
            rows.append(OfficeRow(cells=cells, ambition_rows=row.ambition_rowspan))
        groups.append((theme or "", tuple(rows)))
    return OfficeDocument(
        title=heading.title,
        date_line=heading.date_line,
        kamerstuk=heading.kamerstuk,
        legend_title=gettext("Legenda"),
        legend=tuple((phase.icon, gettext(phase.label)) for phase in bijlage.legend),
        headers=(
            gettext("Ambitie invorderingsstrategie (IS)"),
            gettext("Pag. IS"),
            gettext("Valt onder verbetermaatregel"),
            gettext("Toelichting"),
            gettext("Stand van zaken uitwerking"),
            gettext("TK geïnformeerd"),
        ),
        groups=tuple(groups),
        footnotes_title=gettext("Voetnoten"),
        footnotes=tuple(
            (mark.number, footnote_text(mark))
            for mark in bijlage.footnotes
            if mark.number is not None
        ),
        page_word=gettext("Pagina"),
        of_word=gettext("van"),
    )
