"""Translating between Django requests/responses and cors_core: RequestMeta in, Decision headers out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from cors_core import CORS_RESPONSE_HEADERS, Decision, RequestMeta

_OWNED = frozenset(name.lower() for name in CORS_RESPONSE_HEADERS)


def request_meta(request: HttpRequest) -> RequestMeta:
    """The raw CORS request headers (WSGI/ASGI joins repeated fields, so the Origin count is unknown)."""
    meta = request.META
    return RequestMeta(
        request.method or "GET",
        request.path_info,
        meta.get("HTTP_ORIGIN"),
        meta.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        meta.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        meta.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
    )


def apply(response: HttpResponseBase, decision: Decision, vary: tuple[str, ...]) -> None:
    """Put the decision on an app response: drop CORS headers the app set, set ours, merge Vary into one field."""
    headers = response.headers
    for stale in [name for name in headers if name.lower() in _OWNED]:
        del headers[stale]
    store = getattr(headers, "_store", None)
    if type(store) is dict:
        # Django's ResponseHeaders keeps {lower name: (name, value)}; its __setitem__ re-validates and
        # re-encodes each value (~0.6 us a header), but the core only emits checked ASCII tokens (R35).
        for name, value in decision.headers.items():
            if name != "Vary":
                store[name.lower()] = (name, value)
    else:  # pragma: no cover - a Django without the private store: the public way
        for name, value in decision.headers.items():
            if name != "Vary":
                headers[name] = value
    if vary:
        if "vary" in store if type(store) is dict else "Vary" in headers:
            patch_vary_headers(response, vary)  # case-insensitive merge, keeps the app's names and a '*'
        elif type(store) is dict:
            store["vary"] = ("Vary", ", ".join(vary))
        else:  # pragma: no cover
            headers["Vary"] = ", ".join(vary)


def preflight_response(decision: Decision, status: int, vary: tuple[str, ...]) -> HttpResponse:
    """The answer to a preflight, sent instead of calling the view: no body, the decision's headers."""
    response = HttpResponse(status=status)
    apply(response, decision, vary)
    response.headers["Content-Length"] = "0"
    # Django logs every 4xx ("Forbidden: /api"); a refused preflight is routine traffic that anyone can send,
    # so logging it would let any site fill the logs (and costs ~10 us). The policy's debug header says why.
    response._has_been_logged = True  # type: ignore[attr-defined]  # the flag django.utils.log.log_response checks
    return response
