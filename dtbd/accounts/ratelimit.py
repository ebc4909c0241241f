"""A small fixed-window rate limiter in the cache, per client IP address (settings DTBD_RATE_LIMITS).

The default cache is local memory: counts are per process, right for `make run` and one gunicorn worker; with
several workers or machines set REDIS_URL so that they share the counters."""
import time

from django.conf import settings
from django.core.cache import cache

from dtbd.core.http import client_ip

__all__ = ["client_ip", "hit", "rule_for"]


def rule_for(request):
    """The (prefix, limit, window) of the first rule that applies to this request, or None. A prefix ending in "$"
    matches that exact path only."""
    for prefix, methods, limit, window in getattr(settings, "DTBD_RATE_LIMITS", []):
        matches = request.path == prefix[:-1] if prefix.endswith("$") else request.path.startswith(prefix)
        if matches and (methods is None or request.method in methods):
            return prefix, limit, window
    return None


def hit(key, limit, window):
    """Count one request under `key` in the current window; True while the count is within `limit`.
    Returns (allowed, seconds until the window ends)."""
    now = int(time.time())
    start = now - now % window
    cache_key = f"rl:{key}:{start}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    return count <= limit, start + window - now
