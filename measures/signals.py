"""Keep cached renderings in step with the data: every write to a domain model bumps the version."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import bump_data_version


def _on_change(sender, **kwargs):
    if getattr(getattr(sender, "_meta", None), "app_label", None) == "measures":
        # Now, so the writer (and a test inside one transaction) sees its edit at once; and
        # again after commit, so a reader that cached the old data meanwhile is made stale too.
        bump_data_version()
        transaction.on_commit(bump_data_version)


for _signal in (post_save, post_delete, m2m_changed):
    _signal.connect(_on_change, dispatch_uid=f"measures-data-version-{_signal!r}")
