"""``CORSMiddleware``: applies a cors_core policy to any WSGI application (PEP 3333)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from cors_core import Policy, PolicySet, RequestKind, RequestMeta, decide

from ._errors import error_response
from ._headers import apply_decision, status_line
from .environ import decoded_path, request_meta

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from cors_core import Decision

_OUT_OF_SCOPE = RequestKind.OUT_OF_SCOPE
_PREFLIGHT = RequestKind.PREFLIGHT
_NO_BODY: tuple[bytes, ...] = ()
_NO_LENGTH = ("Content-Length", "0")


class CORSMiddleware:
    """Wrap *app* so that every response follows *policy* (a :class:`Policy` or a path-scoped :class:`PolicySet`).

    Preflights are answered here and never reach *app*; every other response of a path the policy
    covers gets the CORS headers, whatever its status, including the 500 sent when *app* raises.
    """

    __slots__ = ("_no_origin", "_no_origin_items", "_scoped", "app", "policy")

    app: WSGIApplication
    policy: Policy | PolicySet
    _scoped: bool
    _no_origin: Decision | None
    _no_origin_items: tuple[tuple[str, str], ...] | None

    def __init__(self, app: WSGIApplication, policy: Policy | PolicySet) -> None:
        if not isinstance(policy, (Policy, PolicySet)):
            raise TypeError(f"policy must be a cors_core Policy or PolicySet, not {type(policy).__name__}")
        if not callable(app):
            raise TypeError("app must be a WSGI application (a callable taking environ and start_response)")
        self.app = app
        self.policy = policy
        self._scoped = isinstance(policy, PolicySet)
        self._no_origin = _shared_no_origin_decision(policy)
        self._no_origin_items = None if self._no_origin is None else tuple(self._no_origin.headers.items())

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        decision = self._no_origin
        items = self._no_origin_items
        if decision is None or "HTTP_ORIGIN" in environ:
            items = None
            # Only a PolicySet looks at the path; a single Policy skips the decoding.
            path = decoded_path(environ) if self._scoped else environ.get("PATH_INFO") or "/"
            decision = decide(request_meta(environ, path), self.policy)
        kind = decision.kind
        if kind is _OUT_OF_SCOPE:
            return self.app(environ, start_response)
        if kind is _PREFLIGHT:
            return _answer_preflight(decision, start_response)

        started = False

        def cors_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Callable[[bytes], object]:
            nonlocal started
            started = True
            return start_response(status, apply_decision(headers, decision, items), exc_info)

        try:
            result = self.app(environ, cors_start_response)
        except Exception:
            if _outer_layer_handles_errors(environ):
                raise
            return error_response(start_response, decision)
        if started:
            return result  # untouched: streaming, close() and wsgi.file_wrapper keep working
        return _guard_first_chunk(result, environ, start_response, decision)

    def __repr__(self) -> str:
        return f"CORSMiddleware({self.app!r}, {self.policy!r})"


def _shared_no_origin_decision(policy: Policy | PolicySet) -> Decision | None:
    """The core's answer to every request without Origin under *policy*, if it is one shared object.

    cors_core builds that decision once per Policy; reusing it skips reading the environ and calling
    decide() for the most common traffic. Checked, not assumed: two different requests must get the
    very same object, otherwise (or for a PolicySet, where it depends on the path) None.
    """
    if isinstance(policy, PolicySet):
        return None
    first = decide(RequestMeta("GET", "/"), policy)
    same = decide(RequestMeta("OPTIONS", "/other", None, "PUT", "x-a"), policy)
    return first if first is same and first.kind is RequestKind.NOT_CORS else None


def _answer_preflight(decision: Decision, start_response: StartResponse) -> Iterable[bytes]:
    """The preflight response, without calling the application (R16, R23, R25)."""
    status = decision.status or 204
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
