"""Answering one request once the core has decided: the preflight response, or the app's response with CORS.

Used by ``CORSMiddleware`` and by cors_flask's layer, which finds its policy differently but must
answer exactly the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ._errors import error_response
from ._headers import _TOUCHED, _UNTOUCHED_LIMIT, _untouched, apply_decision, status_line

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from cors_core import Decision

_NO_BODY: tuple[bytes, ...] = ()
_NO_LENGTH = ("Content-Length", "0")


def serve(
    app: WSGIApplication,
    environ: WSGIEnvironment,
    start_response: StartResponse,
    decision: Decision,
    pairs: tuple[tuple[str, str], ...] | None = None,
) -> Iterable[bytes]:
    """Call *app* and put *decision* (not a preflight's) on whatever response it starts, errors included.

    *pairs* are the decision's headers as a tuple, when the caller keeps them for a shared decision
    (a tuple is the cheapest thing to append to a header list). Shared with cors_flask's layer, which
    finds its policy differently but answers the same way.
    """
    untouched = _untouched
    ours = decision.headers.items() if pairs is None else pairs
    started = False

    def cors_start_response(status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None) -> Callable[[bytes], object]:
        nonlocal started
        started = True
        for name, _ in headers:  # inlined common case of apply_decision(): nothing of the app's to remove or merge
            if name not in untouched:
                if name.lower() in _TOUCHED:
                    return start_response(status, apply_decision(headers, decision), exc_info)
                if len(untouched) < _UNTOUCHED_LIMIT:
                    untouched.add(name)
        return start_response(status, [*headers, *ours], exc_info)

    try:
        result = app(environ, cors_start_response)
    except Exception:
        if _outer_layer_handles_errors(environ):
            raise
        return error_response(start_response, decision)
    if started:
        return result  # untouched: streaming, close() and wsgi.file_wrapper keep working
    return _guard_first_chunk(result, environ, start_response, decision)


def answer_preflight(decision: Decision, start_response: StartResponse) -> Iterable[bytes]:
    """The preflight response, without calling the application (R16, R23, R25)."""
    status = decision.status or 200
    headers = [*decision.headers.items()]
    if status != 204:  # RFC 9110 8.6: no Content-Length on a 204
        headers.append(_NO_LENGTH)
    start_response(status_line(status), headers)
    return _NO_BODY


def _outer_layer_handles_errors(environ: WSGIEnvironment) -> bool:
    """True when a layer outside us asked for exceptions untouched.

    ``paste.throw_errors`` / ``x-wsgiorg.throw_errors`` are the WSGI convention for "do not turn errors
    into pages" (test harnesses such as WebTest set them); werkzeug's interactive debugger announces
    itself with ``werkzeug.debug.preserve_context`` and can only show its traceback page if it gets the
    exception before any response was sent.
    """
    return bool(environ.get("paste.throw_errors") or environ.get("x-wsgiorg.throw_errors")) or (
        "werkzeug.debug.preserve_context" in environ
    )


def _guard_first_chunk(
    result: Iterable[bytes], environ: WSGIEnvironment, start_response: StartResponse, decision: Decision
) -> Iterator[bytes]:
    """For apps that call start_response lazily (generators): a failure before the first chunk still gets the CORS 500."""
    try:
        try:
            iterator = iter(result)
            first = next(iterator)
        except StopIteration:
            return
        except Exception:
            if _outer_layer_handles_errors(environ):
                raise
            yield from error_response(start_response, decision)
            return
        yield first
        yield from iterator
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
