"""``CorsMiddleware``: CORS for a Django project, sync and async, configured from settings.

Place it first in ``MIDDLEWARE`` (see docs/django.md): it answers preflights before any other
middleware, URL routing, auth or the view, and it adds the CORS headers to every response that
comes back through it, including 404/500 pages from ``handler404``/``handler500``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, get_resolver, get_urlconf, resolve
from django.utils.cache import patch_vary_headers

from cors_core import Decision, Policy, RequestKind, RequestMeta, decide
from cors_core.engine import decide_origin

from . import _config
from ._config import Config, cached, current_request
from ._http import _OWNED, apply, preflight_response, request_meta
from ._log import LOG
from .decorators import decorated_views
from .signals import check_request_enabled

# Header names as django-cors-headers spells them (Django compares header names case-insensitively).
ACCESS_CONTROL_ALLOW_ORIGIN = "access-control-allow-origin"
ACCESS_CONTROL_EXPOSE_HEADERS = "access-control-expose-headers"
ACCESS_CONTROL_ALLOW_CREDENTIALS = "access-control-allow-credentials"
ACCESS_CONTROL_ALLOW_HEADERS = "access-control-allow-headers"
ACCESS_CONTROL_ALLOW_METHODS = "access-control-allow-methods"
ACCESS_CONTROL_MAX_AGE = "access-control-max-age"
ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK = "access-control-request-private-network"
ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK = "access-control-allow-private-network"


_NOT_CORS = RequestKind.NOT_CORS


def _view_label(request: HttpRequest) -> str:
    """``@cors view 'name'`` for the log; a preflight is answered before routing, so it is routed here (only when logged)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return "@cors view"
    return f"@cors view {match.view_name!r}"


def _watch(request: HttpRequest, decision: Decision, config: Config, meta: RequestMeta | None, view: bool = False) -> None:
    """Log a refusal (when ``cors_core.django`` is on) and compare with the report-only candidate (when set).

    *meta* is the RequestMeta the decision was made from, if the caller has it (built here otherwise).
    """
    if not decision.allowed and decision.kind is not _NOT_CORS and LOG.enabled():
        LOG.refused(decision, _view_label(request) if view else config.label(request))
    candidate = config.report_only
    if candidate is not None and "HTTP_ORIGIN" in request.META:
        if meta is None:
            meta = request_meta(request)
        label = _view_label(request) if view else config.label(request)
        LOG.compare(meta, decision, decide(meta, candidate), label, config.on_report)


def current_config() -> Config:
    """The cached configuration, or ImproperlyConfigured listing every problem (as ``manage.py check`` does)."""
    config, errors = cached()
    if config is None:
        lines = [f"{e.id}: {e.msg} HINT: {e.hint}" for e in errors]
        raise ImproperlyConfigured("CORS settings are invalid:\n" + "\n".join(lines))
    return config


def _urlconf_imported(urlconf: object) -> bool:
    """Import every module of the URLconf once, as reverse() does, so that every ``@cors`` view has been counted."""
    try:
        if urlconf in _imported_urlconfs:
            return True
        get_resolver(urlconf).reverse_dict  # noqa: B018  (populating it imports every included URLconf)
    except Exception:  # unhashable or broken URLconf: route each time, Django reports the error itself
        return False
    _imported_urlconfs.add(urlconf)
    return True


_imported_urlconfs: set[object] = set()


def _resolve_view_policy(request: HttpRequest) -> Policy | None:
    """Route the path just to see whether its view has ``@cors`` (for preflights, and responses given before routing)."""
    urlconf = getattr(request, "urlconf", None)
    if not decorated_views() and _urlconf_imported(urlconf if urlconf is not None else get_urlconf()) and not decorated_views():
        return None  # no view anywhere has @cors: skip routing
    try:
        match = resolve(request.path_info, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "cors_policy", None)


def _view_policy(request: HttpRequest) -> Policy | None:
    """The policy of the ``@cors`` view of this request, if any: from the view itself, or from routing."""
    policy = getattr(request, "_cors_view_policy", None)
    if policy is None:
        match = getattr(request, "resolver_match", None)
        if match is None:  # a 404, or a middleware answered before routing
            return _resolve_view_policy(request)
        policy = getattr(match.func, "cors_policy", None)
    return policy


class CorsMiddleware:
    """The MIDDLEWARE entry ``"cors_django.CorsMiddleware"``."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
        current_config()  # invalid settings stop the server here, at start-up, not at the first request

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        config = _config.fast
        if config is None or request.method == "OPTIONS":
            early = self._before(request)
            if early is not None:
                return early
            return self._after(request, self.get_response(request))
        request._cors_middleware = True  # type: ignore[attr-defined]
        request._cors_enabled = True  # type: ignore[attr-defined]
        return self._finish(request, self.get_response(request), config)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = self.get_response
        config = _config.fast
        if config is None or request.method == "OPTIONS":
            early = self._before(request)
            if early is not None:
                return early
            return self._after(request, await get_response(request))
        request._cors_middleware = True  # type: ignore[attr-defined]
        request._cors_enabled = True  # type: ignore[attr-defined]
        return self._finish(request, await get_response(request), config)

    def _finish(self, request: HttpRequest, response: HttpResponseBase, config: Config) -> HttpResponseBase:
        """The usual case, written out: one Policy for every path, a request that is not OPTIONS."""
        if decorated_views() or getattr(request, "resolver_match", None) is None:
            return self._after(request, response)  # a @cors view may speak for this request: the general path
        if config.no_origin is not None and "HTTP_ORIGIN" not in request.META:  # most traffic
            store = getattr(response.headers, "_store", None)
            if type(store) is dict and "vary" not in store and _OWNED.isdisjoint(store):  # nothing of the app's to merge
                store.update(config.no_origin_store)
            else:
                apply(response, config.no_origin, config.no_origin_vary)
            return response
        policy: Any = config.everywhere  # a Policy: _config.fast only holds configs that have one
        origin = request.META.get("HTTP_ORIGIN")
        meta = None
        if origin is not None and config.report_only is None and not (config.compat and check_request_enabled.receivers):
            decision = decide_origin(policy, origin)  # nothing else to hand over: no RequestMeta needed
            if not decision.allowed and LOG.enabled():
                decision = decide(request_meta(request), policy)  # the same answer, carrying the request for the log
        else:  # in compat mode perhaps a signal to ask
            meta = request_meta(request)
            decision = self._decide(request, meta, policy, config)
        apply(response, decision, config.vary_names(decision.vary) if config.compat else decision.vary)  # compat: its formatting
        if not decision.allowed or config.report_only is not None:
            _watch(request, decision, config, meta)
        return response

    def _before(self, request: HttpRequest) -> HttpResponseBase | None:
        """Mark the request, and answer it here if it is a preflight CORS applies to."""
        config = current_config()
        policy = config.policy_for(request)
        request._cors_middleware = True  # type: ignore[attr-defined]  # tells @cors views the middleware is there
        request._cors_policy = policy  # type: ignore[attr-defined]
        request._cors_enabled = policy is not None  # type: ignore[attr-defined]  # as django-cors-headers sets it
        if request.method != "OPTIONS":
            return None
        view_policy = _resolve_view_policy(request)
        if view_policy is not None:
            meta = request_meta(request)
            decision = decide(meta, view_policy)
            if decision.kind is RequestKind.PREFLIGHT:
                _watch(request, decision, config, meta, view=True)
                return preflight_response(decision, decision.status or view_policy.preflight_status, decision.vary)
            return None
        if policy is None:
            return None
        meta = request_meta(request)
        decision = self._decide(request, meta, policy, config)
        if decision.kind is not RequestKind.PREFLIGHT:
            return None
        _watch(request, decision, config, meta)
        vary = config.vary_names(decision.vary) if config.compat else decision.vary
        return preflight_response(decision, decision.status or policy.preflight_status, vary)

    def _after(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """Add the CORS headers to whatever response came back: the view's, a 404/500 page, another middleware's."""
        # A routed request whose URLconf has no @cors view anywhere needs no look at the view.
        routed = getattr(request, "resolver_match", None) is not None
        view_policy = _view_policy(request) if decorated_views() or not routed else None
        if view_policy is not None:
            meta = request_meta(request)
            decision = decide(meta, view_policy)
            apply(response, decision, decision.vary)
            _watch(request, decision, current_config(), meta, view=True)
            return response
        config = current_config()
        if config.compat and config.urls_regex is not None and check_request_enabled.receivers:
            # R30: a signal receiver may switch CORS on for this path per request (per Origin): every response varies.
            patch_vary_headers(response, ("origin",))
        enabled = getattr(request, "_cors_enabled", None)
        if enabled is None:  # something deleted it: work it out again
            policy = config.policy_for(request)
        elif enabled:
            policy = getattr(request, "_cors_policy", None) or config.policy_for(request)
        else:
            return response
        if policy is None:
            return response
        meta = request_meta(request)
        decision = self._decide(request, meta, policy, config)
        apply(response, decision, config.vary_names(decision.vary))
        _watch(request, decision, config, meta)
        return response

    @staticmethod
    def _decide(request: HttpRequest, meta: RequestMeta, policy: Policy, config: Config) -> Decision:
        if not config.compat or not check_request_enabled.receivers:  # nobody to ask: no request to hand over
            return decide(meta, policy)
        token = current_request.set(request)  # for the check_request_enabled origin check
        try:
            return decide(meta, policy)
        finally:
            current_request.reset(token)


#: The same class under the name the other adapters use (``cors_wsgi.CORSMiddleware``).
CORSMiddleware = CorsMiddleware
