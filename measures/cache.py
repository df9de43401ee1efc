"""A data version for cache keys: any change to domain data makes every cached page stale.

The version lives in the shared cache, so several app servers behind one Redis agree on it.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "measures:data-version"


def data_version() -> str:
    """The current version of the domain data (created on first use)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add() keeps the version another server may have set in the meantime.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def bump_data_version() -> None:
    """Mark all cached renderings of domain data as stale."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
