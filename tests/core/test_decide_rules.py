"""decide() against the server rules R1-R38 of cors-rules.md section 1, one or more tests per rule.

Rules that live in the adapters (R16 auth ordering, R27 3xx, R33 Vary merge, R34 304) are checked
here at the level the core can see; the adapters' own tests check the rest.
"""

from __future__ import annotations

import pytest

from cors_core import CORS_RESPONSE_HEADERS, Policy, PolicyError, RequestKind, RequestMeta, decide
from cors_core.testing import BrowserRequest, check_actual, check_preflight, needs_preflight, simulate

from ._support import ORIGIN, OTHER, actual, allow_star_headers, items, preflight, recording_check

LISTED = Policy([ORIGIN], allow_methods=["PUT", "patch"], allow_headers=["X-Token", "Content-Type"], expose_headers=["X-Total"])
CRED = LISTED.replace(allow_credentials=True, max_age=600)
STAR = Policy("*", allow_methods=["*"], allow_headers=["*"], expose_headers=["*"])


# A. Classifying the request


def test_R1_options_with_origin_and_acrm_is_a_preflight() -> None:
    d = preflight(LISTED)
    assert d.kind is RequestKind.PREFLIGHT and d.allowed and d.status == 200


def test_R1_options_with_origin_but_no_acrm_is_an_actual_request() -> None:
    """It reaches the app (status None) with actual-response headers only."""
    d = decide(RequestMeta("OPTIONS", "/", ORIGIN), LISTED)
    assert d.kind is RequestKind.ACTUAL and d.status is None
    assert d["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Methods" not in d and "Access-Control-Allow-Headers" not in d


def test_R1_method_comparison_is_case_sensitive() -> None:
    """'options' is not OPTIONS: with ACRM it is still an actual request."""
    d = decide(RequestMeta("options", "/", ORIGIN, "PUT"), LISTED)
    assert d.kind is RequestKind.ACTUAL and d.status is None


def test_R1_options_with_acrm_but_no_origin_is_not_cors() -> None:
    d = decide(RequestMeta("OPTIONS", "/", None, "PUT"), LISTED)
    assert d.kind is RequestKind.NOT_CORS and d.status is None
    assert allow_star_headers(d) == []


def test_R2_no_origin_is_not_cors_and_gets_no_cors_headers() -> None:
    d = actual(CRED, origin=None)
    assert d.kind is RequestKind.NOT_CORS and not d.allowed
    for name in ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers"):
        assert name not in d


def test_R3_own_origin_not_listed_still_reaches_the_app() -> None:
    """A same-origin POST carries Origin; the core never blocks it (status None: the app runs).

    A strict "403 on unknown origin" mode would be an adapter feature; the adapters' tests check it.
    """
    d = actual(LISTED, origin="https://api.example.com", method="POST")
    assert d.kind is RequestKind.ACTUAL and d.status is None
    assert "Access-Control-Allow-Origin" not in d


def test_R4_origin_null_is_never_granted_unless_listed() -> None:
    assert "Access-Control-Allow-Origin" not in actual(LISTED, origin="null")
    assert not preflight(LISTED, origin="null").allowed
    listed = Policy([ORIGIN, "null"])
    assert actual(listed, origin="null")["Access-Control-Allow-Origin"] == "null"


# B. Origin validation and matching


@pytest.mark.parametrize("origin", ["https://APP.example.com", "HTTPS://app.example.com", "https://app.example.com ", " https://app.example.com"])
def test_R5_request_origin_is_compared_byte_for_byte(origin: str) -> None:
    assert "Access-Control-Allow-Origin" not in actual(LISTED, origin=origin)
    assert not preflight(LISTED, origin=origin).allowed


def test_R6_configured_origins_are_canonicalised() -> None:
    p = Policy(["HTTPS://App.Example.COM:443", "http://LOCALHOST:80", "https://x.example.com:8443"])
    assert p.origins == ("https://app.example.com", "http://localhost", "https://x.example.com:8443")
    assert actual(p, origin="https://app.example.com")["Access-Control-Allow-Origin"] == "https://app.example.com"


def test_R6_configured_origin_with_path_is_refused_never_emitted() -> None:
    with pytest.raises(PolicyError) as exc:
        Policy(["https://example.com:443/"])
    assert "path or trailing '/'" in str(exc.value)


@pytest.mark.parametrize(
    ("origin", "count"),
    [
        (ORIGIN, 2),
        (ORIGIN, 0),
        (f"{ORIGIN}, {OTHER}", None),
        (f"{ORIGIN} {OTHER}", None),
        (f"{ORIGIN},{ORIGIN}", None),
        (f"{ORIGIN}/", None),
        (f"{ORIGIN}/path", None),
        (f"{ORIGIN}?", None),
        (f"{ORIGIN}#", None),
    ],
)
def test_R7_malformed_or_repeated_origin_is_refused(origin: str, count: int | None) -> None:
    pattern = Policy(["https://*.example.com"])
    for policy in (LISTED, pattern):
        assert "Access-Control-Allow-Origin" not in actual(policy, origin=origin, origin_count=count)
        assert not preflight(policy, origin=origin, origin_count=count).allowed


def test_R7_oversized_origin_is_refused_even_by_an_origin_check() -> None:
    calls: list[str] = []
    p = Policy(origin_check=recording_check(calls))
    long_origin = "https://" + "a" * 2048 + ".example.com"
    assert "Access-Control-Allow-Origin" not in actual(p, origin=long_origin)
    assert calls == []


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://a.example.com", True),
        ("https://a.b.example.com", True),
        ("https://example.com", False),
        ("https://aexample.com", False),
        ("https://a.example.com.evil.net", False),
        ("http://a.example.com", False),
        ("https://a.example.com:8443", False),
    ],
)
def test_R8_pattern_is_anchored_label_aware_and_includes_scheme_and_port(origin: str, allowed: bool) -> None:
    p = Policy(["https://*.example.com"])
    assert ("Access-Control-Allow-Origin" in actual(p, origin=origin)) is allowed


def test_R8_regexes_full_match() -> None:
    p = Policy(origin_regexes=[r"https://[a-z]+\.example\.com"])
    assert "Access-Control-Allow-Origin" in actual(p, origin="https://app.example.com")
    assert "Access-Control-Allow-Origin" not in actual(p, origin="https://app.example.com.evil.net")
    assert "Access-Control-Allow-Origin" not in actual(p, origin="https://x.app.example.com")


def test_R9_null_with_any_origin_and_credentials_is_never_reflected() -> None:
    p = Policy("*", allow_credentials=True, dangerously_allow_credentials_with_any_origin=True)
    assert actual(p, origin="https://anything.example")["Access-Control-Allow-Origin"] == "https://anything.example"
    assert "Access-Control-Allow-Origin" not in actual(p, origin="null")
    assert not preflight(p, origin="null").allowed


def test_R9_listed_null_is_sent_literally_and_other_spellings_do_not_match() -> None:
    p = Policy(["null"])
    assert actual(p, origin="null")["Access-Control-Allow-Origin"] == "null"
    for spelling in ("NULL", "Null", " null"):
        assert "Access-Control-Allow-Origin" not in actual(p, origin=spelling)


def test_R10_acao_is_the_request_origin_not_the_configured_spelling() -> None:
    p = Policy(["HTTPS://App.Example.com:443", "https://*.example.org"])
    assert actual(p, origin="https://app.example.com")["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert actual(p, origin="https://deep.sub.example.org")["Access-Control-Allow-Origin"] == "https://deep.sub.example.org"


# C. ACAO / ACAC


@pytest.mark.parametrize("policy", [LISTED, CRED, STAR], ids=["listed", "credentials", "star"])
def test_R11_one_acao_value_never_a_list_or_fallback(policy: Policy) -> None:
    for d in (actual(policy), preflight(policy, method="PUT")):
        value = d["Access-Control-Allow-Origin"]
        assert value in ("*", ORIGIN) and "," not in value and not value.endswith("/")
        assert list(d).count("Access-Control-Allow-Origin") == 1
    if not policy.is_static:  # a refused origin gets no fallback origin
        assert "Access-Control-Allow-Origin" not in actual(policy, origin=OTHER)


def test_R12_credentials_echo_origin_and_send_acac_on_preflight_and_actual() -> None:
    pf, act = preflight(CRED), actual(CRED)
    for d in (pf, act):
        assert d["Access-Control-Allow-Origin"] == ORIGIN
        assert d["Access-Control-Allow-Credentials"] == "true"
    req = BrowserRequest(ORIGIN, "PUT", credentials=True)
    assert check_preflight(req, pf.status or 0, list(pf.items()))
    assert check_actual(req, 200, list(act.items()))


def test_R13_acac_is_exactly_true_or_absent() -> None:
    assert "Access-Control-Allow-Credentials" not in actual(LISTED)
    assert "Access-Control-Allow-Credentials" not in preflight(LISTED)
    assert "Access-Control-Allow-Credentials" not in actual(STAR)
    assert actual(CRED)["Access-Control-Allow-Credentials"] == "true"
    with pytest.raises(PolicyError):
        Policy("*", allow_credentials=True)


def test_R14_credentials_never_get_a_wildcard() -> None:
    """With credentials and 'any method/header', the preflight lists the requested names, not '*'."""
    p = Policy([ORIGIN], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
    d = preflight(p, method="DELETE", headers="x-a,content-type")
    assert d.allowed
    assert d["Access-Control-Allow-Methods"] == "DELETE"
    assert items(d["Access-Control-Allow-Headers"]) == ["x-a", "content-type"]
    assert all("*" not in v for v in d.values())
    assert simulate(BrowserRequest(ORIGIN, "DELETE", (("X-A", "1"), ("Content-Type", "application/json")), credentials=True), p).ok


def test_R15_credentials_with_any_origin_needs_the_explicit_opt_in() -> None:
    with pytest.raises(PolicyError) as exc:
        Policy("*", allow_credentials=True)
    assert "dangerously_allow_credentials_with_any_origin" in str(exc.value)
    p = Policy("*", allow_credentials=True, dangerously_allow_credentials_with_any_origin=True)
    d = actual(p, origin=OTHER)
    assert d["Access-Control-Allow-Origin"] == OTHER and d.vary == ("Origin",)


# D. Preflight responses


def test_R16_preflight_status_is_ok_200_by_default_204_on_request() -> None:
    """Auth-before-CORS ordering is the adapters' job; their tests check it."""
    assert preflight(LISTED).status == 200  # 200 + Content-Length: 0 keeps the connection open (waitress closes after a 204)
    assert preflight(LISTED.replace(preflight_status=204)).status == 204
    for bad in (301, 302, 401, 403, 199, 300, True):
        with pytest.raises(PolicyError):
            LISTED.replace(preflight_status=bad)


def test_R17_allowed_preflight_passes_the_browser_cors_check() -> None:
    for policy, creds in ((LISTED, False), (CRED, True), (STAR, False)):
        d = preflight(policy)
        assert "Access-Control-Allow-Origin" in d
        assert check_preflight(BrowserRequest(ORIGIN, "PUT", credentials=creds), d.status or 0, list(d.items())).ok


@pytest.mark.parametrize("acrm", ["", "GE T", "PUT, DELETE", "PUT\r\nX: y", "P\u00dcT", "(PUT)"])
def test_R18_acrm_must_be_one_token(acrm: str) -> None:
    for policy in (LISTED, STAR):
        d = preflight(policy, method=acrm)
        assert d.kind is RequestKind.PREFLIGHT and not d.allowed and d.reason == "method-malformed"
        assert allow_star_headers(d) == []


def test_R18_method_match_is_case_sensitive_patch_is_not_PATCH() -> None:
    upper = Policy([ORIGIN], allow_methods=["PATCH"])
    assert not preflight(upper, method="patch").allowed
    assert preflight(upper, method="PATCH").allowed
    lower = Policy([ORIGIN], allow_methods=["patch"])
    assert lower.allow_methods == ("patch",)
    assert preflight(lower, method="patch")["Access-Control-Allow-Methods"] == "patch"
    assert not preflight(lower, method="PATCH").allowed


def test_R18_acam_contains_the_exact_acrm_bytes() -> None:
    d = preflight(LISTED, method="PUT")
    assert "PUT" in items(d["Access-Control-Allow-Methods"])
    d = preflight(STAR, method="X-Custom")
    assert d["Access-Control-Allow-Methods"] in ("X-Custom", "*")


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_R18_safelisted_methods_pass_unlisted(method: str) -> None:
    p = Policy([ORIGIN], allow_headers=["X-Token"])
    d = preflight(p, method=method, headers="x-token")
    assert d.allowed and d["Access-Control-Allow-Origin"] == ORIGIN
    assert check_preflight(BrowserRequest(ORIGIN, method, (("X-Token", "1"),)), d.status or 0, list(d.items()))


def test_R19_acam_and_acah_are_comma_separated_tokens() -> None:
    from cors_core.tokens import is_token

    p = Policy([ORIGIN], allow_methods=["PUT", "patch", "DELETE"], allow_headers=["X-A", "X-B", "Content-Type"])
    d = preflight(p, method="PUT", headers="x-a,x-b")
    for name in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers"):
        assert all(is_token(i) for i in d[name].split(", "))


@pytest.mark.parametrize(
    "acrh",
    [
        "Content-Type, X-Token",
        "x-token,,content-type",
        "X-TOKEN,x-token,Content-Type",
        " x-token ,\tcontent-type\t",
        "x-token,content-type,",
    ],
)
def test_R20_acrh_is_parsed_leniently(acrh: str) -> None:
    d = preflight(LISTED, headers=acrh)
    assert d.allowed
    assert {i.lower() for i in items(d["Access-Control-Allow-Headers"])} >= {"x-token", "content-type"}


def test_R20_absent_or_empty_acrh_is_an_empty_list() -> None:
    for acrh in (None, "", " , ,"):
        d = preflight(LISTED, headers=acrh)
        assert d.allowed and d.reason == "allowed"
        assert check_preflight(BrowserRequest(ORIGIN, "PUT"), d.status or 0, list(d.items()))


@pytest.mark.parametrize("acrh", ["x foo", 'x"y', "(x)", "x-token,a:b", "x\u212aey", "x-\u00e9"])
def test_R20_non_token_item_rejects_the_preflight(acrh: str) -> None:
    """Includes U+212A KELVIN SIGN, whose lowercase is ASCII 'k': validated before case folding."""
    p = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["*", "xkey", "x-token"])
    d = preflight(p, headers=acrh)
    assert not d.allowed and d.reason == "request-headers-malformed"
    assert allow_star_headers(d) == []


def test_R21_every_requested_header_must_be_allowed_case_insensitively() -> None:
    assert preflight(LISTED, headers="X-TOKEN").allowed
    d = preflight(LISTED, headers="x-token,x-other")
    assert not d.allowed and d.reason == "header-not-allowed"


def test_R21_star_never_covers_authorization() -> None:
    p = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["*"])
    d = preflight(p, headers="authorization,x-a")
    assert not d.allowed and d.reason == "header-not-allowed"
    assert "Authorization" in d.fix
    listed = p.replace(allow_headers=["*", "Authorization"])
    d = preflight(listed, headers="authorization,x-a")
    assert d.allowed and "authorization" in items(d["Access-Control-Allow-Headers"])
    req = BrowserRequest(ORIGIN, "PUT", (("Authorization", "Bearer t"), ("X-A", "1")))
    assert check_preflight(req, d.status or 0, list(d.items()), strict_authorization=True)


@pytest.mark.parametrize("credentials", [False, True])
def test_R21_allow_any_request_header_echoes_every_name_authorization_included(credentials: bool) -> None:
    """flask-cors's allow_headers='*' meaning: any requested name allowed and echoed by name, never '*' (R14, R21)."""
    p = Policy([ORIGIN], allow_methods=["PUT"], allow_any_request_header=True, allow_credentials=credentials)
    d = preflight(p, headers="Authorization, x-a,content-type")
    assert d.allowed and d["Access-Control-Allow-Headers"] == "Authorization, x-a, content-type"
    assert p.allows_authorization()
    req = BrowserRequest(ORIGIN, "PUT", (("Authorization", "Bearer t"), ("X-A", "1")), credentials)
    assert check_preflight(req, d.status or 0, list(d.items()), strict_authorization=True)
    star = preflight(p, headers="x-a,*")  # a name literally '*' is never echoed: a browser would read it as the wildcard
    assert not star.allowed and star.reason == "header-not-allowed"
    assert preflight(p, headers="x a").reason == "request-headers-malformed"
    assert Policy(**p.to_dict()) == p


@pytest.mark.parametrize("kw", [{"allow_headers": ["X-A"]}, {"echo_request_headers": False}, {"allow_any_request_header": "yes"}])
def test_R21_allow_any_request_header_refuses_options_that_would_mean_nothing(kw: dict[str, object]) -> None:
    options: dict[str, object] = {"allow_any_request_header": True, **kw}
    with pytest.raises(PolicyError, match="allow_any_request_header"):
        Policy([ORIGIN], **options)  # type: ignore[arg-type]


def test_R22_content_type_must_be_allowed_for_json() -> None:
    json_post = BrowserRequest(ORIGIN, "POST", (("Content-Type", "application/json"),))
    form_post = BrowserRequest(ORIGIN, "POST", (("Content-Type", "text/plain;charset=UTF-8"),))
    without = Policy([ORIGIN])
    assert not simulate(json_post, without).ok
    assert simulate(form_post, without).ok
    assert simulate(json_post, Policy([ORIGIN], allow_headers=["Content-Type"])).ok


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"origin": OTHER}, "origin-not-allowed"),
        ({"method": "PU T"}, "method-malformed"),
        ({"headers": "x y"}, "request-headers-malformed"),
    ],
)
def test_R23_refused_preflight_has_no_allow_headers_but_vary(kw: dict[str, str], reason: str) -> None:
    for policy in (LISTED, CRED.replace(allow_private_network=True)):
        d = preflight(policy, private_network="true", **kw)  # type: ignore[arg-type]
        assert d.kind is RequestKind.PREFLIGHT and not d.allowed and d.reason == reason
        assert d.status == 403
        assert allow_star_headers(d) == [] and "Access-Control-Max-Age" not in d
        assert "Origin" in items(d["Vary"])


@pytest.mark.parametrize(
    ("kw", "reason", "name"),
    [
        ({"method": "DELETE"}, "method-not-allowed", "DELETE"),
        ({"method": "PATCH"}, "method-not-allowed", "PATCH"),  # 'patch' is listed: methods are case-sensitive
        ({"headers": "x-token,x-nope"}, "header-not-allowed", "x-nope"),
        ({"method": "PATCH", "headers": "x-nope"}, "method-not-allowed", "PATCH"),  # the browser checks the method first
    ],
)
def test_R23_revised_allowed_origin_refused_step_gets_an_ok_answer_naming_nothing_more(
    kw: dict[str, str], reason: str, name: str
) -> None:
    """R23 revised: ok status, ACAO (+ACAC), the allowed methods/headers, Vary, no Max-Age: the browser then blames the step."""
    for policy in (LISTED, CRED.replace(allow_private_network=True), LISTED.replace(echo_request_headers=False)):
        d = preflight(policy, private_network="true", **kw)  # type: ignore[arg-type]
        assert d.kind is RequestKind.PREFLIGHT and not d.allowed and d.reason == reason
        assert d.status == policy.preflight_status
        assert d["Access-Control-Allow-Origin"] == ORIGIN
        assert d.get("Access-Control-Allow-Credentials") == ("true" if policy.allow_credentials else None)
        assert "Access-Control-Max-Age" not in d
        # R26: allowed by the policy, so granted, or Chromium would blame private network access instead
        assert d.get("Access-Control-Allow-Private-Network") == ("true" if policy.allow_private_network else None)
        assert items(d["Access-Control-Allow-Methods"]) == ["PUT", "patch"]  # the configured list, never the refused one
        allowed_headers = items(d.get("Access-Control-Allow-Headers", ""))
        assert name.lower() not in [h.lower() for h in allowed_headers] and "*" not in allowed_headers
        assert items(d["Vary"]) == ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers", *(
            ["Access-Control-Request-Private-Network"] if policy.allow_private_network else [])]
        outcome = simulate(BrowserRequest(ORIGIN, kw.get("method", "PUT"), tuple((h, "1") for h in items(kw.get("headers", "")))),
                           policy)
        assert not outcome.ok and ("method" if reason == "method-not-allowed" else "request header") in outcome.reason


def test_R23_revised_header_refusal_lists_the_allowed_names_never_a_star() -> None:
    """Under echo or '*', ACAH holds only the requested names that are allowed: '*' would cover Authorization (R21)."""
    star = Policy([ORIGIN], allow_headers=["*"], allow_credentials=True)
    d = preflight(star, method="GET", headers="X-A, Authorization, x-b")
    assert not d.allowed and d.reason == "header-not-allowed" and d._detail == "authorization"
    assert d["Access-Control-Allow-Headers"] == "X-A, x-b"
    # non-strict = Chromium today, which lets '*' cover Authorization: the answer must fail there too
    req = BrowserRequest(ORIGIN, headers=(("X-A", "1"), ("Authorization", "t"), ("x-b", "2")), credentials=True)
    assert not check_preflight(req, d.status or 0, list(d.items()), strict_authorization=False)
    listed = Policy([ORIGIN], allow_headers=["X-Token"], echo_request_headers=False)
    assert preflight(listed, method="GET", headers="x-nope")["Access-Control-Allow-Headers"] == "X-Token"  # the configured list
    static = Policy("*", allow_headers=["*"])
    d = preflight(static, method="GET", headers="authorization")
    assert d["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Headers" not in d and not d.allowed


def test_R23_revised_debug_header_names_the_refused_token_only() -> None:
    debug = LISTED.replace(debug=True)
    assert preflight(debug, headers="X-Nope")["X-CORS-Reason"] == "header-not-allowed; name=x-nope"
    assert preflight(debug, method="DELETE")["X-CORS-Reason"] == "method-not-allowed; name=DELETE"
    assert preflight(debug, method="P" * 5000)["X-CORS-Reason"] == "method-not-allowed"  # long names are left out
    assert preflight(debug, method="PU T")["X-CORS-Reason"] == "method-malformed"


def test_R24_max_age_only_on_preflights_as_digits() -> None:
    assert preflight(CRED)["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Max-Age" not in actual(CRED)
    assert preflight(LISTED.replace(max_age=0))["Access-Control-Max-Age"] == "0"
    assert "Access-Control-Max-Age" not in preflight(LISTED)  # None: the browser default (5 s)


def test_R25_no_expose_headers_on_preflights() -> None:
    for policy in (LISTED, CRED, STAR):
        assert "Access-Control-Expose-Headers" not in preflight(policy)


def test_R26_private_network_only_when_asked_and_enabled() -> None:
    pna = Policy([ORIGIN], allow_private_network=True)
    d = preflight(pna, method="GET", private_network="true")
    assert d.allowed and d["Access-Control-Allow-Private-Network"] == "true"
    assert "Access-Control-Allow-Private-Network" not in preflight(pna, method="GET", private_network="TRUE")
    assert "Access-Control-Allow-Private-Network" not in preflight(pna, method="GET")
    off = preflight(Policy([ORIGIN]), method="GET", private_network="true")
    assert off.allowed and "Access-Control-Allow-Private-Network" not in off
    assert "Access-Control-Allow-Private-Network" not in actual(pna)
    assert simulate(BrowserRequest(ORIGIN, "GET", private_network=True), pna).ok
    assert not simulate(BrowserRequest(ORIGIN, "GET", private_network=True), Policy([ORIGIN])).ok


# E. Actual responses


@pytest.mark.parametrize("status", [200, 302, 307, 404, 500])
def test_R27_actual_headers_pass_the_cors_check_on_any_status(status: int) -> None:
    """The decision does not depend on the status; applying it to every status is the adapters' job (their tests)."""
    d = actual(CRED)
    assert check_actual(BrowserRequest(ORIGIN, credentials=True), status, list(d.items()))


def test_R28_expose_headers_on_actual_only_and_star_only_without_credentials() -> None:
    assert actual(LISTED)["Access-Control-Expose-Headers"] == "X-Total"
    assert actual(STAR)["Access-Control-Expose-Headers"] == "*"
    with pytest.raises(PolicyError):
        Policy([ORIGIN], allow_credentials=True, expose_headers=["*"])
    with pytest.raises(PolicyError):
        Policy([ORIGIN], expose_headers=["Set-Cookie"])


def test_R29_no_preflight_headers_on_actual_responses() -> None:
    p = CRED.replace(allow_private_network=True)
    for method in ("GET", "PUT", "OPTIONS"):
        d = actual(p, method=method)
        for name in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age",
                     "Access-Control-Allow-Private-Network"):
            assert name not in d


# F. Caches and Vary


def test_R30_vary_origin_on_every_response_of_a_dynamic_policy() -> None:
    for d in (actual(LISTED), actual(LISTED, origin=None), actual(LISTED, origin=OTHER), actual(LISTED, origin="x\r\ny"),
              preflight(LISTED), preflight(LISTED, origin=OTHER), preflight(LISTED, method="DELETE")):
        assert "Origin" in d.vary and "Origin" in items(d["Vary"])


def test_R31_static_policy_sends_star_everywhere_and_no_vary_origin() -> None:
    for d in (actual(STAR), actual(STAR, origin=None), actual(STAR, origin="null"), preflight(STAR)):
        assert d["Access-Control-Allow-Origin"] == "*"
        assert "Origin" not in d.vary and "Origin" not in items(d.get("Vary", ""))
    assert actual(STAR, origin=None)["Access-Control-Expose-Headers"] == "*"


def test_R32_preflight_varies_on_request_method_and_headers() -> None:
    assert set(preflight(STAR).vary) == {"Access-Control-Request-Method", "Access-Control-Request-Headers"}
    pna = Policy([ORIGIN], allow_private_network=True)
    assert set(preflight(pna).vary) == {"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers",
                                        "Access-Control-Request-Private-Network"}


def test_R33_vary_is_given_as_names_to_merge() -> None:
    """The decision's Vary is the join of .vary; merging into the app's Vary is the adapters' job (their tests)."""
    for d in (actual(LISTED), preflight(LISTED), actual(LISTED, origin=None), preflight(STAR)):
        assert isinstance(d.vary, tuple) and d["Vary"] == ", ".join(d.vary)
        assert len({v.lower() for v in d.vary}) == len(d.vary)
    assert actual(STAR).vary == () and "Vary" not in actual(STAR)


def test_R34_decision_is_the_same_whatever_the_response_so_304_gets_the_200_headers() -> None:
    """decide() sees no status; the adapters' tests check that a 304 carries these headers."""
    first, second = actual(CRED), actual(CRED)
    assert dict(first) == dict(second)
    assert check_actual(BrowserRequest(ORIGIN, credentials=True), 304, [])  # 304: browsers merge, no check


# G. Output hygiene and limits


@pytest.mark.parametrize(
    "origin", ["https://app.example.com\r\nSet-Cookie: a=b", "https://app.example.com\x00", "https://äpp.example.com", "https://app.example.com\n"]
)
def test_R35_control_or_non_ascii_origin_is_never_echoed(origin: str) -> None:
    p = Policy([ORIGIN, "https://*.example.com"], allow_credentials=True, debug=True)
    for d in (actual(p, origin=origin), preflight(p, origin=origin)):
        assert not d.allowed
        assert all(v.isascii() and v.isprintable() for v in d.values())


def test_R35_debug_reason_never_echoes_request_bytes() -> None:
    p = LISTED.replace(debug=True)
    d = preflight(p, headers="x-evil\r\nSet-Cookie: a")
    assert d["X-CORS-Reason"] == "request-headers-malformed"
    assert "\r" not in d.message and "\n" not in d.message


def test_R36_request_headers_are_bounded() -> None:
    p = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["*"])
    many = ",".join(f"x-h{i}" for i in range(10_000))
    assert preflight(p, headers=many).reason == "request-headers-too-long"
    names = ",".join(f"x-{i}" for i in range(65))
    assert preflight(p, headers=names).reason == "request-headers-too-many"
    assert preflight(p.replace(max_request_headers=100), headers=names).allowed
    assert preflight(p, headers=",".join(f"x-{i}" for i in range(64))).allowed
    assert not preflight(p, headers="x-a," * 2000).allowed  # duplicates count towards the byte bound


# H. Scope


def test_R37_simple_requests_are_not_preflighted_and_decide_only_controls_reading() -> None:
    form = BrowserRequest(OTHER, "POST", (("Content-Type", "text/plain"),))
    assert not needs_preflight(form)
    d = actual(LISTED, origin=OTHER, method="POST")
    assert d.kind is RequestKind.ACTUAL and d.status is None  # the app still runs: CORS is not CSRF protection
    assert not simulate(form, LISTED).ok  # but the script cannot read the answer


def test_R38_decisions_never_carry_allow() -> None:
    for d in (preflight(LISTED), actual(LISTED), preflight(STAR), preflight(LISTED, method="DELETE")):
        assert "Allow" not in d
        assert set(d) <= {*CORS_RESPONSE_HEADERS, "Vary"}
