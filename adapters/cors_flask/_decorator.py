"""``@cross_origin(...)``: CORS options for one view, translated once per app on first use."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from cors_wsgi.environ import request_meta
from flask import Flask, current_app, request
from flask.wrappers import Response

from cors_core import Policy, PolicySet, RequestKind, decide
from cors_core.refusal_log import policy_label

from ._apply import apply_decision, preflight_response
from ._log import LOG
from ._translate import check_names, merge, policy_from_options
from .core import FLASK_CORS_EVALUATED

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute of a decorated view that holds its ViewCORS (read by the CORS extension too).
VIEW_ATTR = "_cors_flask_view"
#: WSGI environ key where the CORS() layer leaves its decision: the layer, not the view, applies the headers.
ENVIRON_KEY = "cors_flask.decision"


class ViewCORS:
    """The options of one ``@cross_origin`` and the policy they mean for each app.

    The policy is built on the first request an app sends to the view, because the app's
    ``CORS_*`` config is part of it (as in flask-cors); after that it is a cached lookup.
    """

    __slots__ = ("_app", "_by_app", "_fixed", "_policy", "automatic_options", "options")

    def __init__(self, options: dict[str, Any], fixed: Policy | PolicySet | None) -> None:
        self.options = options
        self._fixed = fixed
        self._app: Flask | None = None
        self._policy: Policy | PolicySet | None = fixed
        self._by_app: weakref.WeakKeyDictionary[Flask, Policy] = weakref.WeakKeyDictionary()
        self.automatic_options = bool(options.get("automatic_options", True))

    def policy(self, app: Flask) -> Policy | PolicySet:
        """The policy for *app*: built from defaults < app.config < decorator options, then cached."""
        if self._fixed is not None:
            return self._fixed
        if app is self._app and self._policy is not None:
            return self._policy
        policy = self._by_app.get(app)
        if policy is None:
            options = merge(app.config, self.options)
            options.pop("resources", None)
            policy = policy_from_options(options, " (in @cross_origin)")
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

    def decorator(view: F) -> F:
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
