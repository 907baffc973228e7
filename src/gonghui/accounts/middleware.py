from django.conf import settings
from django.utils import translation

LANGUAGE_COOKIE = "django_language"


class UserLanguageMiddleware:
    """Chinese by default for everyone, whatever the browser asks for; English when a person chooses it:
    saved on their account once signed in, in a cookie before (the login page has the switch too)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        else:
            language = request.COOKIES.get(LANGUAGE_COOKIE, "")
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
