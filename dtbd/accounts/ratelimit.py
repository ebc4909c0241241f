"""A small fixed-window rate limiter in the cache, per client IP address (settings DTBD_RATE_LIMITS).

The default cache is local memory: counts are per process, right for `make run` and one gunicorn worker; with
several workers or machines set REDIS_URL so that they share the counters."""
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind our own reverse proxy (DTBD_BEHIND_PROXY) the last address that
    proxy appended to X-Forwarded-For (earlier entries are written by the client and cannot be trusted)."""
    address = request.META.get("REMOTE_ADDR") or ""
    if getattr(settings, "DTBD_BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-1]
    # A valid address only: django-axes stores it in an inet column, which PostgreSQL checks.
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "0.0.0.0"


def rule_for(request):
    """The (prefix, limit, window) that applies to this request, or None."""
    for prefix, methods, limit, window in getattr(settings, "DTBD_RATE_LIMITS", []):
        if request.path.startswith(prefix) and (methods is None or request.method in methods):
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
