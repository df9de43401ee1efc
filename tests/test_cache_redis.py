"""Several app servers share one Redis: the cache and the data version agree between them."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001 -- any failure means: no Redis to test against
        return False


pytestmark = pytest.mark.skipif(
    not _redis_answers(), reason=f"no Redis answers at {REDIS_URL} (set REDIS_TEST_URL)"
)


def _server_cache(prefix: str) -> RedisCache:
    """The cache as one app server configures it from REDIS_URL."""
    return RedisCache(REDIS_URL, {"KEY_PREFIX": prefix, "TIMEOUT": 60})


def test_two_app_servers_see_each_others_cache_entries_through_redis():
    prefix = f"toeslagen-vm-test-{uuid.uuid4().hex}"
    first, second = _server_cache(prefix), _server_cache(prefix)
    first.set("overview", "gerenderde pagina", 30)
    assert second.get("overview") == "gerenderde pagina"
    second.delete("overview")
    assert first.get("overview") is None


def test_a_data_change_on_one_server_makes_the_cached_pages_of_all_servers_stale(db):
    from measures import cache as data_cache

    prefix = f"toeslagen-vm-test-{uuid.uuid4().hex}"
    settings_for_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=settings_for_redis):
        # The version is in the database, whatever the cache: every server reads the same.
        before = data_cache.data_version()
        data_cache.bump_data_version()
        assert data_cache.data_version() != before
