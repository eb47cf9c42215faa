from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from samverka.audit.recorder import request_context


class AuditActorMiddleware:
    """Makes the request's signed-in user the actor of every change it causes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request):
            return self.get_response(request)
