"""Footnote markers of the bijlage: where each stands in a cell, and an honest missing text.

A footnote mark (``Row.footnote_marks``) has a number, a text, a location (the row's
explanation or its "TK geïnformeerd" cell) and an anchor: the word or date (dd/mm/jjjj) the
marker stands right after, as in the original ("vorderingenoverzicht²"). A marker without an
anchor, or whose anchor is not in the cell, stands at the end of the cell. A mark without text
(the seed's 1, 3 and 4: not in the source) is printed with a placeholder, never left out, and
a report cannot be published while one is missing (``measures.reports.publish_report``).
Every rendering (page, HTML, PDF, DOCX, ODT) places markers through ``segments()``.
"""

import datetime
import re

from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

EXPLANATION = "explanation"
PARLIAMENT = "parliament_informed"

# Stand for a marker and a quoted passage while the cell text passes through linebreaks.
_MARK = re.compile("\ue000(\\d+)\ue001")
_PRIVATE = re.compile("[\ue000-\ue005]")
# A quoted name (“Overzicht ontvangen en betalen”) is never hyphenated in a document.
_QUOTED = re.compile('(“[^”\n]{1,200}”|‘[^’\n]{1,200}’|"[^"\n]{1,200}")')


def _get(item, name, default=None):
    """A field of a mark or letter: a value object (``measures.rows``) or its JSON dict."""
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def placeholder(number) -> str:
    """What a document prints for a footnote whose text is not known."""
    return gettext("tekst van voetnoot %(number)s niet beschikbaar in de bron") % {"number": number}


def footnote_text(mark: dict) -> str:
    """The footnote's text, or the placeholder that says it is missing."""
    text = (_get(mark, "text") or "").strip()
    return text or placeholder(_get(mark, "number"))


def missing_numbers(rows) -> list[int]:
    """Numbers of the footnote marks of these rows that have no text, each once, in order."""
    return sorted(
        {
            _get(mark, "number")
            for row in rows
            for mark in _get(row, "footnote_marks", ())
            if not (_get(mark, "text") or "").strip() and _get(mark, "number") is not None
        }
    )


def segments(text: str, marks, location: str) -> list:
    """The cell text cut at its markers: strings, and ints (footnote numbers) in between.

    ``segments("zoals het vorderingenoverzicht en", [mark 2 after 'vorderingenoverzicht'],
    "explanation")`` is ``["zoals het vorderingenoverzicht", 2, " en"]``.
    """
    pieces: list = [text or ""]
    trailing = []
    for mark in _numbered(marks):
        if _get(mark, "location", PARLIAMENT) != location:
            continue
        anchor = (_get(mark, "anchor") or "").strip()
        if not anchor or not _insert_after(pieces, anchor, _get(mark, "number")):
            trailing.append(_get(mark, "number"))
    pieces.extend(trailing)
    return [piece for piece in pieces if piece != ""]


def _numbered(marks) -> list:
    """The marks that have a number (old snapshots may hold texts only), by number."""
    numbered = [mark for mark in marks or () if _get(mark, "number") is not None]
    return sorted(numbered, key=lambda mark: _get(mark, "number"))


def _insert_after(pieces: list, anchor: str, number: int) -> bool:
    """Put ``number`` right after the first whole-word ``anchor`` in the text pieces."""
    pattern = re.compile(r"(?<!\w)" + re.escape(anchor) + r"(?!\w)")
    for index, piece in enumerate(pieces):
        if not isinstance(piece, str):
            continue
        found = pattern.search(piece)
        if found:
            pieces[index : index + 1] = [piece[: found.end()], number, piece[found.end() :]]
            return True
    return False


class Separator(str):
    """The text between two dates of the "TK geïnformeerd" cell (a line break in HTML)."""


def informed_segments(letters, marks) -> list:
    """The "TK geïnformeerd" cell like ``segments()``: dates (``datetime.date``), separators
    (", " and " en ") and footnote numbers, each marker right after the date it belongs to.

    An empty cell is ``["-"]``; a date that is not a valid ISO date stays its text.
    """
    pieces: list = []
    dates = [_as_date(_get(letter, "date")) for letter in letters]
    for index, date in enumerate(dates):
        if index:
            last = index == len(dates) - 1
            pieces.append(Separator(" " + gettext("en") + " " if last else ", "))
        pieces.append(date)
    if not pieces:
        pieces.append("-")
    trailing = []
    for mark in _numbered(marks):
        if _get(mark, "location", PARLIAMENT) != PARLIAMENT:
            continue
        anchor = (_get(mark, "anchor") or "").strip()
        spot = next(
            (i for i, piece in enumerate(pieces) if anchor and nl_date(piece) == anchor), None
        )
        if spot is None:
            trailing.append(_get(mark, "number"))
        else:
            while spot + 1 < len(pieces) and isinstance(pieces[spot + 1], int):
                spot += 1
            pieces.insert(spot + 1, _get(mark, "number"))
    return pieces + trailing


def _as_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)


def nl_date(value) -> str:
    """A date as the bijlage writes it (dd/mm/jjjj); other values as their text."""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if isinstance(value, int) else str(value)


def marker_html(number) -> str:
    return f'<sup class="footnote-ref"><a href="#voetnoot-{number}">{number}</a></sup>'


# A "word" this long is no Dutch word but a pasted URL or a code: it alone may break anywhere,
# so it cannot widen its column (normal words break only between words or at hyphens).
_LONG_TOKEN = re.compile(r"[^\s\ue000-\ue005]{30,}")


def long_words_html(text: str) -> str:
    """Text as escaped HTML, its overlong tokens in a span that may break anywhere."""
    marked = _LONG_TOKEN.sub(lambda found: f"\ue004{found.group()}\ue005", _PRIVATE.sub("", text))
    return _long_word_spans(escape(marked))


def _long_word_spans(html: str) -> str:
    return html.replace("\ue004", '<span class="long-word">').replace("\ue005", "</span>")


def marked_html(text: str, marks, location: str, *, paragraphs: bool = True) -> str:
    """The cell as HTML, escaped, with its paragraphs and its markers in place; quoted names
    in a span that is never hyphenated."""
    placeholders = "".join(
        f"\ue000{piece}\ue001" if isinstance(piece, int) else _PRIVATE.sub("", piece)
        for piece in segments(text, marks, location)
    )
    placeholders = _QUOTED.sub("\ue002\\1\ue003", placeholders)
    placeholders = _LONG_TOKEN.sub(lambda found: f"\ue004{found.group()}\ue005", placeholders)
    html = linebreaks(placeholders, autoescape=True) if paragraphs else escape(placeholders)
    html = html.replace("\ue002", '<span class="no-hyphens">').replace("\ue003", "</span>")
    html = _long_word_spans(html)
    return mark_safe(_MARK.sub(lambda found: marker_html(found.group(1)), html))  # noqa: S308


def informed_html(letters, marks) -> str:
    """The "TK geïnformeerd" cell as HTML: one date a line, markers after their date."""
    html = []
    for piece in informed_segments(letters, marks):
        if isinstance(piece, int):
            html.append(marker_html(piece))
        elif isinstance(piece, datetime.date):
            html.append(f'<time datetime="{piece.isoformat()}">{nl_date(piece)}</time>')
        elif isinstance(piece, Separator):
            html.append(escape(piece.rstrip()) + "<br>")
        elif not letters:
            # The dash is what the eye reads; a screen reader reads the words instead (a label
            # on a span without a role is not read aloud).
            label = escape(gettext("Nog niet geïnformeerd"))
            html.append(
                f'<span aria-hidden="true">{escape(piece)}</span>'
                f'<span class="visually-hidden">{label}</span>'
            )
        else:
            html.append(escape(piece))
    return mark_safe("".join(html))  # noqa: S308 -- escaped above
