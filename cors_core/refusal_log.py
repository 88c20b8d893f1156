"""Logging refusals, and what a report-only policy would change, on the ``cors_core`` logger hierarchy.

Each adapter owns one :class:`RefusalLog` on its child logger (``cors_core.wsgi``, ``cors_core.flask``,
``cors_core.django``, ``cors_core.asgi``). Records carry structured ``extra`` fields (``cors_reason``,
``cors_name``, ``cors_origin``, ``cors_method``, ``cors_path``, ``cors_policy``, ``cors_kind``,
``cors_suppressed``); every request value in them, and in the message, went through
:func:`cors_core.reasons.safe`. Attackers choose how many refusals there are, so records are bounded:
one per distinct (reason, origin, refused name) per interval, the next one saying how many were left
out, in bounded memory. Nothing here runs on the per-request path until the adapter's one check (``enabled()`` for
refusals, a configured candidate for report-only) says so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .decision import Decision, RequestKind
from .engine import _OUT_OF_SCOPE
from .paths import PolicySet
from .policy import Policy
from .reasons import safe

if TYPE_CHECKING:
    from .request import RequestMeta

#: The parent of every adapter's logger.
LOGGER_NAME = "cors_core"
#: Level of a refusal record: off unless the application turns ``cors_core`` on (attackers drive refusals).
REFUSAL_LEVEL = logging.INFO
#: Level of a report-only record: the application asked for a report, so it is shown by default.
REPORT_LEVEL = logging.WARNING
#: Seconds during which one (reason, origin, name) is logged once.
DEFAULT_INTERVAL = 60.0
#: Distinct (reason, origin, name) keys remembered at once; past that, new keys share one slot.
DEFAULT_MAX_KEYS = 1024

#: ``on_report(enforced, candidate)``: told of every CORS request on which a report-only policy disagrees.
ReportCallback = Callable[[Decision, Decision], object]

_CORS_KINDS = (RequestKind.ACTUAL, RequestKind.PREFLIGHT)
_clock = time.monotonic  # a module attribute, so that tests can move time
_OVERFLOW = ("(too many distinct keys)", "")
_KEY_CHARS = 256  # of an origin, in a bound key


class _Bound:
    """Admits one record per key per interval and counts the rest; holds at most *max_keys* keys."""

    __slots__ = ("_interval", "_lock", "_max_keys", "_pruned", "_seen")

    def __init__(self, interval: float, max_keys: int) -> None:
        self._interval = interval
        self._max_keys = max_keys
        self._seen: dict[tuple[str, ...], list[float]] = {}  # key -> [time of the last record, left out since]
        self._pruned = 0.0
        self._lock = threading.Lock()

    def admit(self, key: tuple[str, ...]) -> int | None:
        """None: leave this record out. Otherwise: how many records of *key* were left out before it."""
        now = _clock()
        with self._lock:
            seen = self._seen
            entry = seen.get(key)
            if entry is None and len(seen) >= self._max_keys:
                if now - self._pruned >= self._interval:  # at most once per interval: forget expired keys
                    self._pruned = now
                    for old in [k for k, e in seen.items() if now - e[0] >= self._interval]:
                        del seen[old]
                if len(seen) >= self._max_keys:  # still full: every new key shares one slot
                    key = _OVERFLOW
                    entry = seen.get(key)
            if entry is not None and now - entry[0] < self._interval:
                entry[1] += 1
                return None
            left_out = int(entry[1]) if entry is not None else 0
            seen[key] = [now, 0]
            return left_out

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

    def __len__(self) -> int:
        return len(self._seen)


def _allowed(decision: Decision) -> bool:
    return decision.allowed and decision.kind in _CORS_KINDS


class RefusalLog:
    """The refusal and report-only records of one adapter, on the logger ``cors_core.<adapter>``."""

    __slots__ = ("_bound", "logger")

    def __init__(self, adapter: str, *, interval: float = DEFAULT_INTERVAL, max_keys: int = DEFAULT_MAX_KEYS) -> None:
        self.logger = logging.getLogger(f"{LOGGER_NAME}.{adapter}")
        self._bound = _Bound(interval, max_keys)

    def reset(self) -> None:
        """Forget which records were left out (e.g. between tests), so the next of each kind is logged."""
        self._bound.clear()

    def remembered(self) -> int:
        """How many distinct (reason, origin, name) keys the bound holds now: at most ``max_keys`` (+1 shared slot)."""
        return len(self._bound)

    def enabled(self) -> bool:
        """The adapter's one check before anything else is done about a refusal."""
        return self.logger.isEnabledFor(REFUSAL_LEVEL)

    def refused(self, decision: Decision, where: str) -> None:
        """Log *decision* (a refused CORS request) as decided under the policy *where* names. Call after ``enabled()``."""
        meta = decision._meta
        if decision.allowed or decision.kind not in _CORS_KINDS or meta is None:
            return
        left_out = self._bound.admit(("refused", decision.reason, _key(meta.origin), _key(decision._detail)))
        if left_out is None:  # the usual case under attack: nothing is formatted
            return
        fields = _fields(decision, where, meta)
        fields["cors_suppressed"] = left_out
        self.logger.log(
            REFUSAL_LEVEL,
            "CORS refused %s %s from origin %s: %s [%s; policy: %s]%s%s",
            fields["cors_method"],
            fields["cors_path"],
            fields["cors_origin"],
            decision.message,
            decision.reason,
            where,
            _fix_text(decision),
            _left_out_text(left_out),
            extra=fields,
        )

    def compare(
        self, meta: RequestMeta, enforced: Decision, candidate: Decision, where: str, on_report: ReportCallback | None = None
    ) -> None:
        """Report-only: log (bounded) and tell *on_report* (always) when *candidate* decides otherwise than *enforced*.

        Requests without Origin are not compared (neither policy has anything to say about them).
        """
        if meta.origin is None:
            return
        allowed = _allowed(enforced)
        if allowed is _allowed(candidate):
            return
        if on_report is not None:
            try:
                on_report(enforced, candidate)
            except Exception as exc:  # the user's callback must not break the response
                self._callback_failed(exc)
        refusal = candidate if allowed else enforced
        change = "would-refuse" if allowed else "would-allow"
        left_out = self._bound.admit(("report", change, refusal.reason, _key(meta.origin), _key(refusal._detail)))
        if left_out is None:
            return
        fields = _fields(refusal, where, meta)
        fields.update(cors_report=change, cors_enforced=enforced.reason, cors_candidate=candidate.reason, cors_suppressed=left_out)
        verb = "refuse" if allowed else "allow"
        self.logger.log(
            REPORT_LEVEL,
            "CORS report-only: the candidate policy would %s %s %s from origin %s, which the enforced policy %s: %s [%s; policy: %s]%s",
            verb,
            fields["cors_method"],
            fields["cors_path"],
            fields["cors_origin"],
            "allows" if allowed else "refuses",
            refusal.message,
            refusal.reason,
            where,
            _left_out_text(left_out),
            extra=fields,
        )

    def _callback_failed(self, exc: Exception) -> None:
        left_out = self._bound.admit(("on_report-failed", type(exc).__name__))
        if left_out is not None:
            self.logger.error("CORS report-only: on_report raised %s%s", safe(repr(exc)), _left_out_text(left_out), exc_info=exc)


#: The enforced "decision" where an adapter found no policy for the request at all (compared, never logged as a
#: refusal): decide()'s own answer for a path no rule covers.
OUT_OF_SCOPE = _OUT_OF_SCOPE


def check_report_only(candidate: object, on_report: object, name: str, callback_name: str) -> None:
    """Refuse, at start-up, a report-only candidate that is not a Policy or PolicySet, or a callback that is not callable.

    *name* and *callback_name* are the user's own names for the two (a keyword argument, a setting).
    """
    if candidate is not None and not isinstance(candidate, (Policy, PolicySet)):
        raise TypeError(f"{name} must be a cors_core Policy or PolicySet (the candidate policy), not {type(candidate).__name__}")
    if on_report is not None and not callable(on_report):
        raise TypeError(f"{callback_name} must be a function taking (enforced, candidate) Decisions, not {type(on_report).__name__}")
    if on_report is not None and candidate is None:
        raise TypeError(f"{callback_name} is only called with a report-only policy: set {name} too")


def policy_label(policy: Policy | PolicySet, path: str, label: str) -> str:
    """*label*, followed by the rule of a PolicySet that matched *path* (for ``cors_policy``)."""
    if not isinstance(policy, PolicySet):
        return label
    rule = policy.rule_for(path)
    return f"{label} rule {safe(rule)}" if rule is not None else f"{label} (no rule)"


def _fields(decision: Decision, where: str, meta: RequestMeta | None) -> dict[str, object]:
    origin, method, path = (meta.origin, meta.method, meta.path) if meta is not None else (None, "", "")
    name = decision._detail
    return {
        "cors_reason": decision.reason,
        "cors_name": safe(name) if name else "",
        "cors_origin": safe(origin),
        "cors_method": safe(method),
        "cors_path": safe(path),
        "cors_policy": where,
        "cors_kind": decision.kind.value,
    }


def _key(origin: str | None) -> str:
    """The origin as a bound key: raw, but cut, so that a megabyte Origin costs no more memory than a short one."""
    return (origin or "")[:_KEY_CHARS]


def _fix_text(decision: Decision) -> str:
    fix = decision.fix
    return f" fix: {fix}" if fix else ""


def _left_out_text(count: int) -> str:
    return f" ({count} more like it were not logged)" if count else ""
