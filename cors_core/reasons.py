"""Human explanations of decisions: why, and what change to the policy would allow the request.

Computed only when asked for (``Decision.message``), never on the per-request path. Request
values are shown escaped and shortened, so a message can be logged safely (CVE-2024-1681 class).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from .origins import MAX_ORIGIN_LENGTH, split_request_origin
from .request import RequestKind

if TYPE_CHECKING:  # type-only: decision imports this module (lazily), never the other way at run time
    from .decision import Decision

_SHOWN = 80


def safe(value: str | None) -> str:
    """*value* as printable ASCII, quoted and cut to a bounded length; safe for logs and terminals."""
    if value is None:
        return "(absent)"
    head = value[:_SHOWN]  # cut before escaping: the work stays bounded on megabyte-long values
    text = head.encode("ascii", "backslashreplace").decode("ascii")
    text = "".join(c if 32 <= ord(c) < 127 else f"\\x{ord(c):02x}" for c in text)
    if len(text) > _SHOWN or len(value) > len(head):
        text = text[:_SHOWN] + f"...({len(value)} chars in all)"
    return f"'{text}'"


def describe(decision: Decision) -> tuple[str, str]:
    """(message, fix) for *decision*."""
    meta, policy, reason = decision._meta, decision._policy, decision.reason
    if decision.kind is RequestKind.OUT_OF_SCOPE:
        return "no CORS policy applies to this path", "add a rule for the path to the PolicySet"
    if decision.kind is RequestKind.NOT_CORS:
        return "the request has no Origin header, so it is not a CORS request", ""
    if decision.allowed:  # a shared answer for a listed origin has no request of its own: its ACAO names the origin
        what = "preflight" if decision.kind is RequestKind.PREFLIGHT else "request"
        origin = meta.origin if meta is not None else decision.headers.get("Access-Control-Allow-Origin")
        return f"{what} from origin {safe(origin)} is allowed", ""
    if meta is None or policy is None:
        return reason, ""
    origin = meta.origin or ""
    if reason == "origin-not-allowed":
        if meta.origin_count is not None and meta.origin_count != 1:
            return f"the request carried {meta.origin_count} Origin fields; exactly one is required", "send one Origin header"
        if len(origin) > MAX_ORIGIN_LENGTH or (split_request_origin(origin) is None and origin != "null"):
            return (
                f"origin {safe(origin)} is not a serialised origin a browser would send (scheme://host[:port], lowercase)",
                "the client is not a browser or the value was altered on the way",
            )
        message = f"origin {safe(origin)} is not allowed"
        close = difflib.get_close_matches(origin, [e for e in policy.origins if e != "*"], n=1, cutoff=0.6)
        if close:
            message += f": closest configured origin is {close[0]}"
        if origin == "null":
            return message, "'null' is sent by sandboxed and file: pages; list 'null' only if you accept any such page"
        return message, f"add {safe(origin)} to origins"
    if reason == "method-malformed":
        return f"Access-Control-Request-Method {safe(meta.request_method)} is not a single HTTP token", "send one method name"
    if reason == "method-not-allowed":
        m = decision._detail
        if m == "*":
            return "a method literally named '*' is never allowed: echoing it would read as a wildcard", ""
        hint = ""
        if m.upper() in {x.upper() for x in policy.allow_methods if x != m}:  # listed in another case (patch vs PATCH)
            hint = (
                f" (methods are case-sensitive: browsers send {safe(m)} as the script wrote it;"
                " only DELETE GET HEAD OPTIONS POST PUT are uppercased)"
            )
        return f"method {safe(m)} is not allowed{hint}", f"add {safe(m)} to allow_methods"
    if reason == "header-not-allowed":
        h = decision._detail
        if h == "*":
            return "a header literally named '*' is never allowed: echoing it would read as a wildcard", ""
        if h == "authorization" and "*" in policy.allow_headers:
            return (
                "request header 'authorization' is not allowed: '*' never covers Authorization (Fetch)",
                "add 'Authorization' to allow_headers explicitly",
            )
        return f"request header {safe(h)} is not allowed", f"add {safe(h)} to allow_headers"
    if reason == "request-headers-malformed":
        return f"Access-Control-Request-Headers {safe(meta.request_headers)} has an item that is not a header name", ""
    if reason == "request-headers-too-many":
        return (
            f"the preflight asks for more than {policy.max_request_headers} header names",
            "raise max_request_headers if a real client needs that many",
        )
    if reason == "request-headers-too-long":
        return "Access-Control-Request-Headers is longer than 4096 bytes", "send fewer headers"
    return reason, ""
