"""Rate limits of /api/v1/ (DRF throttling; README "API"). Counted in Django's default cache (Redis when REDIS_URL is
set, so every process shares the counters): per API token (a request authenticated by a session counts per user)
and, for anonymous requests (the schema and the docs), per client IP as the rest of the site sees it
(core.http.client_ip: X-Forwarded-For only behind a trusted proxy). Rates from the environment:
DTBD_API_RATE (default 600/min) and DTBD_API_ANON_RATE (default 60/min). Over the rate: 429 with Retry-After."""
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from dtbd.core.http import client_ip

from .models import ApiToken


class _SettingsRate(SimpleRateThrottle):
    """The rate read from the settings when the throttle is made (DRF binds them once at import), so that a change
    of REST_FRAMEWORK (override_settings in tests) applies."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class TokenRateThrottle(_SettingsRate):
    """Authenticated requests: one counter per API token (each integration its own budget), else per user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        else:
            ident = f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonIpRateThrottle(_SettingsRate):
    """Anonymous requests: one counter per client IP."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request)}
