"""Translating between Django requests/responses and cors_core: RequestMeta in, Decision headers out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from cors_core import CORS_RESPONSE_HEADERS, Decision, RequestMeta

_OWNED = frozenset(name.lower() for name in CORS_RESPONSE_HEADERS)


def request_meta(request: HttpRequest) -> RequestMeta:
    """The raw CORS request headers (WSGI/ASGI joins repeated fields, so the Origin count is unknown)."""
    return RequestMeta.from_cgi(request.META, request.path_info, request.method or "GET")


def apply(response: HttpResponseBase, decision: Decision, vary: tuple[str, ...]) -> None:
    """Put the decision on an app response: drop CORS headers the app set, set ours, merge Vary into one field."""
    store = getattr(response.headers, "_store", None)
    if type(store) is not dict:  # pragma: no cover - a Django without the private store
        _apply_public(response, decision, vary)
        return
    # Django's ResponseHeaders keeps {lower name: (name, value)}; its __setitem__ re-validates and re-encodes
    # each value (~0.6 us a header), but the core only emits checked ASCII tokens (R35).
    if not _OWNED.isdisjoint(store):
        for stale in [key for key in store if key in _OWNED]:
            del store[stale]
    for name, value in decision.headers.items():
        if name != "Vary":
            store[name.lower()] = (name, value)
    if vary:
        if "vary" in store:
            patch_vary_headers(response, vary)  # case-insensitive merge, keeps the app's names and a '*'
        else:
            store["vary"] = ("Vary", ", ".join(vary))


def _apply_public(response: HttpResponseBase, decision: Decision, vary: tuple[str, ...]) -> None:  # pragma: no cover
    """``apply`` through the public ResponseHeaders API only."""
    headers = response.headers
    for stale in [name for name in headers if name.lower() in _OWNED]:
        del headers[stale]
    for name, value in decision.headers.items():
        if name != "Vary":
            headers[name] = value
    if vary:
        if "Vary" in headers:
            patch_vary_headers(response, vary)
        else:
            headers["Vary"] = ", ".join(vary)


def preflight_response(decision: Decision, status: int, vary: tuple[str, ...]) -> HttpResponse:
    """The answer to a preflight, sent instead of calling the view: no body, the decision's headers."""
    response = HttpResponse(status=status)
    apply(response, decision, vary)
    if status != 204:  # RFC 9110 8.6: no Content-Length on a 204; without one on other statuses, servers close the connection
        response.headers["Content-Length"] = "0"
    # Django logs every 4xx ("Forbidden: /api"); a refused preflight is routine traffic that anyone can send,
    # so logging it would let any site fill the logs (and costs ~10 us). The policy's debug header says why.
    response._has_been_logged = True  # type: ignore[attr-defined]  # the flag django.utils.log.log_response checks
    return response
