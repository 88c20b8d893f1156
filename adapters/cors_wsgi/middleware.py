"""``CORSMiddleware``: applies a cors_core policy to any WSGI application (PEP 3333)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cors_core import Policy, PolicySet, RequestKind, decide, decision_without_origin
from cors_core.engine import decide_origin
from cors_core.refusal_log import RefusalLog, ReportCallback, check_report_only, policy_label

from .environ import decoded_path, request_meta
from .serving import answer_preflight, serve

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from cors_core import Decision, RequestMeta

_OUT_OF_SCOPE = RequestKind.OUT_OF_SCOPE
_NOT_CORS = RequestKind.NOT_CORS
_PREFLIGHT = RequestKind.PREFLIGHT
#: Refusals and report-only differences, on the logger ``cors_core.wsgi`` (see docs/wsgi.md).
LOG = RefusalLog("wsgi")


class CORSMiddleware:
    """Wrap *app* so that every response follows *policy* (a :class:`Policy` or a path-scoped :class:`PolicySet`).

    Preflights are answered here and never reach *app*; every other response of a path the policy
    covers gets the CORS headers, whatever its status, including the 500 sent when *app* raises.

    *report_only* is a candidate policy (or PolicySet) that shapes no response: each CORS request on
    which it decides otherwise than *policy* is logged on ``cors_core.wsgi`` and passed to
    ``on_report(enforced, candidate)`` (two Decisions), if given.
    """

    __slots__ = ("_no_origin", "_no_origin_pairs", "_plain", "_scoped", "app", "on_report", "policy", "report_only")

    app: WSGIApplication
    policy: Policy | PolicySet
    report_only: Policy | PolicySet | None
    on_report: ReportCallback | None
    _scoped: bool
    _plain: bool
    _no_origin: Decision | None
    _no_origin_pairs: tuple[tuple[str, str], ...] | None

    def __init__(
        self,
        app: WSGIApplication,
        policy: Policy | PolicySet,
        *,
        report_only: Policy | PolicySet | None = None,
        on_report: ReportCallback | None = None,
    ) -> None:
        if not isinstance(policy, (Policy, PolicySet)):
            raise TypeError(f"policy must be a cors_core Policy or PolicySet, not {type(policy).__name__}")
        if not callable(app):
            raise TypeError("app must be a WSGI application (a callable taking environ and start_response)")
        check_report_only(report_only, on_report, "report_only", "on_report")
        self.app = app
        self.policy = policy
        self.report_only = report_only
        self.on_report = on_report
        self._scoped = isinstance(policy, PolicySet) or isinstance(report_only, PolicySet)
        #: One Policy and no report-only candidate: a request with Origin that is not a preflight goes through decide_origin().
        self._plain = type(policy) is Policy and report_only is None
        self._no_origin = decision_without_origin(policy)
        self._no_origin_pairs = None if self._no_origin is None else tuple(self._no_origin.headers.items())

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        decision = self._no_origin
        if decision is not None and "HTTP_ORIGIN" not in environ:
            return serve(self.app, environ, start_response, decision, self._no_origin_pairs)
        if self._plain and environ["REQUEST_METHOD"] != "OPTIONS":  # one Policy, not a preflight: no RequestMeta needed
            decision = decide_origin(self.policy, environ["HTTP_ORIGIN"])  # type: ignore[arg-type]  # _plain: a Policy
            if not decision.allowed and LOG.enabled():
                path = environ.get("PATH_INFO") or "/"
                LOG.refused(decide(request_meta(environ, path), self.policy), policy_label(self.policy, path, "CORSMiddleware"))
            return serve(self.app, environ, start_response, decision)
        # Only a PolicySet looks at the path; a single Policy skips the decoding.
        path = decoded_path(environ) if self._scoped else environ.get("PATH_INFO") or "/"
        meta = request_meta(environ, path)
        decision = decide(meta, self.policy)
        if self.report_only is not None:
            self._compare(meta, decision)
        kind = decision.kind
        if kind is _OUT_OF_SCOPE:
            return self.app(environ, start_response)
        if not decision.allowed and kind is not _NOT_CORS and LOG.enabled():
            LOG.refused(decision, policy_label(self.policy, path, "CORSMiddleware"))
        if kind is _PREFLIGHT:
            return answer_preflight(decision, start_response)
        return serve(self.app, environ, start_response, decision)

    def _compare(self, meta: RequestMeta, decision: Decision) -> None:
        candidate = decide(meta, self.report_only)  # type: ignore[arg-type]  # checked by the caller
        LOG.compare(meta, decision, candidate, policy_label(self.policy, meta.path, "CORSMiddleware"), self.on_report)

    def __repr__(self) -> str:
        return f"CORSMiddleware({self.app!r}, {self.policy!r})"


