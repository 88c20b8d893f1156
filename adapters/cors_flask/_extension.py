"""``CORS(app)``: app- and blueprint-wide CORS, applied by one layer around ``app.wsgi_app``.

The layer answers preflights before Flask sees the request at all (so before every
``before_request`` handler, auth included, and before routing), which is why unrouted paths and
routes without OPTIONS get their preflight answered too. Every other response Flask produces,
error pages from ``abort()``, routing 404/405 and the 500 of an unhandled exception included,
passes through the layer's ``start_response``, where the CORS headers are put on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from cors_wsgi.environ import decoded_path, request_meta
from cors_wsgi.serving import answer_preflight, serve
from flask import Blueprint, Flask
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import MethodNotAllowed

from cors_core import Decision, Policy, PolicySet, RequestKind, decide, decision_without_origin
from cors_core.engine import decide_origin
from cors_core.refusal_log import OUT_OF_SCOPE, ReportCallback, check_report_only, policy_label

from ._decorator import ENVIRON_KEY, VIEW_ATTR
from ._log import LOG
from ._translate import check_names, policy_set_from_options

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_EXTENSION_KEY = "cors_flask"
_OUT_OF_SCOPE = RequestKind.OUT_OF_SCOPE
_NOT_CORS = RequestKind.NOT_CORS
_PREFLIGHT = RequestKind.PREFLIGHT


def _flask_path(environ: WSGIEnvironment) -> str:
    """The path as werkzeug's ``request.path`` has it: UTF-8 text, with a leading '/' (test clients may omit it)."""
    path = decoded_path(environ)
    return path if path[0] == "/" else "/" + path


class _AppState:
    """Everything CORS knows about one app: its app-wide and blueprint installs, and the WSGI layer."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.app_policies: list[Policy | PolicySet] = []  # latest install first (flask-cors: the last one wins)
        self.policy: Policy | PolicySet | None = None  # the single app-wide policy, when there is exactly one
        self.policy_is_set = False
        self.no_origin: Decision | None = None  # the core's shared answer to requests without Origin under `policy`
        self.no_origin_pairs: tuple[tuple[str, str], ...] | None = None  # its headers, ready to append
        self.blueprints: dict[str, tuple[Policy | PolicySet, str]] = {}  # registered name -> (policy, url_prefix)
        self.report_only: Policy | PolicySet | None = None  # the candidate policy, compared on every CORS request
        self.on_report: ReportCallback | None = None
        self._views = app.view_functions
        # (len(view_functions) when last scanned, whether a @cross_origin view was found): one tuple, published in
        # one assignment, so that no thread ever sees a new count with the old answer.
        self.scan: tuple[int, bool] = (-1, False)
        app.wsgi_app = _CORSLayer(self, app.wsgi_app)  # type: ignore[method-assign]

    @classmethod
    def of(cls, app: Flask) -> _AppState:
        state: _AppState | None = app.extensions.get(_EXTENSION_KEY)
        if state is None:
            state = app.extensions[_EXTENSION_KEY] = cls(app)
        return state

    def add_app_policy(self, policy: Policy | PolicySet) -> None:
        self.app_policies.insert(0, policy)
        self.policy = policy if len(self.app_policies) == 1 else None
        self.policy_is_set = isinstance(self.policy, PolicySet)
        self.no_origin = None if self.policy is None else decision_without_origin(self.policy)
        self.no_origin_pairs = None if self.no_origin is None else tuple(self.no_origin.headers.items())

    def route_scoped(self) -> bool:
        """True if some CORS is tied to routes (a blueprint install or a ``@cross_origin`` view)."""
        if self.blueprints:
            return True
        views = self._views
        seen, decorated = self.scan
        if len(views) != seen:  # views are added at startup; re-scan only when their number changes
            count = len(views)  # counted before the scan: a view added meanwhile makes the next call scan again
            decorated = any(hasattr(view, VIEW_ATTR) for view in list(views.values()))
            self.scan = (count, decorated)
        return decorated

    def _endpoint(self, environ: WSGIEnvironment) -> str | None:
        """The endpoint Flask will route this request to, or the one of its path for a 405; None if unrouted."""
        app = self.app
        try:
            adapter: Any = app.create_url_adapter(app.request_class(environ))
            try:
                rule, _ = adapter.match(return_rule=True)
            except MethodNotAllowed as exc:  # the path is routed, for other methods
                rule, _ = adapter.match(method=next(iter(exc.valid_methods or ("GET",))), return_rule=True)
            return rule.endpoint  # type: ignore[no-any-return]
        except Exception:  # 404, a redirect to the canonical URL, a bad Host: Flask will answer it, as unrouted
            return None

    def policy_for(self, environ: WSGIEnvironment, path: str) -> Policy | PolicySet | None:
        """Which policy speaks for this request: its view's decorator, its blueprint's CORS, or the app's."""
        return self.policy_and_label(environ, path)[0]

    def policy_and_label(self, environ: WSGIEnvironment, path: str) -> tuple[Policy | PolicySet | None, str]:
        """``policy_for``, with where that policy was configured (for the log's ``cors_policy``)."""
        if self.route_scoped():
            endpoint = self._endpoint(environ)
            if endpoint is not None:
                view_cors = getattr(self._views.get(endpoint), VIEW_ATTR, None)
                if view_cors is not None:
                    return view_cors.policy(self.app), f"@cross_origin view {endpoint!r}"
            found, name = self._blueprint_policy(endpoint, path)
            if found is not None:
                return found, f"CORS(blueprint {name!r})"
        for policy in self.app_policies:
            if isinstance(policy, Policy) or policy.policy_for(path) is not None:
                return policy, "CORS(app)"
        return None, ""

    def _blueprint_policy(self, endpoint: str | None, path: str) -> tuple[Policy | PolicySet | None, str]:
        if endpoint is not None:
            name = endpoint.rpartition(".")[0]
            while name:  # innermost blueprint first
                entry = self.blueprints.get(name)
                if entry is not None:
                    return entry[0], name
                name = name.rpartition(".")[0]
            return None, ""
        for name, (policy, prefix) in self.blueprints.items():  # unrouted path: the blueprint whose url_prefix holds it
            if prefix and (path == prefix or path.startswith(prefix.rstrip("/") + "/")):
                return policy, name
        return None, ""


class _CORSLayer:
    """The WSGI callable put in place of ``app.wsgi_app``."""

    __slots__ = ("state", "wrapped")

    def __init__(self, state: _AppState, wrapped: WSGIApplication) -> None:
        self.state = state
        self.wrapped = wrapped

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        state = self.state
        policy = state.policy
        if state.report_only is not None and "HTTP_ORIGIN" in environ:
            self._compare(environ)
        seen, decorated = state.scan
        if policy is None or state.blueprints or decorated or len(state._views) != seen:
            path = _flask_path(environ)
            policy = state.policy_for(environ, path)
            if policy is None:
                return self.wrapped(environ, start_response)
        elif state.no_origin is not None and "HTTP_ORIGIN" not in environ:  # most traffic: the answer is known
            return serve(self.wrapped, environ, start_response, state.no_origin, state.no_origin_pairs)
        elif state.policy_is_set:
            path = _flask_path(environ)
        elif environ["REQUEST_METHOD"] != "OPTIONS":  # one Policy, a request with Origin, not a preflight: no RequestMeta
            decision = decide_origin(policy, environ["HTTP_ORIGIN"])  # type: ignore[arg-type]  # not policy_is_set: a Policy
            if not decision.allowed and LOG.enabled():
                LOG.refused(decide(request_meta(environ, environ.get("PATH_INFO") or "/"), policy), self._label(environ, policy))
            return serve(self.wrapped, environ, start_response, decision)
        else:  # one Policy for every path: decide() does not look at the path
            path = environ.get("PATH_INFO") or "/"
        decision = decide(request_meta(environ, path), policy)
        kind = decision.kind
        if kind is _OUT_OF_SCOPE:
            return self.wrapped(environ, start_response)
        if not decision.allowed and kind is not _NOT_CORS and LOG.enabled():
            LOG.refused(decision, self._label(environ, policy))
        if kind is _PREFLIGHT:  # answered here: no before_request, no view, no auth
            return answer_preflight(decision, start_response)
        if state.scan[1]:
            environ[ENVIRON_KEY] = decision  # tells @cross_origin that its headers are applied here
        return serve(self.wrapped, environ, start_response, decision)


    def _label(self, environ: WSGIEnvironment, policy: Policy | PolicySet) -> str:
        """Where the policy of a refused request was configured: only worked out when the refusal is logged."""
        path = _flask_path(environ)
        return policy_label(policy, path, self.state.policy_and_label(environ, path)[1] or "CORS(app)")

    def _compare(self, environ: WSGIEnvironment) -> None:
        """Report-only: the enforced decision as the layer (or a @cross_origin view) makes it, against the candidate's."""
        state = self.state
        path = _flask_path(environ)
        meta = request_meta(environ, path)
        policy, label = state.policy_and_label(environ, path)
        enforced = OUT_OF_SCOPE if policy is None else decide(meta, policy)
        candidate = decide(meta, state.report_only)  # type: ignore[arg-type]  # the caller checked it is set
        LOG.compare(meta, enforced, candidate, policy_label(policy, path, label) if policy is not None else "none", state.on_report)


class CORS:
    """Cross-origin resource sharing for a Flask app or blueprint, configured like flask-cors.

    ``CORS(app, **options)`` or ``CORS(**options).init_app(app)``. Options (flask-cors names):
    ``resources``, ``origins``, ``methods``, ``allow_headers``, ``expose_headers``,
    ``supports_credentials``, ``max_age``, ``allow_private_network``, and the accepted-but-fixed
    ``send_wildcard``, ``vary_header``, ``always_send``, ``automatic_options``,
    ``intercept_exceptions``. Precedence: resource options > init_app kwargs > constructor kwargs >
    ``app.config['CORS_*']`` > defaults. Or pass ``policy=`` a cors_core Policy or PolicySet.
    ``report_only=`` a candidate Policy or PolicySet (app-wide) logs, on ``cors_core.flask``, each CORS
    request it would decide otherwise, and calls ``on_report(enforced, candidate)`` if given.
    The configuration is validated and translated when it is installed; problems raise
    :class:`cors_core.PolicyError` with flask-cors option names and a fix for each.
    """

    def __init__(
        self,
        app: Flask | Blueprint | None = None,
        *,
        policy: Policy | PolicySet | None = None,
        report_only: Policy | PolicySet | None = None,
        on_report: ReportCallback | None = None,
        **options: Any,
    ) -> None:
        check_names(options, "")
        if policy is not None and options:
            raise TypeError("CORS(policy=...) takes no other options: the policy already says everything")
        if policy is not None and not isinstance(policy, (Policy, PolicySet)):
            raise TypeError(f"policy must be a cors_core Policy or PolicySet, not {type(policy).__name__}")
        check_report_only(report_only, on_report, "CORS(report_only=...)", "CORS(on_report=...)")
        self._options = options
        self._policy = policy
        self._report_only = report_only
        self._on_report = on_report
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **options: Any) -> None:
        """Install on *app* (a Flask app, or a Blueprint before it is registered)."""
        check_names(options, "")
        if self._policy is not None and options:
            raise TypeError("CORS(policy=...) takes no other options in init_app either")
        if isinstance(app, Blueprint):
            if self._report_only is not None:
                raise TypeError("report_only covers the whole app: pass it to CORS(app, report_only=...), not to a blueprint's CORS")
            self._init_blueprint(app, options)
            return
        policy = self._policy or policy_set_from_options(app.config, self._options, options)
        state = _AppState.of(app)
        state.add_app_policy(policy)
        if self._report_only is not None:
            state.report_only, state.on_report = self._report_only, self._on_report
        for view in list(app.view_functions.values()):  # @cross_origin views registered by now: their config is complete
            view_cors = getattr(view, VIEW_ATTR, None)
            if view_cors is not None:
                view_cors.check(app)

    def _init_blueprint(self, blueprint: Blueprint, options: dict[str, Any]) -> None:
        """Translate when the blueprint is registered, with that app's config; scope it to the blueprint."""

        def register(state: BlueprintSetupState) -> None:
            policy = self._policy or policy_set_from_options(state.app.config, self._options, options)
            name = getattr(state, "name", blueprint.name)
            _AppState.of(cast(Flask, state.app)).blueprints[name] = (policy, state.url_prefix or "")

        blueprint.record(register)

