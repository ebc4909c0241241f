"""Authentication backends. LockoutBackend = django-axes's lockout check, placed before ModelBackend."""
from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a username+IP pair that is locked out (settings AXES_*). Web logins always pass the request; a call
    without one (the test client's login(), the shell) has no client address to count against, so it is left to the
    next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
