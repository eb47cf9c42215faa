"""Every test runs with the application's real cache (in each process's memory), empty
at its start: a figure cached by one test is never read by the next, whose rows may
have the same primary keys."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
