"""Explainability: every refusal has a reason code and a message a person can act on, safe to log."""

from __future__ import annotations

import pytest

from cors_core import Policy, PolicySet, RequestMeta, decide

from ._support import ORIGIN, actual, preflight

P = Policy(["https://www.a.example.com", ORIGIN], allow_methods=["PUT", "patch"], allow_headers=["*", "X-Token"], max_request_headers=3)


def test_refused_origin_names_the_closest_configured_origin() -> None:
    d = actual(Policy(["https://www.a.example.com", "https://b.example.org"]), origin="https://a.example.com")
    assert d.reason == "origin-not-allowed"
    assert d.message == "origin 'https://a.example.com' is not allowed: closest configured origin is https://www.a.example.com"
    assert "https://a.example.com" in d.fix


@pytest.mark.parametrize(("requested", "listed"), [("PATCH", "patch"), ("put", "PUT")])
def test_method_in_the_wrong_case_is_explained_both_ways(requested: str, listed: str) -> None:
    d = preflight(P, method=requested)
    assert d.reason == "method-not-allowed" and "case-sensitive" in d.message and repr(requested) in d.message
    assert listed in P.allow_methods


@pytest.mark.parametrize(
    ("kw", "reason", "words"),
    [
        ({"origin_count": 2}, "origin-not-allowed", "2 Origin fields"),
        ({"origin": "https://APP.example.com"}, "origin-not-allowed", "not a serialised origin"),
        ({"origin": "null"}, "origin-not-allowed", "sandboxed"),
        ({"method": "PU T"}, "method-malformed", "not a single HTTP token"),
        ({"method": "DELETE"}, "method-not-allowed", "method 'DELETE' is not allowed"),
        ({"headers": "authorization"}, "header-not-allowed", "never covers Authorization"),
        ({"headers": "x y"}, "request-headers-malformed", "not a header name"),
        ({"headers": "a,b,c,d"}, "request-headers-too-many", "more than 3"),
        ({"headers": "x" * 5000}, "request-headers-too-long", "longer than 4096"),
    ],
)
def test_each_refusal_has_a_code_and_a_message(kw: dict[str, object], reason: str, words: str) -> None:
    d = preflight(P, **kw)  # type: ignore[arg-type]
    assert not d.allowed and d.reason == reason
    assert words in d.message + " " + d.fix, (d.message, d.fix)


def test_messages_escape_and_bound_request_bytes() -> None:
    """CVE-2024-1681 class (log injection): request bytes are escaped and cut in messages."""
    d = actual(P, origin="https://x.example\r\n[INFO] forged log line" + "y" * 500)
    assert "\r" not in d.message and "\n" not in d.message and "\\x0d\\x0a" in d.message
    assert len(d.message) < 400 and d.message.isascii()


def test_allowed_and_not_cors_and_out_of_scope_say_so() -> None:
    assert "is allowed" in actual(P).message and actual(P).fix == ""
    assert "no Origin header" in actual(P, origin=None).message
    d = decide(RequestMeta("GET", "/elsewhere", ORIGIN), PolicySet({"/api/*": P}))
    assert "no CORS policy" in d.message and d.fix


def test_debug_header_carries_only_the_reason_code_and_a_validated_name() -> None:
    debug = P.replace(debug=True)
    assert preflight(debug, method="DELETE")["X-CORS-Reason"] == "method-not-allowed; name=DELETE"  # R23 revised
    assert preflight(debug, method="DEL\r\nETE")["X-CORS-Reason"] == "method-malformed"
    assert actual(debug)["X-CORS-Reason"] == "allowed"
    assert "X-CORS-Reason" not in preflight(P, method="DELETE")  # off by default
