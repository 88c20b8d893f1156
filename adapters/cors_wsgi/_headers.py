"""Response-header surgery for the WSGI adapter: drop app-set CORS headers, add the decision's, merge Vary.

The merging itself is the core's (``cors_core.merge_vary``), as in every adapter.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from cors_core import CORS_RESPONSE_HEADERS, merge_vary

if TYPE_CHECKING:
    from cors_core import Decision

Headers = list[tuple[str, str]]

__all__ = ["Headers", "apply_decision", "status_line"]

#: Lower-cased names the adapter rewrites in the application's headers: the CORS ones it owns, and Vary.
_OWNED = frozenset(name.lower() for name in CORS_RESPONSE_HEADERS)
_TOUCHED = _OWNED | {"vary"}
#: Header names, as apps spell them, known not to be in _TOUCHED: one set lookup instead of a lower() per
#: header per response. Bounded, in case an app invents header names per request.
_untouched: set[str] = set()
_UNTOUCHED_LIMIT = 512


def _status_line(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Unknown"


#: Status lines the adapter can send itself (preflight 2xx / 403 and its own 500), built once.
_STATUS_LINES = {code: _status_line(code) for code in (*range(200, 300), 403, 500)}


def status_line(code: int) -> str:
    """``"204 No Content"`` for 204: the WSGI status string with its reason phrase."""
    line = _STATUS_LINES.get(code)
    return line if line is not None else _status_line(code)


def apply_decision(headers: Headers, decision: Decision) -> Headers:
    """A new header list: *headers* without app-set CORS fields, plus the decision's, with one merged Vary.

    The application's list is never mutated (apps may reuse one list object across responses).
    """
    untouched = _untouched
    for name, _ in headers:
        if name not in untouched:
            if name.lower() in _TOUCHED:
                break
            if len(untouched) < _UNTOUCHED_LIMIT:
                untouched.add(name)
    else:  # common case: nothing to remove or merge; the decision's own Vary value is already final
        return [*headers, *decision.headers.items()]
    out: Headers = []
    app_vary: list[str] = []
    for header in headers:
        key = header[0].lower()
        if key == "vary":
            app_vary.append(header[1])
        elif key not in _OWNED:
            out.append(header)
    for name, value in decision.headers.items():
        if name != "Vary":
            out.append((name, value))
    vary = merge_vary(app_vary, decision.vary)
    if vary:
        out.append(("Vary", vary))
    return out
