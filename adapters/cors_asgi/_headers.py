"""Response-header surgery for the ASGI adapter: drop app-set CORS fields, add the decision's, merge Vary.

ASGI headers are ``(bytes, bytes)`` pairs; the decision's are text, encoded once per shared decision.
The merging itself is the core's (``cors_core.merge_vary``), as in every adapter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

from cors_core import CORS_RESPONSE_HEADERS, merge_vary
from cors_core.engine import EXACT_ANSWERS_KEPT
from cors_core.policy import DEBUG_HEADER

if TYPE_CHECKING:
    from cors_core import Decision

RawHeaders = list[tuple[bytes, bytes]]

_OWNED = frozenset(name.lower().encode("latin-1") for name in CORS_RESPONSE_HEADERS)
_TOUCHED = _OWNED | {b"vary"}
#: Response header names, as apps spell them, known not to be in _TOUCHED: one set lookup instead of a lower()
#: per header per response. Bounded, in case an app invents header names per request.
_untouched: set[bytes] = set()
_UNTOUCHED_LIMIT = 512
_VARY = b"vary"
#: How many shared answers get their encoded headers remembered: about as many as the core itself keeps per
#: policy (answers it builds past that are read-only too, but new each time); the memory is emptied when full.
_ENCODED_KEPT = EXACT_ANSWERS_KEPT + 64


#: The names the core writes, as ASGI wants them (lower case: HTTP/2 servers refuse others), encoded once.
_NAMES = {name: name.lower().encode("latin-1") for name in (*CORS_RESPONSE_HEADERS, "Vary", DEBUG_HEADER)}


def _encode(headers: Mapping[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    """The decision's headers as ASGI pairs: a plain loop, since per-request answers (patterns, preflights) pay it."""
    names = _NAMES
    out = []
    for name, value in headers.items():
        raw = names.get(name)
        out.append((raw if raw is not None else name.lower().encode("latin-1"), value.encode("latin-1")))
    return tuple(out)


class Encoder:
    """The decision's headers as ASGI pairs.

    The core shares one read-only header map between all the requests that get the same answer (no
    Origin, a refusal, a listed origin); those are encoded once and kept, keyed by identity with the
    map itself held so that the identity cannot be reused. Per-request answers are encoded each time.
    """

    __slots__ = ("kept",)

    def __init__(self) -> None:
        self.kept: dict[int, tuple[Mapping[str, str], tuple[tuple[bytes, bytes], ...]]] = {}

    def __call__(self, decision: Decision) -> tuple[tuple[bytes, bytes], ...]:
        headers = decision.headers
        if type(headers) is not MappingProxyType:
            return _encode(headers)
        return self.shared(headers)

    def shared(self, headers: Mapping[str, str]) -> tuple[tuple[bytes, bytes], ...]:
        """*headers*, a read-only map the core shares between answers, encoded once and kept."""
        kept = self.kept.get(id(headers))
        if kept is not None and kept[0] is headers:
            return kept[1]
        encoded = _encode(headers)
        if len(self.kept) >= _ENCODED_KEPT:
            self.kept.clear()
        self.kept[id(headers)] = (headers, encoded)
        return encoded


def with_cors(headers: Sequence[tuple[bytes, bytes]], ours: tuple[tuple[bytes, bytes], ...], decision: Decision) -> RawHeaders:
    """A new header list: *headers* (a list or tuple: it is read twice) without app-set CORS fields, plus *ours*, with one merged Vary.

    The application's list is never mutated (a Starlette ``Response`` sends its own ``raw_headers``).
    """
    untouched = _untouched
    for name, _ in headers:
        if name not in untouched:
            if name.lower() in _TOUCHED:
                break
            if len(untouched) < _UNTOUCHED_LIMIT:
                untouched.add(name)
    else:  # common case: nothing to remove or merge; the decision's own Vary value is already final
        return [*headers, *ours]
    out: RawHeaders = []
    app_vary: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == b"vary":
            app_vary.append(value.decode("latin-1"))
        elif key not in _OWNED:
            out.append((name, value))
    for name, value in ours:
        if name != _VARY:
            out.append((name, value))
    vary = merge_vary(app_vary, decision.vary)
    if vary:
        out.append((_VARY, vary.encode("latin-1")))
    return out
