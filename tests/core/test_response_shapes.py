"""Options that change only the shape of an answer, never what a browser allows (R10, R21, R30, R31)."""

from __future__ import annotations

import pytest

from cors_core import InvalidValue, Policy, PolicyError, RequestMeta, decide
from cors_core.testing import BrowserRequest, simulate

ORIGIN = "https://app.example.com"


def test_R21_allow_headers_echoes_requested_names_as_spelled() -> None:
    policy = Policy([ORIGIN], allow_headers=["X-Token", "Content-Type"])
    d = decide(RequestMeta("OPTIONS", "/", ORIGIN, "GET", "X-token, content-type"), policy)
    assert d.allowed and d["Access-Control-Allow-Headers"] == "X-token, content-type"


def test_R21_echo_request_headers_false_lists_the_configured_names_on_every_preflight() -> None:
    policy = Policy([ORIGIN], allow_headers=["X-Token", "x-token", "Content-Type"], echo_request_headers=False)
    for requested in (None, "x-token", "content-type,x-token"):
        d = decide(RequestMeta("OPTIONS", "/", ORIGIN, "GET", requested), policy)
        assert d.allowed and d["Access-Control-Allow-Headers"] == "X-Token, Content-Type"
    refused = decide(RequestMeta("OPTIONS", "/", ORIGIN, "GET", "x-other"), policy)
    # R23 revised: the refusal lists the configured names too (never the refused one), so the browser blames x-other
    assert not refused.allowed and refused["Access-Control-Allow-Headers"] == "X-Token, Content-Type"


def test_R21_echo_request_headers_false_still_echoes_under_star() -> None:
    policy = Policy([ORIGIN], allow_headers="*", echo_request_headers=False)
    d = decide(RequestMeta("OPTIONS", "/", ORIGIN, "GET", "x-a"), policy)
    assert d["Access-Control-Allow-Headers"] == "x-a"


def test_R10_R30_echo_origin_answers_any_origin_with_itself_and_varies() -> None:
    policy = Policy("*", echo_origin=True)
    assert not policy.is_static
    d = decide(RequestMeta("GET", "/", "https://a.example"), policy)
    assert d["Access-Control-Allow-Origin"] == "https://a.example" and d.vary == ("Origin",)
    no_origin = decide(RequestMeta("GET", "/"), policy)  # R2: not CORS, so no ACAO, but the answer varies
    assert dict(no_origin) == {"Vary": "Origin"}
    malformed = decide(RequestMeta("GET", "/", "https://a.example, https://b.example"), policy)
    assert "Access-Control-Allow-Origin" not in malformed  # R7, R35: only a well-formed origin is echoed
    assert simulate(BrowserRequest(origin="https://a.example"), policy).ok


def test_R31_any_origin_without_echo_is_static() -> None:
    d = decide(RequestMeta("GET", "/"), Policy("*"))
    assert d["Access-Control-Allow-Origin"] == "*" and "Vary" not in d


def test_echo_origin_needs_any_origin() -> None:
    with pytest.raises(PolicyError) as exc:
        Policy([ORIGIN], echo_origin=True)
    assert [type(p) for p in exc.value.problems] == [InvalidValue]


def test_R23_refused_preflight_status_is_configurable_and_carries_no_allow_headers() -> None:
    policy = Policy([ORIGIN], refused_preflight_status=200)
    d = decide(RequestMeta("OPTIONS", "/", "https://evil.example", "GET"), policy)
    assert d.status == 200 and not d.allowed
    assert not any(name.startswith("Access-Control-Allow") for name in d)
    assert decide(RequestMeta("OPTIONS", "/", "https://evil.example", "GET"), Policy([ORIGIN])).status == 403


@pytest.mark.parametrize("status", [302, 500, 199, True, "403"])
def test_R16_refused_preflight_status_must_be_ok_or_4xx(status: object) -> None:
    with pytest.raises(PolicyError) as exc:
        Policy([ORIGIN], refused_preflight_status=status)  # type: ignore[arg-type]
    assert exc.value.problems[0].option == "refused_preflight_status"
