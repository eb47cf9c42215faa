from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from samverka.lib import memo
from samverka.lib.sqlite.base import reading_request


class LanguageMiddleware:
    """Swedish first: the language is Swedish unless the user chose another.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not used: a
    Swedish official with an English browser still gets the Swedish interface, and
    switches with the button in the header (which sets the language cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user and on
    every download (PDF, DOCX, CSV, XLSX, calendar), so that neither a shared proxy nor the
    browser's disk cache keeps a copy of what only that user may read. Public pages for
    anonymous visitors keep their headers."""

    DOWNLOAD_TYPES = (
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.",
        "text/csv",
        "text/calendar",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = "attachment" in response.headers.get("Content-Disposition", "") or (
            response.headers.get("Content-Type", "").startswith(self.DOWNLOAD_TYPES)
        )
        if signed_in or download:
            response.headers["Cache-Control"] = "private, no-store"
        return response


class ReadingRequestMiddleware:
    """Marks a GET, HEAD or OPTIONS request as one that reads, so that on SQLite its
    transaction does not wait for the write lock (see samverka.lib.sqlite), and lets it
    answer the questions it asks more than once (the user's memberships, the version of
    the data) once (see samverka.lib.memo)."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reading = request.method in self.SAFE
        token = reading_request.set(reading)
        try:
            if reading:
                with memo.scope():
                    return self.get_response(request)
            return self.get_response(request)
        finally:
            reading_request.reset(token)
