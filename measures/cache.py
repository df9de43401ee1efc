"""A data version for cache keys: any change to domain data makes every cached page stale.

The version lives in the database (one row, ``DataVersion``) and changes in the same
transaction as the write, so every app server and every worker agrees on it the moment the
write commits, also with the per-process local-memory cache and also after a management
command. Reading it is one query on a one-row table.
"""

import uuid
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction

from .models import DataVersion

_ROW = 1


def _new_value() -> str:
    return uuid.uuid4().hex


def data_version() -> str:
    """The current version of the domain data (created on first use).

    Every page asks, cached or not, so this is plain SQL: compiling the ORM query cost more
    than running it, about a tenth of a cached page's time.
    """
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [_ROW])  # noqa: S608
        found = cursor.fetchone()
    value = found[0] if found else None
    if value is None:
        value = _create()
    return value


def _create() -> str:
    try:
        with transaction.atomic():
            return DataVersion.objects.get_or_create(pk=_ROW, defaults={"value": _new_value()})[
                0
            ].value
    except IntegrityError:  # created by another process at the same moment
        return DataVersion.objects.get(pk=_ROW).value


def bump_data_version() -> None:
    """Mark all cached renderings of domain data as stale, in the current transaction."""
    if not DataVersion.objects.filter(pk=_ROW).update(value=_new_value()):
        _create()


@contextmanager
def writing():
    """One transaction that changes domain data, the data version bumped first.

    First, so that every writer takes the version's row lock before any other lock: two
    writers then wait for each other instead of deadlocking (PostgreSQL). Every write path of
    ``measures.services``, ``measures.reports`` and ``measures.rounds`` runs in one.

    Once per outermost block: a ``writing()`` inside another (each line of an import, each row
    of a bulk action) and the save signals inside it (``measures.signals``) find the version
    already bumped in a transaction that is still open, and commit or roll back with it.
    """
    connection = transaction.get_connection()
    with transaction.atomic():
        depth = getattr(connection, "_writing_depth", 0)
        if not depth:
            bump_data_version()
        connection._writing_depth = depth + 1
        try:
            yield
        finally:
            connection._writing_depth = depth


def bumped_by_writing(using=None) -> bool:
    """Is a ``writing()`` block open on this connection (its bump covers every write in it)?"""
    return bool(getattr(transaction.get_connection(using), "_writing_depth", 0))
