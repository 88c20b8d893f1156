"""``@cors(...)``: a CORS policy for one view, instead of (or on top of) the project-wide settings.

With ``CorsMiddleware`` installed, the middleware applies the view's policy: it answers the view's
preflights before any other middleware and adds the headers to every response of the view, errors
included. Without the middleware the decorated view does both itself (but cannot add headers to the
500 page of an exception it raises, nor answer a preflight that another middleware refused first).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from cors_core import Decision, Policy, RequestKind, decide

from ._http import apply, preflight_response, request_meta
from ._log import LOG

V = TypeVar("V", bound=Callable[..., Any])

_decorated = 0  # how many views carry @cors: while none does, the middleware need not route preflights to look


def decorated_views() -> int:
    """How many views have been decorated with ``@cors`` in this process."""
    return _decorated


def _log_refusal(request: HttpRequest, decision: Decision) -> None:
    """Without the middleware, the decorated view logs its own refusals on ``cors_core.django``."""
    if not decision.allowed and decision.kind is not RequestKind.NOT_CORS and LOG.enabled():
        match = getattr(request, "resolver_match", None)
        LOG.refused(decision, f"@cors view {match.view_name!r}" if match is not None else "@cors view")


def _preflight(request: HttpRequest, policy: Policy) -> HttpResponseBase | None:
    if request.method != "OPTIONS":
        return None
    decision = decide(request_meta(request), policy)
    if decision.kind is not RequestKind.PREFLIGHT:
        return None
    _log_refusal(request, decision)
    return preflight_response(decision, decision.status or policy.preflight_status, decision.vary)


def _finish(request: HttpRequest, response: HttpResponseBase, policy: Policy) -> HttpResponseBase:
    decision = decide(request_meta(request), policy)
    apply(response, decision, decision.vary)
    _log_refusal(request, decision)
    return response


def cors(policy: Policy | None = None, /, **options: Any) -> Callable[[V], V]:
    """Decorate a view with its own policy: ``@cors(origins=[...], allow_credentials=True)`` or ``@cors(Policy(...))``.

    The keyword arguments are those of ``cors_core.Policy``; they are validated when the module is
    imported (a ``PolicyError`` lists every problem).
    """
    if policy is None:
        policy = Policy(**options)
    elif options or not isinstance(policy, Policy):
        raise TypeError("pass either a cors_core.Policy or Policy keyword arguments, not both")
    chosen = policy

    def decorate(view: V) -> V:
        global _decorated
        _decorated += 1
        if iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                if getattr(request, "_cors_middleware", False):
                    request._cors_view_policy = chosen  # type: ignore[attr-defined]
                    return await view(request, *args, **kwargs)
                early = _preflight(request, chosen)
                if early is not None:
                    return early
                return _finish(request, await view(request, *args, **kwargs), chosen)

            wrapper: Any = async_wrapper
        else:

            @functools.wraps(view)
            def sync_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                if getattr(request, "_cors_middleware", False):
                    request._cors_view_policy = chosen  # type: ignore[attr-defined]
                    return view(request, *args, **kwargs)
                early = _preflight(request, chosen)
                if early is not None:
                    return early
                return _finish(request, view(request, *args, **kwargs), chosen)

            wrapper = sync_wrapper
        wrapper.cors_policy = chosen
        return wrapper  # type: ignore[no-any-return]

    return decorate
