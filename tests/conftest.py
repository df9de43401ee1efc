"""Shared fixtures: the seed bijlage and a client."""

import pytest
from django.core.management import call_command


@pytest.fixture
def bijlage(db):
    """The real seed bijlage of 2024, loaded as `make run` does."""
    call_command("loaddata", "bijlage_2024", verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache, so cached renderings never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published_seed(db):
    """The seed with its audit trail, published as the first report "Bijlage oktober 2024"."""
    from measures.reports import ensure_seed_report

    call_command("loaddata", "bijlage_2024", verbosity=0)
    return ensure_seed_report()
