"""Facts about a request that several apps need."""
import ipaddress

from django.conf import settings


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
