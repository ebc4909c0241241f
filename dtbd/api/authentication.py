"""Token authentication of /api/v1/: `Authorization: Bearer <key>` (or `Token <key>`). The request then acts as
the token's user, with exactly that user's scope. A missing header lets the next authenticator (the session, for
the browsable API) try; a wrong, expired or revoked key is refused (401)."""
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .tokens import find_usable

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng: Bearer <khoá>."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Khoá API không hợp lệ.")) from None
        token = find_usable(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Khoá API không hợp lệ, đã hết hạn hoặc đã bị thu hồi."))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
