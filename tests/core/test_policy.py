"""Policy validation: what is refused, how values are normalised, and that all problems come at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cors_core import (
    ConfigProblem,
    InsecureConfiguration,
    InvalidHeaderName,
    InvalidMethod,
    InvalidOrigin,
    InvalidValue,
    Policy,
    PolicyError,
)

from ._support import ORIGIN, preflight


def problems_of(*args: Any, **kwargs: Any) -> tuple[ConfigProblem, ...]:
    with pytest.raises(PolicyError) as exc:
        Policy(*args, **kwargs)
    assert isinstance(exc.value, ValueError)
    return exc.value.problems


def only_problem(*args: Any, **kwargs: Any) -> ConfigProblem:
    found = [p for p in problems_of(*args, **kwargs) if "no origin is allowed" not in p.message]
    assert len(found) == 1, found
    return found[0]


# Origins


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("https://example.com/", "trailing '/'"),
        ("https://example.com/app", "path"),
        ("https://example.com?x=1", "query"),
        ("https://example.com#top", "fragment"),
        ("https://user:pw@example.com", "user information"),
        ("https://user@example.com", "user information"),
        ("file:///etc/passwd", "file:"),
        ("file://", "file:"),
        ("https://example.com:99999", "port"),
        ("https://example.com:0", "port"),
        ("https://example.com:", "port"),
        ("https://example.com:80a", "port"),
        ("https://example.com:-1", "port"),
        ("http://256.1.1.1", "IPv4"),
        ("http://127.1", "IPv4"),
        ("http://1.2.3.04", "IPv4"),
        ("http://[::1", "IPv6"),
        ("http://[:::1]", "IPv6"),
        ("http://[fe80::1%eth0]", "IPv6"),
        ("http://[::1]x", "after the IPv6"),
        ("example.com", "scheme://host"),
        ("//example.com", "scheme://host"),
        ("https://", "empty"),
        ("https://exa mple.com", "label"),
        ("https://a..com", "label"),
        ("https://%65xample.com", "label"),
        (" https://example.com", "white space"),
        ("https://ex*ample.com", "'*'"),
        ("https://a.*.example.com", "'*'"),
        ("NULL", "lowercase 'null'"),
    ],
)
def test_malformed_origins_are_refused_with_a_reason(raw: str, words: str) -> None:
    problem = only_problem([raw])
    assert isinstance(problem, InvalidOrigin) and problem.code == "origin"
    assert problem.option == "origins" and problem.value == raw
    assert words in problem.message + problem.fix, problem
    assert problem.fix


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://EXAMPLE.COM", "https://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("wss://example.com:443", "wss://example.com"),
        ("ws://example.com:80", "ws://example.com"),
        ("https://example.com:80", "https://example.com:80"),
        ("http://example.com:443", "http://example.com:443"),
        ("https://example.com:0443", "https://example.com"),
        ("https://faß.de", "https://xn--fa-hia.de"),
        ("https://Bücher.example", "https://xn--bcher-kva.example"),
        ("https://xn--fa-hia.de", "https://xn--fa-hia.de"),
        ("http://[0:0:0:0:0:0:0:1]:8000", "http://[::1]:8000"),
        ("http://[2001:DB8:0:0:1:0:0:1]", "http://[2001:db8::1:0:0:1]"),
        ("http://[::FFFF:1.2.3.4]", "http://[::ffff:102:304]"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://*.Example.COM", "https://*.example.com"),
        ("https://*.example.com:*", "https://*.example.com:*"),
        ("https://*.example.com:443", "https://*.example.com"),
        ("chrome-extension://ABCDEF", "chrome-extension://abcdef"),
        ("null", "null"),
    ],
)
def test_origins_are_canonicalised(raw: str, canonical: str) -> None:
    assert Policy([raw]).origins == (canonical,)


def test_duplicate_origins_after_canonicalisation_are_listed_once() -> None:
    assert Policy(["https://a.example", "HTTPS://A.example:443"]).origins == ("https://a.example",)


def test_idn_with_ss_is_not_converted_the_idna2003_way() -> None:
    """UTS #46 non-transitional: ß stays a distinct letter; Python's 'idna' codec would give fass.de."""
    p = Policy(["https://faß.de"])
    assert preflight(p, origin="https://xn--fa-hia.de", method="GET").allowed
    assert not preflight(p, origin="https://fass.de", method="GET").allowed


def test_invalid_idn_is_refused() -> None:
    problem = only_problem(["https://a\u200db.example"])  # ZERO WIDTH JOINER outside a valid context
    assert isinstance(problem, InvalidOrigin)


def test_regex_with_an_unescaped_dot_is_refused() -> None:
    problem = only_problem(origin_regexes=[r"https://app.example\.com"])
    assert isinstance(problem, InvalidOrigin) and "unescaped '.'" in problem.message and problem.option == "origin_regexes"
    assert Policy(origin_regexes=[r"https://app\.example\.com"]).origin_regexes == (r"https://app\.example\.com",)
    assert Policy(origin_regexes=[r"https://[a-z.]+\.example\.com"])  # a dot inside a class is literal
    assert Policy(origin_regexes=[r"https://(.+)\.example\.com"])  # a quantified dot is a deliberate wildcard


def test_regex_that_does_not_compile_or_backtracks_is_refused() -> None:
    assert "does not compile" in only_problem(origin_regexes=["https://(a"]).message
    assert "exponential" in only_problem(origin_regexes=[r"https://(a+)+\.com"]).message


def test_star_and_explicit_origins_together_are_refused() -> None:
    assert "'*' already allows" in only_problem(["*", ORIGIN]).message


def test_policy_that_allows_nothing_is_refused() -> None:
    (problem,) = problems_of([])
    assert isinstance(problem, InvalidOrigin) and "never grant" in problem.message


# Credentials


def test_credentials_with_any_origin_needs_an_opt_in() -> None:
    problem = only_problem("*", allow_credentials=True)
    assert isinstance(problem, InsecureConfiguration) and problem.code == "insecure"
    assert Policy("*", allow_credentials=True, dangerously_allow_credentials_with_any_origin=True).allow_credentials


@pytest.mark.parametrize("origin", ["http://app.example.com", "ws://app.example.com", "http://*.example.com", "http://10.0.0.1"])
def test_credentials_with_plain_http_needs_an_opt_in(origin: str) -> None:
    problem = only_problem([origin], allow_credentials=True)
    assert isinstance(problem, InsecureConfiguration) and "plain-http" in problem.message
    assert Policy([origin], allow_credentials=True, dangerously_allow_insecure_origins=True)


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:8000", "http://[::1]:8080", "http://dev.localhost", "http://127.0.0.1:*"])
def test_credentials_with_loopback_http_are_fine(origin: str) -> None:
    assert Policy([origin], allow_credentials=True).allow_credentials


def test_credentials_with_null_needs_an_opt_in() -> None:
    assert isinstance(only_problem(["null"], allow_credentials=True), InsecureConfiguration)
    assert Policy(["null"], allow_credentials=True, dangerously_allow_insecure_origins=True)


@pytest.mark.parametrize("pattern", ["https://*.github.io", "https://*.herokuapp.com", "https://*.co.uk", "https://*.com"])
def test_credentials_with_a_public_suffix_wildcard_needs_an_opt_in(pattern: str) -> None:
    problem = only_problem([pattern], allow_credentials=True)
    assert isinstance(problem, InsecureConfiguration) and "public suffix" in problem.message
    assert Policy([pattern], allow_credentials=True, dangerously_allow_public_suffix_wildcards=True)
    assert Policy([pattern])  # without credentials it is the user's call


def test_credentials_with_own_subdomain_wildcard_is_fine() -> None:
    assert Policy(["https://*.example.com", "https://me.github.io"], allow_credentials=True)


# Methods


def test_methods_are_normalised_per_fetch() -> None:
    p = Policy([ORIGIN], allow_methods=["get", "Post", "delete", "put", "options", "head", "patch", "Purge", "PUT"])
    assert p.allow_methods == ("GET", "POST", "DELETE", "PUT", "OPTIONS", "HEAD", "patch", "Purge")


@pytest.mark.parametrize("method", ["CONNECT", "connect", "TRACE", "trace", "TRACK", "Track"])
def test_forbidden_methods_are_refused(method: str) -> None:
    problem = only_problem([ORIGIN], allow_methods=[method])
    assert isinstance(problem, InvalidMethod) and problem.code == "method" and "forbidden" in problem.message


@pytest.mark.parametrize("method", ["", "GET PUT", "PÜT", "A,B", "X\r\n", 7])
def test_non_token_methods_are_refused(method: object) -> None:
    assert isinstance(only_problem([ORIGIN], allow_methods=[method]), InvalidMethod)


# Headers


def test_header_names_are_lowercased_and_deduplicated() -> None:
    p = Policy([ORIGIN], allow_headers=["X-Token", "x-token", "Content-Type", "Authorization"])
    assert p.allow_headers == ("x-token", "content-type", "authorization")
    assert p.allows_authorization()


@pytest.mark.parametrize("name", ["Cookie", "Host", "Origin", "Content-Length", "Access-Control-Request-Method", "Sec-Fetch-Mode",
                                  "Proxy-Authorization", "proxy-foo", "Connection", "Referer"])
def test_forbidden_request_headers_are_refused(name: str) -> None:
    problem = only_problem([ORIGIN], allow_headers=[name])
    assert isinstance(problem, InvalidHeaderName) and problem.code == "header" and "forbidden" in problem.message


@pytest.mark.parametrize("name", ["X Token", "X-Token:", "", "Ä", "a\nb", None])
def test_non_token_header_names_are_refused(name: object) -> None:
    assert isinstance(only_problem([ORIGIN], allow_headers=[name]), InvalidHeaderName)


def test_star_headers_mean_all_but_authorization() -> None:
    star = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["*"])
    assert star.allow_headers == ("*",) and not star.allows_authorization()
    assert preflight(star, headers="x-anything,content-type").allowed
    assert not preflight(star, headers="authorization").allowed
    assert preflight(star.replace(allow_headers=["*", "Authorization"]), headers="authorization").allowed


def test_expose_headers_keep_their_spelling_refuse_set_cookie() -> None:
    assert Policy([ORIGIN], expose_headers=["X-Total", "x-total", "ETag"]).expose_headers == ("X-Total", "ETag")
    for name in ("Set-Cookie", "set-cookie", "Set-Cookie2"):
        problem = only_problem([ORIGIN], expose_headers=[name])
        assert isinstance(problem, InvalidHeaderName) and "Set-Cookie" in problem.message


def test_expose_star_with_credentials_is_refused() -> None:
    assert isinstance(only_problem([ORIGIN], allow_credentials=True, expose_headers=["*"]), InvalidHeaderName)
    assert Policy([ORIGIN], expose_headers=["*", "X-A"]).expose_headers == ("*", "X-A")


# Max-age and other values


@pytest.mark.parametrize("value", [0, 1, 600, 7200, 86400])
def test_max_age_in_range_is_kept(value: int) -> None:
    p = Policy([ORIGIN], max_age=value)
    assert p.max_age == value and preflight(p, method="GET")["Access-Control-Max-Age"] == str(value)


def test_max_age_none_is_distinct_from_zero() -> None:
    assert Policy([ORIGIN]).max_age is None
    assert "Access-Control-Max-Age" not in preflight(Policy([ORIGIN]), method="GET")
    assert preflight(Policy([ORIGIN], max_age=0), method="GET")["Access-Control-Max-Age"] == "0"


@pytest.mark.parametrize("value", [-1, 86401, 1.5, "600", "600 ", True, False, 99999999])
def test_max_age_out_of_range_or_wrong_type_is_refused(value: object) -> None:
    problem = only_problem([ORIGIN], max_age=value)
    assert isinstance(problem, InvalidValue) and problem.option == "max_age" and problem.code == "value"


@pytest.mark.parametrize("option", ["allow_credentials", "allow_private_network", "debug", "origin_check_cacheable",
                                    "dangerously_allow_insecure_origins"])
def test_flags_must_be_bools(option: str) -> None:
    problem = only_problem([ORIGIN], **{option: 1})
    assert isinstance(problem, InvalidValue) and problem.option == option


@pytest.mark.parametrize("value", [0, 1025, True, "64"])
def test_max_request_headers_is_bounded(value: object) -> None:
    assert isinstance(only_problem([ORIGIN], max_request_headers=value), InvalidValue)


@pytest.mark.parametrize(
    ("option", "value"),
    [("origins", "https://a.example"), ("allow_methods", "GET,PUT"), ("allow_headers", "X-A"), ("expose_headers", "X-A, X-B"),
     ("origin_regexes", r"https://a\.example")],
)
def test_a_bare_string_is_not_a_list(option: str, value: str) -> None:
    kwargs: dict[str, Any] = {"origins": [ORIGIN], option: value}
    problems = problems_of(**kwargs)
    joined = "," in value
    expected = "one string containing a comma: write a list" if joined else "single string is not a list"
    assert any(expected in p.message and p.value == value for p in problems)


@pytest.mark.parametrize(
    "value", ["https://a.com,https://b.com", "https://a.com, https://b.com", ["https://a.com,https://b.com"], ["https://a.com https://b.com"]]
)
def test_several_origins_in_one_string_say_write_a_list(value: object) -> None:
    """The usual environment-variable mistake: one problem that says what to write, not "no origin is allowed" too."""
    [problem] = problems_of(value)
    assert problem.option == "origins" and "one string containing" in problem.message and "write a list" in problem.message
    assert "['https://a.com', 'https://b.com']" in problem.fix


def test_bare_star_is_fine_where_a_list_belongs() -> None:
    p = Policy("*", allow_methods="*", allow_headers="*", expose_headers="*")
    assert (p.origins, p.allow_methods, p.allow_headers, p.expose_headers) == (("*",), ("*",), ("*",), ("*",))


def test_origin_check_must_be_callable() -> None:
    assert isinstance(only_problem(origin_check="yes"), InvalidOrigin)


# Reporting


def test_all_problems_are_reported_together_and_typed() -> None:
    problems = problems_of(
        ["https://a.example/", "*"],
        allow_credentials=True,
        allow_methods=["CONNECT", "bad method"],
        allow_headers=["Cookie"],
        expose_headers=["Set-Cookie"],
        max_age=-5,
        preflight_status=302,
    )
    kinds = [type(p) for p in problems]
    assert kinds.count(InvalidOrigin) >= 1 and InsecureConfiguration in kinds
    assert kinds.count(InvalidMethod) == 2 and kinds.count(InvalidHeaderName) == 2 and kinds.count(InvalidValue) == 2
    assert all(p.message and p.fix for p in problems)


def test_error_message_lists_each_problem_with_value_and_fix() -> None:
    with pytest.raises(PolicyError) as exc:
        Policy(["https://ok.example", "https://a.example/"], max_age=-5)
    text = str(exc.value)
    assert text.startswith("2 problem(s)")
    assert "'https://a.example/'" in text and "max_age=-5" in text and text.count("Fix:") == 2


def test_problems_compare_by_kind_and_text() -> None:
    a, b = problems_of(["https://a.example/"]), problems_of(["https://a.example/"])
    assert a == b and len({*a, *b}) == len(a)


# Immutability and derivation


def test_policy_is_immutable() -> None:
    p = Policy([ORIGIN])
    with pytest.raises(AttributeError):
        p.allow_credentials = True
    with pytest.raises(AttributeError):
        del p.origins


def test_replace_revalidates_and_round_trips() -> None:
    p = Policy([ORIGIN], allow_methods=["PUT"], max_age=60)
    assert Policy(**p.to_dict()) == p and hash(Policy(**p.to_dict())) == hash(p)
    assert p.replace(max_age=0).max_age == 0 and p.max_age == 60
    with pytest.raises(PolicyError):
        p.replace(origins="*", allow_credentials=True)
    with pytest.raises(TypeError):
        p.replace(colour="blue")


def test_policy_is_safe_to_share_between_threads() -> None:
    p = Policy([ORIGIN, "https://*.example.org"], allow_methods=["PUT"], allow_headers=["X-A"], allow_credentials=True)
    expected = dict(preflight(p, headers="x-a"))
    seen: list[bool] = []

    def run() -> None:
        seen.append(all(dict(preflight(p, headers="x-a")) == expected for _ in range(500)))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [True] * 8


def test_without_idna_a_non_ascii_host_is_refused_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stdlib codec is IDNA 2003 (ß -> ss, a different origin), so without 'idna' the core refuses."""
    import sys

    monkeypatch.setitem(sys.modules, "idna", None)  # makes 'import idna' raise ImportError
    problem = only_problem(["https://faß.de"])
    assert isinstance(problem, InvalidOrigin) and "pip install cors-core[idna]" in problem.fix
    assert Policy(["https://xn--fa-hia.de"]).origins == ("https://xn--fa-hia.de",)


def test_shared_decision_headers_are_read_only() -> None:
    """Decisions of a policy share precomputed header maps; an adapter cannot corrupt them for later requests."""
    from cors_core import PolicySet, RequestMeta, decide

    for d in (decide(RequestMeta("GET"), Policy([ORIGIN])), decide(RequestMeta("GET", origin=ORIGIN), Policy("*")),
              decide(RequestMeta("GET", "/x"), PolicySet({"/api/*": Policy("*")}))):
        with pytest.raises(TypeError):
            d.headers["Access-Control-Allow-Origin"] = "https://evil.example"  # type: ignore[index]
