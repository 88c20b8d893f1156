"""Stand-ins for middleware a project puts after CorsMiddleware: one that refuses every request without a token."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase


class RequireToken:
    """Like an authentication middleware: 401 for any request without an Authorization header (preflights have none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "HTTP_AUTHORIZATION" not in request.META:
            return HttpResponse("login first", status=401)
        return self.get_response(request)
