"""Keep cached renderings in step with the data: every write to a domain model bumps the data
version (``measures.cache``) in the same transaction."""

from django.db import connections, router
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)

from .cache import bump_data_version, bumped_by_writing

# Models that no page shows: writing them says nothing about the bijlage.
_NOT_DATA = {"dataversion", "pendingimport", "remindersent"}


def _is_data(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return (
        getattr(meta, "app_label", None) == "measures"
        and meta.model_name not in _NOT_DATA
        and sender.__module__ != "__fake__"  # the models of a migration: no version yet
    )


def _in_transaction(sender) -> bool:
    return connections[router.db_for_write(sender)].in_atomic_block


def _before(sender, **kwargs):
    """Inside a transaction: bump before the write, in the same transaction (if the write
    rolls back, so does the bump). Inside ``writing()`` that block has bumped already."""
    if kwargs.get("action", "pre_").startswith("pre_") and _is_data(sender):
        using = router.db_for_write(sender)
        if _in_transaction(sender) and not bumped_by_writing(using):
            bump_data_version()


def _after(sender, **kwargs):
    """In autocommit: bump right after the write committed (a reader in between caches the
    new data under the old version, which is then never asked for again)."""
    if kwargs.get("action", "post_").startswith("post_") and _is_data(sender):
        if not _in_transaction(sender):
            bump_data_version()


pre_save.connect(_before, dispatch_uid="measures-data-version-pre-save")
pre_delete.connect(_before, dispatch_uid="measures-data-version-pre-delete")
m2m_changed.connect(_before, dispatch_uid="measures-data-version-m2m-before")
post_save.connect(_after, dispatch_uid="measures-data-version-post-save")
post_delete.connect(_after, dispatch_uid="measures-data-version-post-delete")
m2m_changed.connect(_after, dispatch_uid="measures-data-version-m2m-after")
