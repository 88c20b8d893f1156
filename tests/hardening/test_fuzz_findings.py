"""Problems the fuzzers found in cors_core, each kept as a test (inputs also in fuzz/corpus/*/regress-*)."""

from __future__ import annotations

from cors_core import Policy, RequestMeta, decide
from cors_core.reasons import safe
from cors_core.testing import BrowserRequest, simulate

ORIGIN = "https://app.example.com"


def _preflight(policy: Policy, method: str, headers: str | None = None) -> object:
    return decide(RequestMeta("OPTIONS", "/", ORIGIN, method, headers, None, 1), policy)


def test_star_method_is_never_echoed_under_any_method_with_credentials() -> None:
    """R14: with credentials, no '*' in ACAM; found by fuzz_decide (regress-star-method-echoed-with-credentials)."""
    policy = Policy([ORIGIN], allow_credentials=True, allow_methods="*")
    d = _preflight(policy, "*")
    # R23 revised: an ok answer for the allowed origin, whose ACAM lists only the always-allowed methods
    assert not d.allowed and d.status == policy.preflight_status and d["Access-Control-Allow-Methods"] == "GET, HEAD, POST"  # type: ignore[attr-defined,index]
    assert "'*'" in d.message  # type: ignore[attr-defined]
    assert _preflight(policy, "PURGE")["Access-Control-Allow-Methods"] == "PURGE"  # type: ignore[index]


def test_a_method_refusal_never_leaves_allow_methods_out() -> None:
    """R23 revised, found by fuzz_decide (regress-refused-method-without-allow-methods): with no ACAM, a browser
    whose request has the use-CORS-preflight flag (XHR upload listeners) takes its own method as allowed
    (Fetch CORS-preflight fetch 7.3), so the refusal must list one."""
    for policy in (Policy([ORIGIN]), Policy("*", allow_methods="*"), Policy([ORIGIN], allow_credentials=True, allow_methods="*")):
        method = "*" if "*" in policy.allow_methods else "DELETE"
        req = BrowserRequest(ORIGIN, method, use_cors_preflight_flag=True)
        d = _preflight(policy, method)
        assert not d.allowed and "Access-Control-Allow-Origin" in d  # type: ignore[attr-defined,operator]
        assert not simulate(req, policy), d


def test_star_header_is_never_echoed_under_any_header() -> None:
    """R14/R21: an echoed literal '*' in ACAH reads as a wildcard (and Chromium lets it cover Authorization)."""
    for policy in (Policy([ORIGIN], allow_credentials=True, allow_headers="*"), Policy("*", allow_headers="*")):
        d = _preflight(policy, "GET", "x-a,*")
        # R23 revised: the allowed name x-a is listed, never the '*'
        assert not d.allowed and d["Access-Control-Allow-Headers"] == "x-a"  # type: ignore[index]
        ok = _preflight(policy, "GET", "x-a,x-b")
        assert ok["Access-Control-Allow-Headers"] == "x-a, x-b"  # type: ignore[index]


class _MustNotBeEscapedWhole(str):
    """A request value that fails the test if diagnostics escape all of it instead of a bounded head."""

    def encode(self, *args: object, **kwargs: object) -> bytes:  # type: ignore[override]
        raise AssertionError("safe() escaped the whole value before cutting it")


def test_safe_cuts_before_escaping_a_megabyte_value() -> None:
    """Found by the decide harness running at 1/5 of its normal speed: safe() escaped 1 MiB per message."""
    huge = _MustNotBeEscapedWhole("\r\n\x00é" * 262144)
    shown = safe(huge)
    assert len(shown) < 200 and shown.endswith("(1048576 chars in all)'")
    assert all(" " <= c <= "~" for c in shown)
