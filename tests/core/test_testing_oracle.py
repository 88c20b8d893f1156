"""cors_core.testing, the browser oracle, against cases from the Fetch Standard and web-platform-tests.

WPT files named in each test are those listed in cors-rules.md section 5.
"""

from __future__ import annotations

import pytest

from cors_core import Policy, PolicySet
from cors_core.testing import (
    ENGINE_PROFILES,
    WEBKIT,
    BrowserRequest,
    EngineProfile,
    check_actual,
    check_preflight,
    cors_check,
    engine_profile,
    exposed_headers,
    is_safelisted_request_header,
    needs_preflight,
    preflight_headers,
    preflight_max_age,
    simulate,
    unsafe_request_header_names,
)

APP = "https://app.example"
PLAIN = BrowserRequest(APP)
CRED = BrowserRequest(APP, credentials=True)


# CORS check (Fetch "CORS check"; WPT cors/origin.htm, cors/credentials-flag.htm)


@pytest.mark.parametrize(
    ("headers", "req", "ok"),
    [
        ([("Access-Control-Allow-Origin", "*")], PLAIN, True),
        ([("Access-Control-Allow-Origin", "  *  ")], PLAIN, True),  # field values are trimmed by HTTP parsing
        ([("Access-Control-Allow-Origin", APP)], PLAIN, True),
        ([("access-control-allow-origin", APP)], PLAIN, True),
        ([], PLAIN, False),
        ([("Access-Control-Allow-Origin", APP + "/")], PLAIN, False),
        ([("Access-Control-Allow-Origin", APP.upper())], PLAIN, False),
        ([("Access-Control-Allow-Origin", APP + ":443")], PLAIN, False),
        ([("Access-Control-Allow-Origin", "null")], PLAIN, False),
        ([("Access-Control-Allow-Origin", "* null")], PLAIN, False),
        ([("Access-Control-Allow-Origin", f"{APP} https://b.example")], PLAIN, False),
        ([("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Origin", APP)], PLAIN, False),  # joined "a, a"
        ([("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")], CRED, False),
        ([("Access-Control-Allow-Origin", APP)], CRED, False),
        ([("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true")], CRED, True),
        ([("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "True")], CRED, False),
        ([("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "1")], CRED, False),
    ],
)
def test_cors_check(headers: list[tuple[str, str]], req: BrowserRequest, ok: bool) -> None:
    assert cors_check(req, headers).ok is ok


def test_null_origin_matches_acao_null() -> None:
    assert cors_check(BrowserRequest("null"), [("Access-Control-Allow-Origin", "null")])


# Preflight check (Fetch "CORS-preflight fetch" step 7; WPT cors-preflight-star, -response-validation, -status)


def _acao(extra: list[tuple[str, str]], creds: bool = False) -> list[tuple[str, str]]:
    base = [("Access-Control-Allow-Origin", APP)]
    if creds:
        base.append(("Access-Control-Allow-Credentials", "true"))
    return base + extra


@pytest.mark.parametrize(
    ("method", "acam", "creds", "ok"),
    [
        ("PUT", "PUT", False, True),
        ("put", "PUT", False, True),  # fetch() uppercases put
        ("put", "put", False, False),  # ... so 'put' in ACAM does not match (WPT cors-preflight-star)
        ("patch", "PATCH", False, False),  # patch is not normalised
        ("PATCH", "patch", False, False),
        ("patch", "patch", False, True),
        ("DELETE", "*", False, True),
        ("DELETE", "*", True, False),  # with credentials '*' is a literal method name
        ("GET", "", False, True),  # safelisted methods need no ACAM
        ("DELETE", "PUT, Bad method name", False, False),  # one non-token item fails the whole preflight
    ],
)
def test_preflight_methods(method: str, acam: str, creds: bool, ok: bool) -> None:
    req = BrowserRequest(APP, method, credentials=creds, use_cors_preflight_flag=method == "GET")
    headers = _acao([("Access-Control-Allow-Methods", acam)] if acam else [], creds)
    assert check_preflight(req, 204, headers).ok is ok


@pytest.mark.parametrize(
    ("sent", "acah", "creds", "strict", "ok"),
    [
        (("X-Foo",), "x-foo", False, True, True),
        (("X-Foo",), "X-FOO", False, True, True),  # names compare case-insensitively
        (("X-Foo",), "*", False, True, True),
        (("X-Foo",), "*", True, True, False),
        (("X-Foo",), "x-bar", False, True, False),
        (("Authorization",), "*", False, True, False),  # '*' never covers Authorization (Fetch)
        (("Authorization",), "*", False, False, True),  # ... but today's browsers let it (cors-rules.md section 4)
        (("Authorization",), "*, authorization", False, True, True),
        (("X-Foo",), "header name with space", False, True, False),
    ],
)
def test_preflight_headers(sent: tuple[str, ...], acah: str, creds: bool, strict: bool, ok: bool) -> None:
    req = BrowserRequest(APP, "PUT", tuple((n, "v") for n in sent), credentials=creds)
    headers = _acao([("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", acah)], creds)
    assert check_preflight(req, 204, headers, strict_authorization=strict).ok is ok


@pytest.mark.parametrize(("status", "ok"), [(200, True), (204, True), (299, True), (301, False), (304, False), (403, False), (500, False)])
def test_preflight_status_must_be_ok(status: int, ok: bool) -> None:
    req = BrowserRequest(APP, "PUT")
    assert check_preflight(req, status, _acao([("Access-Control-Allow-Methods", "PUT")])).ok is ok


def test_preflight_flag_without_acam_allows_the_method_itself() -> None:
    assert check_preflight(BrowserRequest(APP, "GET", use_cors_preflight_flag=True), 204, _acao([]))


def test_private_network_preflight_needs_the_allow_header() -> None:
    req = BrowserRequest(APP, private_network=True)
    assert not check_preflight(req, 204, _acao([]))
    assert check_preflight(req, 204, _acao([("Access-Control-Allow-Private-Network", "true")]))


# Actual responses and exposure (WPT cors-expose-star.js, cors/304.htm)


def test_check_actual_skips_304_only() -> None:
    assert check_actual(PLAIN, 304, [])
    assert not check_actual(PLAIN, 302, [])  # redirects are checked too (R27)
    assert not check_actual(PLAIN, 500, [])


def test_exposed_headers() -> None:
    resp = [("Content-Type", "text/plain"), ("X-A", "1"), ("X-B", "2"), ("Set-Cookie", "a=b"), ("*", "literal")]
    assert exposed_headers(PLAIN, resp) == {"content-type"}
    assert exposed_headers(PLAIN, [*resp, ("Access-Control-Expose-Headers", "X-A")]) == {"content-type", "x-a"}
    star = [*resp, ("Access-Control-Expose-Headers", "*")]
    assert exposed_headers(PLAIN, star) == {"content-type", "x-a", "x-b", "*", "access-control-expose-headers"}
    assert exposed_headers(CRED, star) == {"content-type", "*"}  # with credentials '*' is literal
    assert exposed_headers(PLAIN, [*resp, ("Access-Control-Expose-Headers", "X-A, bad name")]) == {"content-type"}
    assert "set-cookie" not in exposed_headers(PLAIN, [*resp, ("Access-Control-Expose-Headers", "Set-Cookie")])


@pytest.mark.parametrize(
    ("fields", "seconds"),
    [([], 5), (["600"], 600), (["0"], 0), (["99999"], 7200), (["-1"], 5), (["1.5"], 5), (["60 s"], 5), (["60", "60"], 5), ([" 60 "], 60)],
)
def test_preflight_max_age(fields: list[str], seconds: int) -> None:
    assert preflight_max_age([("Access-Control-Max-Age", f) for f in fields]) == seconds


# Request side (Fetch "CORS-safelisted request-header", "CORS-unsafe request-header names")


@pytest.mark.parametrize(
    ("name", "value", "safe"),
    [
        ("Accept", "*/*", True),
        ("Accept", 'text/"html"', False),
        ("Accept", "a" * 129, False),
        ("Accept-Language", "en-US,en;q=0.9", True),
        ("Accept-Language", "en_US", False),
        ("Content-Language", "de-DE", True),
        ("Content-Type", "text/plain", True),
        ("Content-Type", "text/plain;charset=UTF-8", True),
        ("Content-Type", "multipart/form-data; boundary=x", True),
        ("Content-Type", "application/x-www-form-urlencoded", True),
        ("Content-Type", "Text/Plain", True),
        ("Content-Type", "application/json", False),
        ("Content-Type", "text/html", False),
        ("Content-Type", "text /plain", False),
        ("Content-Type", 'multipart/form-data;"', False),
        ("Range", "bytes=0-", True),
        ("Range", "bytes=0-499", True),
        ("Range", "bytes=500-100", False),
        ("Range", "bytes=-200", False),
        ("Range", "bytes 0-", False),
        ("Range", "bytes=0-1,5-6", False),
        ("X-Anything", "1", False),
        ("Authorization", "Bearer t", False),
    ],
)
def test_safelisted_request_headers(name: str, value: str, safe: bool) -> None:
    assert is_safelisted_request_header(name, value) is safe


def test_unsafe_names_are_lowercased_sorted_deduplicated_and_the_1024_byte_rule() -> None:
    assert unsafe_request_header_names([("X-B", "1"), ("x-a", "1"), ("X-A", "2"), ("Accept", "*/*")]) == ["x-a", "x-b"]
    big = [("Accept", "a" * 100)] + [("Accept-Language", "a" * 120)] * 8
    assert unsafe_request_header_names(big) == ["accept", "accept-language"]


def test_what_a_browser_sends() -> None:
    req = BrowserRequest(APP, "put", (("X-B", "1"), ("Content-Type", "application/json"), ("Cookie", "a=b"), ("Sec-X", "1")))
    assert needs_preflight(req)
    assert dict(preflight_headers(req)) == {
        "Accept": "*/*", "Origin": APP, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type,x-b"}
    assert not needs_preflight(BrowserRequest(APP, "POST", (("Content-Type", "text/plain"), ("Cookie", "a=b"))))
    assert needs_preflight(BrowserRequest(APP, "GET", (("Authorization", "x"),)))
    assert needs_preflight(BrowserRequest(APP, "GET", private_network=True))
    with pytest.raises(TypeError):
        BrowserRequest(APP, "connect").prepared()


# simulate() end to end


def test_simulate_runs_the_preflight_and_the_actual_request() -> None:
    p = Policy([APP], allow_methods=["PUT"], allow_headers=["Content-Type"], expose_headers=["X-Total"], max_age=600)
    out = simulate(BrowserRequest(APP, "PUT", (("Content-Type", "application/json"),)), p, response_headers=[("X-Total", "3")])
    assert out.ok and out.preflight_sent and out.max_age == 600 and "x-total" in out.exposed
    simple = simulate(BrowserRequest(APP), p)
    assert simple.ok and not simple.preflight_sent and simple.max_age is None
    refused = simulate(BrowserRequest(APP, "DELETE"), p)
    assert not refused.ok and refused.preflight_sent and refused.reason.startswith("preflight:")


def test_simulate_follows_the_adapter_contract_for_app_set_cors_headers() -> None:
    """The adapter removes CORS headers the app set and sets the decision's (R11): one ACAO field, the policy's."""
    p = Policy([APP])
    stale = [("Access-Control-Allow-Origin", "https://stale.example"), ("access-control-expose-headers", "X-Secret"), ("X-Secret", "1")]
    out = simulate(PLAIN, p, response_headers=stale)
    assert out.ok and "x-secret" not in out.exposed
    assert not simulate(BrowserRequest("https://other.example"), p, response_headers=[("Access-Control-Allow-Origin", "*")]).ok


def test_simulate_outside_every_path_rule() -> None:
    s = PolicySet({"/api/*": Policy([APP], allow_methods=["PUT"])})
    assert not simulate(BrowserRequest(APP, "PUT", path="/other"), s).ok
    assert simulate(BrowserRequest(APP, "PUT", path="/api/x"), s).ok


# Engine profiles: what shipped engines do where they depart from the Standard (tests/browser proves them)


_A_DAY = Policy([APP], allow_methods=["PUT"], max_age=86400)  # the most a Policy allows
_STAR = Policy([APP], allow_headers=["*"])
_BEARER = BrowserRequest(APP, headers=(("Authorization", "Bearer x"),))


@pytest.mark.parametrize(
    ("engine", "cached", "star_covers_authorization"),
    [
        (None, 7200, False),  # the Standard, with Chromium's cap (the behaviour before profiles existed)
        ("spec", 86400, False),
        ("chromium", 7200, True),
        ("chrome", 7200, True),
        ("firefox", 86400, True),
        ("webkit", 600, True),
        ("Safari", 600, True),
        (EngineProfile("mine", 60, False), 60, False),
    ],
)
def test_simulate_with_an_engine_profile(engine: str | EngineProfile | None, cached: int, star_covers_authorization: bool) -> None:
    assert simulate(BrowserRequest(APP, "PUT"), _A_DAY, engine=engine).max_age == cached
    star = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Headers", "*")]
    assert check_preflight(_BEARER, 200, star, engine=engine).ok is star_covers_authorization
    # Our server stays strict (R21): '*' in allow_headers never answers for Authorization, whatever the engine.
    assert not simulate(_BEARER, _STAR, engine=engine).ok


def test_profiles_cover_the_engines_the_browser_suite_runs() -> None:
    assert {"spec", "chromium", "firefox", "webkit"} <= set(ENGINE_PROFILES)
    assert engine_profile("safari") is WEBKIT and engine_profile(WEBKIT) is WEBKIT


def test_explicit_strict_authorization_overrides_the_profile() -> None:
    star = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Headers", "*")]
    assert not check_preflight(_BEARER, 200, star, engine="webkit", strict_authorization=True).ok
    assert check_preflight(_BEARER, 200, star, engine="spec", strict_authorization=False).ok


def test_unknown_engine_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown engine 'netscape'.*chromium.*safari"):
        simulate(PLAIN, _STAR, engine="netscape")


def test_max_age_cap_none_is_uncapped() -> None:
    assert preflight_max_age([("Access-Control-Max-Age", "999999")], cap=None) == 999999
