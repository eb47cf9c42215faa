"""A limit on how often something may happen per key (an address, a client), kept in
Django's cache ``limits`` (a database table in the settings, so that every web process
counts together)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import caches


def allow(scope: str, key: str, limit: int, period: int = 3600) -> bool:
    """Count one more ``scope`` event for ``key`` and say whether it is within ``limit`` per
    ``period`` seconds (a fixed window). The key is hashed: no address is stored in clear."""
    cache = caches["limits"]
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()
    window = int(time.time() // period)
    cache_key = f"throttle:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit
