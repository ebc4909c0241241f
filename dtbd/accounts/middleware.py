"""Security middleware: rate limits on login and public pages; two-factor authentication before anything else
for the users who need it; idle session timeout."""
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from . import ratelimit, twofactor


class RateLimitMiddleware:
    """429 with a Vietnamese page when one client IP sends more than the allowed requests to a limited path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rule = ratelimit.rule_for(request)
        if rule:
            prefix, limit, window = rule
            allowed, retry_after = ratelimit.hit(f"{prefix}:{ratelimit.client_ip(request)}", limit, window)
            if not allowed:
                response = render(request, "registration/rate_limited.html", {"retry_after": retry_after}, status=429)
                response["Retry-After"] = str(retry_after)
                add_never_cache_headers(response)
                return response
        return self.get_response(request)


# Paths a user who still owes a second factor may reach: the 2FA pages themselves, logout, static files, language.
EXEMPT_PREFIXES = ("/static/", "/i18n/")


class TwoFactorMiddleware:
    """After the password step: a user with an enrolled device must enter a code (verify page); a system admin or
    province manager without one must enrol first when settings.DTBD_REQUIRE_2FA is on. Nothing else is served
    until then. Also ends sessions idle for more than settings.DTBD_IDLE_MINUTES (0 = never)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if self._idle_expired(request):
                logout(request)
                return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            step = twofactor.pending_step_cached(request)
            if step and not self._exempt(request):
                return self._redirect(request, step)
        return self.get_response(request)

    @staticmethod
    def _idle_expired(request):
        minutes = getattr(settings, "DTBD_IDLE_MINUTES", 0)
        if not minutes:
            return False
        now = int(time.time())
        last = request.session.get("last_seen")
        if last and now - last > minutes * 60:
            return True
        if not last or now - last > 60:  # write the session at most once a minute
            request.session["last_seen"] = now
        return False

    @staticmethod
    def _exempt(request):
        path = request.path
        allowed = {reverse("two_factor_setup"), reverse("two_factor_verify"), reverse("logout")}
        return path in allowed or path.startswith(EXEMPT_PREFIXES)

    @staticmethod
    def _redirect(request, step):
        target = reverse("two_factor_setup" if step == twofactor.SETUP else "two_factor_verify")
        next_url = request.get_full_path()
        if request.method == "GET" and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            target = f"{target}?{urlencode({'next': next_url})}"
        if request.headers.get("HX-Request") == "true":  # htmx follows HX-Redirect with a full page load
            response = HttpResponseRedirect(target)
            response.status_code = 200
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
