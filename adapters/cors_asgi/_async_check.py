"""Awaiting an ``origin_check`` that is a coroutine function, while ``decide()`` stays synchronous.

The policy the middleware hands to ``decide()`` carries a synchronous stand-in for the async check.
When the core needs the check (only for a well-formed origin that nothing else allowed), the
stand-in records the origin and says no; the middleware then awaits the real check for that origin
and decides again, with the stand-in now answering from the awaited result. The user's check thus
sees exactly the origins it would see in a synchronous policy, and nothing blocks the event loop.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, cast

from cors_core import Policy, PolicySet, UninspectableOriginCheck

#: Per request: [origin asked about, awaited answer or None, the stand-in that asked].
_SLOT: ContextVar[list[Any] | None] = ContextVar("cors_asgi_origin_check", default=None)
_CACHE_LIMIT = 4096


def is_async_check(check: object) -> bool:
    """True for a coroutine function, or an object whose ``__call__`` is one."""
    return inspect.iscoroutinefunction(check) or inspect.iscoroutinefunction(type(check).__call__)


class StandIn:
    """The synchronous origin check ``decide()`` calls in place of an async one (see the module docstring)."""

    __slots__ = ("_cache", "check")

    def __init__(self, check: Callable[[str], Awaitable[object]], cacheable: bool) -> None:
        self.check = check
        self._cache: dict[str, bool] | None = {} if cacheable else None

    def __call__(self, origin: str) -> bool:
        slot = _SLOT.get()
        if slot is None:  # called outside the middleware (e.g. decide() by hand): refuse, never block
            return False
        if slot[0] == origin and slot[1] is not None:
            return bool(slot[1])
        if self._cache is not None:
            known = self._cache.get(origin)
            if known is not None:
                return known
        slot[0], slot[1], slot[2] = origin, None, self
        return False

    async def resolve(self, origin: str) -> bool:
        """Await the real check; an exception or anything but ``True`` refuses, as for a synchronous check."""
        try:
            allowed = await self.check(origin) is True
        except Exception:
            allowed = False
        cache = self._cache
        if cache is not None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[origin] = allowed
        return allowed


def with_stand_ins(policy: Policy | PolicySet) -> Policy | PolicySet | None:
    """*policy* with each async ``origin_check`` replaced by a :class:`StandIn`, or None if it has none."""
    swapped: dict[int, Policy] = {}

    def swap(p: Policy) -> Policy:
        if id(p) not in swapped:
            check = p.origin_check
            if check is not None and is_async_check(check):
                with warnings.catch_warnings():  # the user's own Policy warned already, naming their check, not the stand-in
                    warnings.simplefilter("ignore", UninspectableOriginCheck)
                    swapped[id(p)] = p.replace(
                        origin_check=StandIn(cast(Callable[[str], Awaitable[object]], check), p.origin_check_cacheable),
                        origin_check_cacheable=False,
                    )
            else:
                swapped[id(p)] = p
        return swapped[id(p)]

    if isinstance(policy, Policy):
        new = swap(policy)
        return None if new is policy else new
    rules = [(key, swap(p)) for key, p in policy.rules]
    default = None if policy.default is None else swap(policy.default)
    if all(new is old for (_, new), (_, old) in zip(rules, policy.rules, strict=True)) and default is policy.default:
        return None
    return PolicySet(rules, default=default)


def open_slot() -> tuple[list[Any], object]:
    """A fresh slot for one request, and the token to close it with."""
    slot: list[Any] = [None, None, None]
    return slot, _SLOT.set(slot)


def close_slot(token: Any) -> None:
    _SLOT.reset(token)
