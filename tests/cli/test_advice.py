"""``suggest_changes``: the policy change printed by explain and the demo is verified with the oracle."""

from __future__ import annotations

from cors_core import Policy, PolicySet
from cors_core.cli.advice import suggest_changes
from cors_core.testing import BrowserRequest, simulate

APP = "https://app.example.com"


def test_an_allowed_request_needs_no_change() -> None:
    s = suggest_changes(BrowserRequest(APP, "PUT"), Policy([APP], allow_methods=["PUT"]))
    assert s.works and s.changes == {}


def test_every_missing_piece_at_once_and_the_result_really_works() -> None:
    policy = Policy([APP], allow_methods=["PUT"])
    req = BrowserRequest("https://admin.example.com", "DELETE", (("X-Trace", "1"), ("Authorization", "Bearer t")), credentials=True)
    s = suggest_changes(req, policy)
    assert s.works
    assert s.changes == {
        "allow_credentials": True,
        "origins": [APP, "https://admin.example.com"],
        "allow_methods": ["PUT", "DELETE"],
        "allow_headers": ["authorization", "x-trace"],
    }
    assert simulate(req, policy.replace(**s.changes)).ok


def test_star_headers_still_need_authorization_by_name() -> None:
    """R21: '*' never covers Authorization."""
    s = suggest_changes(BrowserRequest(APP, headers=(("Authorization", "x"),)), Policy([APP], allow_headers=["*"]))
    assert s.works and s.changes == {"allow_headers": ["*", "authorization"]}


def test_star_is_kept_with_credentials_too() -> None:
    """The suggestion keeps what the policy had: '*' plus Authorization, not a list that drops every other header (R21)."""
    policy = Policy([APP], allow_headers="*", allow_methods="*", allow_credentials=True)
    req = BrowserRequest(APP, "PATCH", (("Authorization", "x"), ("X-A", "1")), credentials=True)
    s = suggest_changes(req, policy)
    assert s.works and s.changes == {"allow_headers": ["*", "authorization"]}
    other = BrowserRequest(APP, "PATCH", (("X-Other", "1"),), credentials=True)
    assert simulate(other, policy.replace(**s.changes)).ok  # the other headers are still allowed


def test_a_change_the_policy_itself_refuses_is_not_offered_as_a_fix() -> None:
    """Credentials for a plain-http origin are refused at build time, so the fix says why instead."""
    s = suggest_changes(BrowserRequest("http://app.example.com", credentials=True), Policy("*"))
    assert not s.works
    assert "plain-http origin" in s.note


def test_credentials_with_star_expose_drop_the_star() -> None:
    policy = Policy([APP], expose_headers=["*"])
    s = suggest_changes(BrowserRequest(APP, credentials=True), policy)
    assert s.works and s.changes == {"allow_credentials": True, "expose_headers": []}


def test_a_path_no_rule_covers() -> None:
    s = suggest_changes(BrowserRequest(APP, path="/admin"), PolicySet({"/api/*": Policy([APP])}))
    assert not s.works and not s.changes and "/admin" in s.note


def test_lines_are_toml() -> None:
    s = suggest_changes(BrowserRequest(APP, credentials=True), Policy("*"))
    assert s.lines() == ["allow_credentials = true", 'origins = ["https://app.example.com"]']
