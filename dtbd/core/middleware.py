"""Vietnamese by default: the UI language comes from the user's explicit choice (the language cookie set by
/i18n/setlang/), never from the browser's Accept-Language — officials' browsers are often set to English.
Request size limits per view (RequestSizeMiddleware, upload_limit)."""
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Drop-in replacement for django.middleware.locale.LocaleMiddleware (same place in MIDDLEWARE)."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {lang for lang, _name in settings.LANGUAGES}
        language = code if code in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def upload_limit(setting="DTBD_UPLOAD_MAX_BYTES"):
    """Mark a view that takes a file upload (an import, a class roster): its requests may be as large as
    settings.<setting> instead of the DATA_UPLOAD_MAX_MEMORY_SIZE of every other view (RequestSizeMiddleware)."""

    def mark(view):
        view.max_request_bytes_setting = setting
        return view

    return mark


class RequestSizeMiddleware:
    """Refuse (413) a request whose body is larger than its view takes: DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2,5 MB)
    for an ordinary form or API call, the view's own limit when it is marked with upload_limit. Checked on the
    declared length before anything reads the body (placed before CsrfViewMiddleware, which reads the form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(settings, getattr(view_func, "max_request_bytes_setting", "DATA_UPLOAD_MAX_MEMORY_SIZE"))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # Django answers a malformed length itself
        if limit is None or length <= limit:
            return None
        size = f"{limit / (1 << 20):.1f}".rstrip("0").rstrip(".").replace(".", ",")
        message = _("Dữ liệu gửi lên quá lớn: trang này nhận tối đa %(size)s MB.") % {"size": size}
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
