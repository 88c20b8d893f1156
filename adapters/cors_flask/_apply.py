"""For ``@cross_origin`` without ``CORS(app)``: write a Decision onto a Flask Response, or answer a preflight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cors_core import CORS_RESPONSE_HEADERS, Decision, merge_vary

if TYPE_CHECKING:
    from flask import Flask
    from flask.wrappers import Response
    from werkzeug.datastructures import Headers

_OWNED = frozenset(name.lower() for name in CORS_RESPONSE_HEADERS)


def apply_decision(decision: Decision, headers: Headers) -> None:
    """Replace any CORS header the app set with the decision's headers, and merge its Vary."""
    if any(key.lower() in _OWNED for key in headers.keys()):
        for name in CORS_RESPONSE_HEADERS:
            headers.remove(name)
    for name, value in decision.headers.items():
        if name != "Vary":
            headers.add(name, value)
    if decision.vary:
        existing = headers.getlist("Vary")
        headers.set("Vary", merge_vary(existing, decision.vary) if existing else ", ".join(decision.vary))


def preflight_response(app: Flask, decision: Decision) -> Response:
    """The complete answer to a preflight: the decision's status and headers, empty body."""
    status = decision.status or 200
    response = app.response_class(status=status)
    headers = response.headers
    headers.remove("Content-Type")  # an empty body has no type
    for name, value in decision.headers.items():
        headers.add(name, value)
    if status != 204:  # RFC 9110 8.6: never on a 204; on any other empty answer it keeps the connection alive
        headers["Content-Length"] = "0"
    return response
