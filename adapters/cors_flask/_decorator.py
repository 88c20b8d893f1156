"""``@cross_origin(...)``: CORS options for one view, translated once per app on first use."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Mapping
from functools import update_wrapper
from typing import Any, TypeVar, cast

from cors_wsgi.environ import request_meta
from flask import Flask, current_app, request
from flask.wrappers import Response

from cors_core import InsecureConfiguration, Policy, PolicyError, PolicySet, RequestKind, decide
from cors_core.refusal_log import policy_label

from ._apply import apply_decision, preflight_response
from ._log import LOG
from ._translate import check_names, merge, misspelt_error, policy_from_options, read_keys
from .core import FLASK_CORS_EVALUATED

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute of a decorated view that holds its ViewCORS (read by the CORS extension too).
VIEW_ATTR = "_cors_flask_view"
#: WSGI environ key where the CORS() layer leaves its decision: the layer, not the view, applies the headers.
ENVIRON_KEY = "cors_flask.decision"
#: Where a configuration problem found only at the first request is reported (once, at ERROR; misspelt keys at WARNING).
logger = logging.getLogger("cors_core.flask")
_WHERE = " (in @cross_origin)"
#: Apps whose misspelt ``CORS_*`` keys were logged already: once per app, not once per view.
_warned_misspelt: weakref.WeakSet[Flask] = weakref.WeakSet()


def _decided_by(options: dict[str, Any], error: PolicyError) -> bool:
    """True if the decorator's own options make the error, whatever ``app.config`` says.

    A problem is decided when the decorator sets the option it names, and for a problem that comes
    from credentials (any origin, an http origin, expose '*') also ``supports_credentials``.
    """
    for problem in error.problems:
        name = problem.option.removesuffix(_WHERE)
        needed = {name}
        if isinstance(problem, InsecureConfiguration) or "credentials" in problem.message:
            needed.add("supports_credentials")
        if not needed <= options.keys():
            return False
    return True


class ViewCORS:
    """The options of one ``@cross_origin`` and the policy they mean for each app.

    The policy is built on the first request an app sends to the view, because the app's
    ``CORS_*`` config is part of it (as in flask-cors); after that it is a cached lookup.
    """

    __slots__ = ("_app", "_by_app", "_failed", "_fixed", "_policy", "automatic_options", "options", "view_name")

    def __init__(self, options: dict[str, Any], fixed: Policy | PolicySet | None) -> None:
        self.options = options
        self._fixed = fixed
        self._app: Flask | None = None
        self._policy: Policy | PolicySet | None = fixed
        self._by_app: weakref.WeakKeyDictionary[Flask, Policy] = weakref.WeakKeyDictionary()
        self._failed: weakref.WeakKeyDictionary[Flask, PolicyError] = weakref.WeakKeyDictionary()
        self.automatic_options = bool(options.get("automatic_options", True))
        self.view_name = "?"

    def check_alone(self) -> None:
        """Raise now if the decorator's own options are refused whatever the app's config adds."""
        if self._fixed is not None:
            return
        options = {k: v for k, v in self.options.items() if k != "resources"}
        try:
            policy_from_options(merge(None, options), _WHERE)
        except PolicyError as exc:
            if _decided_by(options, exc):
                raise

    def _build(self, app: Flask, at_request: bool = False) -> Policy:
        """The policy for *app*. A misspelt ``CORS_*`` key raises PolicyError, except *at_request*: with no
        ``CORS(app)`` no point of start-up sees the app's complete config, and a misspelling must not answer 500 to
        every request, so there it is logged once per app at WARNING and ignored, as flask-cors ignores it."""
        config: Mapping[str, Any] = app.config
        misspelt = misspelt_error(config) if at_request else None
        if misspelt is not None:
            if app not in _warned_misspelt:
                _warned_misspelt.add(app)
                logger.warning("@cross_origin on %s: app.config keys ignored, as flask-cors ignores them:\n%s", self.view_name, misspelt)
            config = read_keys(config)
        options = merge(config, self.options)
        options.pop("resources", None)
        return policy_from_options(options, f" (in @cross_origin on {self.view_name})")

    def check(self, app: Flask) -> None:
        """Build the policy for *app* once now (``CORS(app)`` calls this for the views it can see), raising PolicyError.

        Not kept: the view's policy is still built at its first request, with the app's config of then.
        """
        if self._fixed is None:
            self._build(app)

    def policy(self, app: Flask) -> Policy | PolicySet:
        """The policy for *app*: built from defaults < app.config < decorator options, then cached.

        A refused configuration found here (at the first request) is logged once at ERROR on
        ``cors_core.flask`` with every problem, and raised again, unchanged, on each later request.
        Misspelt ``CORS_*`` keys are not refused here: logged at WARNING and ignored (see ``_build``).
        """
        if self._fixed is not None:
            return self._fixed
        if app is self._app and self._policy is not None:
            return self._policy
        policy = self._by_app.get(app)
        if policy is None:
            failed = self._failed.get(app)
            if failed is not None:
                raise failed
            try:
                policy = self._build(app, at_request=True)
            except PolicyError as exc:
                self._failed[app] = exc
                logger.error("@cross_origin on %s: configuration refused; every request to it fails until fixed:\n%s", self.view_name, exc)
                raise
            self._by_app[app] = policy
        self._app, self._policy = app, policy
        return policy


def cross_origin(*, policy: Policy | PolicySet | None = None, **options: Any) -> Callable[[F], F]:
    """Enable CORS on one view with flask-cors's options, or with a ready cors_core ``policy``.

    Preflights to the view are answered without calling it; every other response of the view
    gets the CORS headers. With ``CORS(app)`` installed as well, the view's options win, and its
    preflights and error responses are handled before ``before_request`` handlers run.
    """
    if policy is not None and options:
        raise TypeError("cross_origin(policy=...) takes no other options: the policy already says everything")
    check_names(options, " in @cross_origin")
    config = ViewCORS(dict(options), policy)
    config.check_alone()  # e.g. supports_credentials=True with origins='*': refused here, at import time

    def decorator(view: F) -> F:
        config.view_name = getattr(view, "__qualname__", getattr(view, "__name__", repr(view)))
        if config.automatic_options:  # let the route accept OPTIONS so that preflights reach us
            target: Any = view
            target.required_methods = set(getattr(view, "required_methods", ())) | {"OPTIONS"}
            target.provide_automatic_options = False

        def wrapped(*args: Any, **kwargs: Any) -> Response:
            app = cast(Flask, current_app._get_current_object())  # type: ignore[attr-defined]
            req = request._get_current_object()  # type: ignore[attr-defined]
            layer_applies = ENVIRON_KEY in req.environ  # CORS(app) is installed and decided with this view's policy
            decision = None if layer_applies else decide(request_meta(req.environ, req.path), config.policy(app))
            if decision is not None and not decision.allowed and decision.kind is not RequestKind.NOT_CORS and LOG.enabled():
                LOG.refused(decision, policy_label(config.policy(app), req.path, f"@cross_origin view {req.endpoint!r}"))
            if decision is not None and decision.kind is RequestKind.PREFLIGHT:
                response = preflight_response(app, decision)
            else:
                if config.automatic_options and req.method == "OPTIONS":
                    response = app.make_default_options_response()
                else:
                    response = app.make_response(app.ensure_sync(view)(*args, **kwargs))
                if decision is not None:
                    apply_decision(decision, response.headers)
            setattr(response, FLASK_CORS_EVALUATED, True)
            return response

        update_wrapper(wrapped, view)
        setattr(wrapped, VIEW_ATTR, config)
        return cast(F, wrapped)

    return decorator
