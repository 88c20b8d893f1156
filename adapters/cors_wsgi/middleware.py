"""``CORSMiddleware``: applies a cors_core policy to any WSGI application (PEP 3333)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cors_core import Policy, PolicySet, RequestKind, decide, decision_without_origin

from .environ import decoded_path, request_meta
from .serving import answer_preflight, serve

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from cors_core import Decision

_OUT_OF_SCOPE = RequestKind.OUT_OF_SCOPE
_PREFLIGHT = RequestKind.PREFLIGHT


class CORSMiddleware:
    """Wrap *app* so that every response follows *policy* (a :class:`Policy` or a path-scoped :class:`PolicySet`).

    Preflights are answered here and never reach *app*; every other response of a path the policy
    covers gets the CORS headers, whatever its status, including the 500 sent when *app* raises.
    """

    __slots__ = ("_no_origin", "_no_origin_pairs", "_scoped", "app", "policy")

    app: WSGIApplication
    policy: Policy | PolicySet
    _scoped: bool
    _no_origin: Decision | None
    _no_origin_pairs: tuple[tuple[str, str], ...] | None

    def __init__(self, app: WSGIApplication, policy: Policy | PolicySet) -> None:
        if not isinstance(policy, (Policy, PolicySet)):
            raise TypeError(f"policy must be a cors_core Policy or PolicySet, not {type(policy).__name__}")
        if not callable(app):
            raise TypeError("app must be a WSGI application (a callable taking environ and start_response)")
        self.app = app
        self.policy = policy
        self._scoped = isinstance(policy, PolicySet)
        self._no_origin = decision_without_origin(policy)
        self._no_origin_pairs = None if self._no_origin is None else tuple(self._no_origin.headers.items())

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        decision = self._no_origin
        if decision is not None and "HTTP_ORIGIN" not in environ:
            return serve(self.app, environ, start_response, decision, self._no_origin_pairs)
        # Only a PolicySet looks at the path; a single Policy skips the decoding.
        path = decoded_path(environ) if self._scoped else environ.get("PATH_INFO") or "/"
        decision = decide(request_meta(environ, path), self.policy)
        kind = decision.kind
        if kind is _OUT_OF_SCOPE:
            return self.app(environ, start_response)
        if kind is _PREFLIGHT:
            return answer_preflight(decision, start_response)
        return serve(self.app, environ, start_response, decision)

    def __repr__(self) -> str:
        return f"CORSMiddleware({self.app!r}, {self.policy!r})"


