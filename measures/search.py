"""Accent- and case-insensitive free-text search that works on SQLite and PostgreSQL alike.

"geimplementeerd" must find "Geïmplementeerd". The search term is folded in Python (lower case,
no accents). SQLite then compares it with the text folded by a Python function registered on
every new connection. PostgreSQL instead matches the raw text with a case-insensitive regular
expression in which each letter accepts its accented forms (``accent_pattern()``): folding every
row with ``translate()`` was five times slower there, and ``unaccent`` needs an extension.
"""

import re
import unicodedata
from functools import lru_cache

from django.db.models import BooleanField, Func, Value

# Accented letters that occur in Dutch text (and their neighbours), for accent_pattern();
# fold() below must give the same result for each (a test checks it).
_ACCENTED = "àáâãäåāèéêëēìíîïīòóôõöōùúûüūýÿçñ"
_PLAIN = "aaaaaaaeeeeeiiiiioooooouuuuuyycn"
_COMBINING_MARKS = re.compile("[\u0300-\u036f]+")

SQLITE_CONTAINS_ALL = "vm_contains_all"
TERM_SEPARATOR = "\x1f"  # cannot occur in a term: terms are split on whitespace


def fold(text: str | None) -> str:
    """Lower case without accents: the form in which text and search terms are compared."""
    if not text:
        return ""
    lowered = text.lower()
    if lowered.isascii():  # the common case, and by far the cheapest
        return lowered
    # Decompose "ï" into "i" + a combining mark and drop the marks (C speed, no per-char loop).
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", lowered))


# Each plain letter and the accented forms that fold to it (lower and upper case).
_VARIANTS = {}
for _accented, _plain in zip(_ACCENTED, _PLAIN, strict=True):
    _VARIANTS.setdefault(_plain, _plain)
    _VARIANTS[_plain] += _accented + _accented.upper()


def accent_pattern(term: str) -> str:
    """A case-insensitive regular expression for a folded term that also matches accents."""
    parts = []
    for char in term:
        variants = _VARIANTS.get(char)
        parts.append(f"[{variants}{char.upper()}]" if variants else re.escape(char))
    return "".join(parts)


class FoldedContainsAll(Func):
    """SQLite: whether the folded text contains every folded term (one call per row)."""

    output_field = BooleanField()
    function = SQLITE_CONTAINS_ALL
    arity = 2

    def __init__(self, expression, terms: list[str], **extra):
        super().__init__(expression, Value(TERM_SEPARATOR.join(terms)), **extra)


@lru_cache(maxsize=65536)
def folded(*texts: str | None) -> str:
    """``fold()`` of the texts joined by spaces, remembered by the texts themselves (their
    hashes are cached, a joined string's are not): every search folds the same row texts again,
    on SQLite in ``contains_all`` and for the rows in memory in ``measures.filters``."""
    return fold(" ".join(text or "" for text in texts))


def contains_all(text: str | None, terms: str) -> bool:
    """The Python side of ``FoldedContainsAll``: fold the text once for all terms."""
    folded_text = folded(text)
    return all(term in folded_text for term in terms.split(TERM_SEPARATOR))


def register_sqlite_functions(sender, connection, **kwargs):
    """``connection_created`` receiver: give SQLite the folding function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_CONTAINS_ALL, 2, contains_all, deterministic=True
        )
