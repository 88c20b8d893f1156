"""Answers decide() builds once and hands out again: for requests without Origin, and per listed exact origin.

Sharing is only safe if nothing about the request is in the answer and nobody can change it; and the
store of per-origin answers must never grow with what clients send (only listed origins get one).
"""

from __future__ import annotations

import pytest

from cors_core import Policy, RequestMeta, decide

from ._support import ORIGIN, OTHER, actual

POLICY = Policy([ORIGIN, "https://*.example.com"], allow_credentials=True, expose_headers=["X-Total"])


def test_a_listed_origin_gets_the_same_read_only_answer_for_every_request() -> None:  # R10-R12
    first = actual(POLICY, method="GET", path="/a")
    again = actual(POLICY, method="POST", path="/b")
    assert first is again
    assert dict(first) == {
        "Access-Control-Allow-Origin": ORIGIN,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "X-Total",
        "Vary": "Origin",
    }
    with pytest.raises(TypeError):
        first.headers["Access-Control-Allow-Origin"] = "*"  # type: ignore[index]
    assert first.message == f"request from origin '{ORIGIN}' is allowed"


def test_only_listed_origins_are_remembered() -> None:
    policy = Policy([ORIGIN, "https://*.example.com"])
    for i in range(300):
        decide(RequestMeta("GET", "/", f"https://evil{i}.example.net"), policy)  # refused
        decide(RequestMeta("GET", "/", f"https://tenant{i}.example.com"), policy)  # allowed by the pattern
    assert policy._exact_answers == {}
    decide(RequestMeta("GET", "/", ORIGIN), policy)
    assert list(policy._exact_answers) == [ORIGIN]


def test_pattern_and_refused_answers_are_per_request() -> None:
    one = actual(POLICY, origin="https://a.example.com")
    two = actual(POLICY, origin="https://b.example.com")
    assert one["Access-Control-Allow-Origin"] == "https://a.example.com"
    assert two["Access-Control-Allow-Origin"] == "https://b.example.com"
    refused = actual(POLICY, origin=OTHER)
    assert not refused.allowed and OTHER in refused.message  # the explanation names this request's origin


def test_repeated_origin_fields_never_reach_the_remembered_answer() -> None:  # R7
    assert actual(POLICY).allowed
    assert not decide(RequestMeta("GET", "/", ORIGIN, origin_count=2), POLICY).allowed


def test_debug_policies_share_answers_with_the_reason_header() -> None:
    policy = Policy([ORIGIN], debug=True)
    first = actual(policy)
    assert first is actual(policy) and first["X-CORS-Reason"] == "allowed"


def test_the_remembered_answers_are_capped() -> None:
    from cors_core.engine import EXACT_ANSWERS_KEPT

    listed = [f"https://site{i}.example.org" for i in range(EXACT_ANSWERS_KEPT + 50)]
    policy = Policy(listed)
    for origin in listed:
        assert actual(policy, origin=origin)["Access-Control-Allow-Origin"] == origin
    assert len(policy._exact_answers) == EXACT_ANSWERS_KEPT
    late = actual(policy, origin=listed[-1])
    assert late.allowed and late is not actual(policy, origin=listed[-1])  # built per request past the cap


def test_decision_without_origin_is_what_decide_returns_without_origin() -> None:  # R2
    from cors_core import PolicySet, decision_without_origin

    shared = decision_without_origin(POLICY)
    assert shared is decide(RequestMeta("GET", "/a"), POLICY)
    assert shared is decide(RequestMeta("OPTIONS", "/b", None, "PUT", "x-a"), POLICY)  # no Origin: not a preflight
    assert shared is not None and dict(shared) == {"Vary": "Origin"} and not shared.allowed
    assert decision_without_origin(PolicySet({"/api/*": POLICY})) is None  # depends on the path


def test_refusals_share_everything_but_the_request_and_still_explain_it() -> None:  # R23, R30
    from cors_core import Decision

    policy = Policy([ORIGIN])
    one = decide(RequestMeta("GET", "/a", "https://evil.example"), policy)
    two = decide(RequestMeta("POST", "/b", "https://other.example"), policy)
    assert one is not two and type(one) is type(two) and isinstance(one, Decision)
    assert one.headers is two.headers and dict(one) == {"Vary": "Origin"} and one.vary == ("Origin",)
    assert (one.allowed, one.reason, one.status, one.kind.value) == (False, "origin-not-allowed", None, "actual")
    assert "'https://evil.example'" in one.message and "'https://other.example'" in two.message  # each names its own origin
    assert one._meta is not None and one._meta.path == "/a"
    assert repr(one).startswith("Decision(kind=actual, allowed=False")
    with pytest.raises(AttributeError):
        one.allowed = True  # type: ignore[misc]  # shared fields are the policy's: read-only
    other_policy = Policy(["https://elsewhere.example"])
    assert type(decide(RequestMeta("GET", "/", "https://evil.example"), other_policy)) is not type(one)  # per policy
