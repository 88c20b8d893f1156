"""Regression tests for the vulnerability classes of peer CORS libraries, each named after its advisory.

Every test runs the request through decide() and the three adapters (see _runners.py) wherever the
class concerns request handling. Advisory details: /work/shared/research/peers.md and docs/security.md.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys

import pytest

from cors_core import Policy, PolicyError, PolicySet, RequestMeta, decide
from cors_core.reasons import safe

from ._runners import RUNNERS, Answer

ORIGIN = "https://app.example.com"
OPEN = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"])
ADAPTERS = sorted(RUNNERS)
_HOSTILE_BYTES = ("\r", "\n", "\x00", "\x1b", "\x85", "\xe2\x80\xa8")  # CR, LF, NUL, ESC, NEL, U+2028 as latin-1


def _has_cors(answer: Answer) -> bool:
    return any(n.lower().startswith("access-control-allow-") for n, _ in answer.fields)


def _get(runner: str, policy: Policy | PolicySet, path: str, method: str = "GET", *extra: tuple[str, str]) -> Answer:
    return RUNNERS[runner](policy, method, path, (("Origin", ORIGIN), *extra))


# CVE-2024-1681 (flask-cors, GHSA-84pr-m4jr-85g5): request.path with CRLF written raw to the DEBUG log.

_INJECT = "\r\n2026-01-01 CRITICAL forged entry\x00\x1b[2J"


@pytest.mark.parametrize("runner", ADAPTERS)
def test_cve_2024_1681_no_raw_request_bytes_reach_any_log(runner: str, caplog: pytest.LogCaptureFixture) -> None:
    """Nothing that logs on the request path (our code, or the framework on our 403) writes control bytes."""
    caplog.set_level(logging.DEBUG)
    policy = PolicySet({"/api/*": OPEN.replace(debug=True)})
    hostile = (
        ("OPTIONS", "/api/x" + _INJECT, (("Origin", ORIGIN + _INJECT), ("Access-Control-Request-Method", "PUT" + _INJECT))),
        ("OPTIONS", "/api/x", (("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", _INJECT))),
        ("GET", "/api/" + _INJECT, (("Origin", "null" + _INJECT),)),
    )
    for method, path, fields in hostile:
        answer = RUNNERS[runner](policy, method, path, fields)
        for name, value in answer.fields:
            assert not any(c in value for c in _HOSTILE_BYTES), (name, value)
        assert answer.getlist("X-CORS-Reason") and answer.getlist("X-CORS-Reason")[0].replace("-", "").isalpha()
    for record in caplog.records:
        text = record.getMessage()
        assert not any(c in text for c in _HOSTILE_BYTES), f"{record.name}: {text!r}"


def test_cve_2024_1681_diagnostics_are_escaped_and_bounded() -> None:
    """Decision.message/fix show request values only through reasons.safe(): printable ASCII, cut to 80 chars."""
    policy = OPEN.replace(allow_methods=["PUT", "patch"])
    metas = [
        RequestMeta("GET", "/", ORIGIN + _INJECT * 1000),
        RequestMeta("GET", "/", "https://evil.example" + "\x1b]0;title\x07"),
        RequestMeta("OPTIONS", "/", ORIGIN, "DELETE" + "\x85" * 10**5),
        RequestMeta("OPTIONS", "/", ORIGIN, "PATCH"),
        RequestMeta("OPTIONS", "/", ORIGIN, "PUT", "x-token, x-" + "\u202e" * 5000),
        RequestMeta("OPTIONS", "/", ORIGIN, "PUT", "x-other-" + "a" * 5000),
    ]
    for meta in metas:
        d = decide(meta, policy)
        for text in (d.message, d.fix):
            assert all(" " <= c <= "~" for c in text) and len(text) < 500, text
    assert safe("a\r\nb") == "'a\\x0d\\x0ab'"


def test_cve_2024_1681_cli_output_has_no_terminal_control_bytes() -> None:
    """`cors-core explain` prints request values and the suggested policy escaped (found here: it printed raw ESC/CR/LF)."""
    result = subprocess.run(
        [sys.executable, "-m", "cors_core", "explain", "--origin", "https://a.example\x1b[2J\r\nINJECTED: yes", "--color", "never"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = result.stdout + result.stderr
    assert "https://a.example" in out
    assert not any(c in out for c in ("\x1b", "\r")) and "\nINJECTED" not in out, out


# CVE-2024-6221 (flask-cors, GHSA-hxwh-jpp2-84pm): Access-Control-Allow-Private-Network sent by default.


@pytest.mark.parametrize("runner", ADAPTERS)
def test_cve_2024_6221_private_network_access_is_off_by_default(runner: str) -> None:
    assert Policy([ORIGIN]).allow_private_network is False
    pna = ("Access-Control-Request-Private-Network", "true")
    answer = _get(runner, OPEN, "/", "OPTIONS", ("Access-Control-Request-Method", "PUT"), pna)
    assert answer.status == 200 and answer.getlist("Access-Control-Allow-Origin") == [ORIGIN]  # R26: the CORS answer stands
    assert answer.getlist("Access-Control-Allow-Private-Network") == []
    enabled = _get(runner, OPEN.replace(allow_private_network=True), "/", "OPTIONS", ("Access-Control-Request-Method", "PUT"), pna)
    assert enabled.getlist("Access-Control-Allow-Private-Network") == ["true"]  # the test can tell the difference


def test_cve_2024_6221_flask_cors_style_defaults_do_not_allow_private_network() -> None:
    """The flask-cors compatible options (CORS(app) with nothing else) keep PNA off too."""
    from cors_flask import CORS
    from flask import Flask

    app = Flask("pna")
    app.add_url_rule("/", "i", lambda: "ok")
    CORS(app)
    headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Private-Network": "true"}
    response = app.test_client().options("/", headers=headers)
    assert response.headers.get("Access-Control-Allow-Origin") is not None
    assert "Access-Control-Allow-Private-Network" not in response.headers


# CVE-2024-6866 (flask-cors, GHSA-43qf-4rqw-9q2g): path rules matched case-insensitively.


@pytest.mark.parametrize("runner", ADAPTERS)
def test_cve_2024_6866_path_rules_are_case_sensitive(runner: str) -> None:
    rules = PolicySet({"/api/*": OPEN, re.compile(r"/v[0-9]+/items"): OPEN})
    assert _has_cors(_get(runner, rules, "/api/users"))
    assert _has_cors(_get(runner, rules, "/v1/items"))
    for path in ("/API/users", "/Api/users", "/V1/items", "/v1/ITEMS"):
        assert not _has_cors(_get(runner, rules, path)), path


# CVE-2024-6844 (flask-cors, GHSA-8vgw-p6qm-5gr7): '+' decoded as a space before path matching.


@pytest.mark.parametrize("runner", ADAPTERS)
def test_cve_2024_6844_plus_is_not_a_space(runner: str) -> None:
    plus = PolicySet({"/files/a+b": OPEN})
    assert _has_cors(_get(runner, plus, "/files/a+b"))
    assert not _has_cors(_get(runner, plus, "/files/a b"))
    space = PolicySet({"/files/a b": OPEN})
    assert _has_cors(_get(runner, space, "/files/a b"))
    assert not _has_cors(_get(runner, space, "/files/a+b"))


# CVE-2024-6839 (flask-cors, GHSA-7rxf-gvfg-47g4): a longer regex won over a more specific rule.


@pytest.mark.parametrize("runner", ADAPTERS)
def test_cve_2024_6839_rule_priority_is_not_regex_length(runner: str) -> None:
    strict = Policy(["https://admin.example.com"])
    broad_but_long = re.compile(r"/(?:admin|public|static|assets|media|files)/[A-Za-z0-9_./-]*")
    rules = PolicySet([(re.compile(r"/admin/.*"), strict), (broad_but_long, OPEN)])  # given order decides among regexes
    assert not _has_cors(_get(runner, rules, "/admin/users"))  # ORIGIN is not allowed by the strict rule
    assert _has_cors(_get(runner, rules, "/public/x"))
    prefix_first = PolicySet([(broad_but_long, OPEN), ("/admin/*", strict)])  # a prefix beats any regex
    assert not _has_cors(_get(runner, prefix_first, "/admin/users"))
    exact = PolicySet([("/admin/*", OPEN), ("/admin/users", strict)])  # an exact path beats the longest prefix
    assert not _has_cors(_get(runner, exact, "/admin/users"))
    assert _has_cors(_get(runner, exact, "/admin/other"))


# CVE-2020-25032 (flask-cors) and its mirror image (issue 11, item 1): the rule must be the one of the path the
# application routes. Browsers send '..%2F' unchanged, the server decodes it into PATH_INFO, and Flask, Django and
# plain WSGI route that raw path (/api/users/42/../../public/x reaches user 42's view). Matching the normalised path
# (/api/public/x, '*') would let any site read user 42's data; matching only the raw one would open CVE-2020-25032
# for a proxy that normalises. So where the two forms pick different rules, neither applies: no CORS at all.

DOT_SEGMENT_RULES = {"/api/public/*": Policy("*"), "/api/*": Policy([ORIGIN], allow_credentials=True)}


@pytest.mark.parametrize("runner", ADAPTERS)
@pytest.mark.parametrize(
    "path", ["/api/users/42/../../public/x", "/api/users/42/./../../public/x", "/api/public/../users/42", "/api/public/x/../../users/42"]
)
def test_dot_segment_path_attack_gets_the_policy_of_neither_form(runner: str, path: str) -> None:
    rules = PolicySet(DOT_SEGMENT_RULES)
    for origin in ("https://evil.example", ORIGIN):
        answer = RUNNERS[runner](rules, "GET", path, (("Origin", origin),))
        assert not _has_cors(answer), (path, origin)
        preflight = RUNNERS[runner](rules, "OPTIONS", path, (("Origin", origin), ("Access-Control-Request-Method", "PUT")))
        assert not _has_cors(preflight), (path, origin)


@pytest.mark.parametrize("runner", ADAPTERS)
def test_cve_2020_25032_normalising_path_still_cannot_borrow_a_rule(runner: str) -> None:
    rules = PolicySet({"/public/*": OPEN, "/admin/*": Policy(["https://admin.example.com"])})
    assert _has_cors(_get(runner, rules, "/public/x"))
    for path in ("/public/../admin/x", "/public/./../admin/x", "//admin/x", "/public/x/../../admin/x", "/admin/../public/x"):
        assert not _has_cors(_get(runner, rules, path)), path
    assert _has_cors(_get(runner, rules, "/public/a/../x"))  # both forms under /public/*: its rule applies


# Look-alike origins: unanchored regexes (flask-cors, django-cors-headers use re.match; Express RegExp.test)
# and suffix matching (jub0bs/cors GHSA-vhxv-fg4m-p2w8; rs/cors prefix/suffix '*').


@pytest.mark.parametrize("runner", ADAPTERS)
def test_look_alike_origins_through_regexes_are_refused(runner: str) -> None:
    policy = Policy(["https://a.test"], origin_regexes=[r"https://app\.example\.com", r"https://[a-z]+\.example\.org"])
    for origin in ("https://app.example.com", "https://x.example.org"):
        assert RUNNERS[runner](policy, "GET", "/", (("Origin", origin),)).getlist("Access-Control-Allow-Origin") == [origin]
    for origin in (
        "https://app.example.com.evil.net",
        "https://app.example.comevil.net",
        "https://app.example.com:1@evil.net",
        "https://x.example.org.evil.net",
        "https://x.y.example.org",
        "xhttps://app.example.com",
        "https://app.example.com\n",
    ):
        assert not _has_cors(RUNNERS[runner](policy, "GET", "/", (("Origin", origin),))), origin


def test_look_alike_regex_with_a_loose_dot_is_refused_at_build_time() -> None:
    with pytest.raises(PolicyError, match="unescaped"):
        Policy(origin_regexes=[r"https://app.example\.com"])


@pytest.mark.parametrize("runner", ADAPTERS)
def test_ghsa_vhxv_fg4m_p2w8_origins_sharing_a_suffix_admit_no_third(runner: str) -> None:
    policy = Policy(["https://foo.com", "https://bar.foo.com", "https://*.baz.com", "https://qux.com:*"])
    for origin in ("https://foo.com", "https://bar.foo.com", "https://a.baz.com", "https://qux.com:8443"):
        assert RUNNERS[runner](policy, "GET", "/", (("Origin", origin),)).getlist("Access-Control-Allow-Origin") == [origin]
    for origin in (
        "https://barfoo.com",
        "https://bar.foo.com.evil",
        "https://x.bar.foo.com",
        "https://foo.co",
        "https://oo.com",
        "https://xbaz.com",
        "https://baz.com",
        "https://a.baz.com.qux.com",
        "https://quxx.com",
        "https://qux.com.evil:8443",
        "http://foo.com",
    ):
        assert not _has_cors(RUNNERS[runner](policy, "GET", "/", (("Origin", origin),))), origin


def test_look_alike_origins_through_flask_cors_style_regex_options() -> None:
    """flask-cors reads regex-looking strings in ``origins`` as regexes with re.match; cors_flask full-matches them."""
    from cors_flask import CORS
    from flask import Flask

    app = Flask("compat")
    app.add_url_rule("/", "i", lambda: "ok")
    CORS(app, origins=[r"https://[a-z]+\.example\.com"])
    client = app.test_client()
    assert (
        client.get("/", headers={"Origin": "https://a.example.com"}).headers.get("Access-Control-Allow-Origin") == "https://a.example.com"
    )
    for origin in ("https://a.example.com.evil.net", "https://a.example.comx", "xhttps://a.example.com"):
        assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": origin}).headers, origin


def test_look_alike_origins_through_django_cors_headers_style_regex_settings() -> None:
    """django-cors-headers applies CORS_ALLOWED_ORIGIN_REGEXES with re.match (start-anchored only); cors_django does not."""
    from ._runners import _call, django_app, django_settings, environ_for

    with django_settings(None, CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://\w+\.example\.com"]):
        app, ran = django_app()
        ok = _call(app, environ_for("GET", "/x", (("Origin", "https://a.example.com"),)), ran)
        assert ok.getlist("Access-Control-Allow-Origin") == ["https://a.example.com"]
        for origin in ("https://a.example.com.evil.net", "https://a.example.comx"):
            answer = _call(app, environ_for("GET", "/x", (("Origin", origin),)), ran)
            assert not _has_cors(answer), origin
