"""Vietnamese by default: the UI language comes from the user's explicit choice (the language cookie set by
/i18n/setlang/), never from the browser's Accept-Language — officials' browsers are often set to English."""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Drop-in replacement for django.middleware.locale.LocaleMiddleware (same place in MIDDLEWARE)."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {lang for lang, _name in settings.LANGUAGES}
        language = code if code in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
