"""Response-header surgery for the WSGI adapter: drop app-set CORS headers, add the decision's, merge Vary."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from cors_core import CORS_RESPONSE_HEADERS

if TYPE_CHECKING:
    from cors_core import Decision

Headers = list[tuple[str, str]]

#: Lower-cased names the adapter rewrites in the application's headers: the CORS ones it owns, and Vary.
_OWNED = frozenset(name.lower() for name in CORS_RESPONSE_HEADERS)
_TOUCHED = _OWNED | {"vary"}
#: Header name as the app spelled it -> whether it is in _TOUCHED; saves a lower() per header per response.
_touched_cache: dict[str, bool] = {}
_CACHE_LIMIT = 512  # header names are few; stop caching if an app invents unbounded ones


def _is_touched(name: str) -> bool:
    touched = name.lower() in _TOUCHED
    if len(_touched_cache) < _CACHE_LIMIT:
        _touched_cache[name] = touched
    return touched


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


def merge_vary(app_values: list[str], ours: tuple[str, ...]) -> str:
    """One Vary value: the application's names first (spelling kept), then ours, deduplicated case-insensitively.

    A ``*`` the application sent already means "varies on everything", so ours are not added to it (R33).
    """
    names: list[str] = []
    seen: set[str] = set()
    for value in app_values:
        for item in value.split(","):
            item = item.strip(" \t")
            key = item.lower()
            if item and key not in seen:
                seen.add(key)
                names.append(item)
    if "*" not in seen:
        for item in ours:
            key = item.lower()
            if key not in seen:
                seen.add(key)
                names.append(item)
    return ", ".join(names)


def apply_decision(headers: Headers, decision: Decision) -> Headers:
    """A new header list: *headers* without app-set CORS fields, plus the decision's, with one merged Vary.

    The application's list is never mutated (apps may reuse one list object across responses).
    """
    cached = _touched_cache.get
    for name, _ in headers:
        touched = cached(name)
        if touched or (touched is None and _is_touched(name)):
            break
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
