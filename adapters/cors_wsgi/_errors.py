"""The 500 the adapter sends when the application fails before its response started, then re-raises.

The body is yielded first and the original exception is raised on the next step of the iteration,
so the client receives a complete response carrying the CORS headers, while the server (and any
error-reporting middleware outside this one) still sees the exception and logs it as it would
have without us (PEP 3333: errors raised while iterating after the headers went out are logged
and the connection is closed).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._headers import apply_decision, status_line

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse

    from cors_core import Decision

ERROR_BODY = b"Internal Server Error\n"
_ERROR_STATUS = status_line(500)
_ERROR_HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(ERROR_BODY)))]


class ErrorBody:
    """Yields the error page once, then raises the application's exception (from ``close()`` at the latest)."""

    __slots__ = ("_body_sent", "_error")

    def __init__(self, error: BaseException) -> None:
        self._error: BaseException | None = error
        self._body_sent = False

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if not self._body_sent:
            self._body_sent = True
            return ERROR_BODY
        self._raise()
        raise StopIteration

    def close(self) -> None:
        """PEP 3333 servers always call this; a server that stopped iterating early still gets the exception."""
        self._raise()

    def _raise(self) -> None:
        error, self._error = self._error, None
        if error is not None:
            raise error


def error_response(start_response: StartResponse, decision: Decision) -> ErrorBody:
    """Start a 500 carrying the decision's CORS headers, passing ``sys.exc_info()`` as PEP 3333 asks.

    Call it only from an ``except`` block: the exception being handled is the one reported.

    If the headers already went out (the app used ``write()``), the server's ``start_response``
    re-raises the exception itself, which is exactly what should happen then.
    """
    exc_info = sys.exc_info()
    start_response(_ERROR_STATUS, apply_decision(_ERROR_HEADERS, decision), exc_info)
    return ErrorBody(exc_info[1] or RuntimeError("error_response() called outside an except block"))
