"""Accent- and case-insensitive free-text search that works on SQLite and PostgreSQL alike.

"geimplementeerd" must find "Geïmplementeerd". PostgreSQL folds with the built-in
``translate(lower(...))`` (no extension needed); SQLite gets a Python function with the same
folding, registered on every new connection. The search term is folded in Python the same way.
"""

import re
import unicodedata

from django.db.models import CharField, Func

# Accented letters that occur in Dutch text (and their neighbours), for PostgreSQL's translate();
# fold() below must give the same result for each (a test checks it).
_ACCENTED = "àáâãäåāèéêëēìíîïīòóôõöōùúûüūýÿçñ"
_PLAIN = "aaaaaaaeeeeeiiiiioooooouuuuuyycn"
_COMBINING_MARKS = re.compile("[\u0300-\u036f]+")

SQLITE_FUNCTION = "vm_fold"


def fold(text: str | None) -> str:
    """Lower case without accents: the form in which text and search terms are compared."""
    if not text:
        return ""
    lowered = text.lower()
    if lowered.isascii():  # the common case, and by far the cheapest
        return lowered
    # Decompose "ï" into "i" + a combining mark and drop the marks (C speed, no per-char loop).
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", lowered))


class Fold(Func):
    """SQL expression for ``fold()`` of a text expression."""

    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template=f"translate(lower(%(expressions)s), '{_ACCENTED}', '{_PLAIN}')",
            **extra_context,
        )

    def as_sql(self, compiler, connection, function=None, template=None, **extra_context):
        if function is None and template is None:
            # Other databases: at least case-insensitive.
            function = "LOWER"
        return super().as_sql(
            compiler, connection, function=function, template=template, **extra_context
        )


def register_sqlite_functions(sender, connection, **kwargs):
    """``connection_created`` receiver: give SQLite the folding function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)
