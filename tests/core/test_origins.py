"""The origin pattern language, ports, regexes and the dynamic origin_check (R5, R7, R8)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cors_core import Policy

from ._support import actual, preflight, recording_check


def grants(policy: Policy, origin: str) -> bool:
    d = actual(policy, origin=origin)
    return d.allowed and d.get("Access-Control-Allow-Origin") == origin


WILD = Policy(["https://*.example.com"])


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://a.example.com", True),
        ("https://a.b.example.com", True),
        ("https://x-1.y_2.example.com", True),
        ("https://example.com", False),
        ("https://aexample.com", False),
        ("https://.example.com", False),
        ("https://a.example.com.evil.net", False),
        ("https://a.example.comm", False),
        ("http://a.example.com", False),
        ("wss://a.example.com", False),
        ("https://a.example.com:8443", False),
        ("https://a.example.com:443", False),
        ("https://A.example.com", False),
        ("https://a.example.com.", False),
        ("https://a.example.com/", False),
        ("https://user@a.example.com", False),
        ("https://a.example.com\r\n", False),
    ],
)
def test_R8_subdomain_pattern(origin: str, expected: bool) -> None:
    assert grants(WILD, origin) is expected
    assert preflight(WILD, origin=origin, method="GET").allowed is expected


def test_R8_pattern_with_explicit_port() -> None:
    p = Policy(["https://*.example.com:8443"])
    assert grants(p, "https://a.example.com:8443")
    assert not grants(p, "https://a.example.com")
    assert not grants(p, "https://a.example.com:8444")


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://localhost", True),
        ("http://localhost:3000", True),
        ("http://localhost:65535", True),
        ("https://localhost:3000", False),
        ("http://localhost.evil.net:3000", False),
        ("http://localhost:03000", False),
        ("http://localhost:99999", False),
        ("http://localhost:", False),
        ("http://sub.localhost:3000", False),
    ],
)
def test_any_port_pattern(origin: str, expected: bool) -> None:
    assert grants(Policy(["http://localhost:*"]), origin) is expected


def test_wildcard_host_and_any_port_together() -> None:
    p = Policy(["https://*.example.com:*"])
    assert grants(p, "https://a.example.com") and grants(p, "https://a.b.example.com:9000")
    assert not grants(p, "https://example.com:9000") and not grants(p, "http://a.example.com:9000")


def test_wildcard_over_ip_is_refused() -> None:
    from cors_core import PolicyError

    with pytest.raises(PolicyError):
        Policy(["http://*.127.0.0.1"])


def test_exact_and_pattern_entries_combine() -> None:
    p = Policy(["https://example.com", "https://*.example.com", "null"])
    for origin in ("https://example.com", "https://www.example.com", "null"):
        assert grants(p, origin)


# Regexes (compatibility): always full-match, compiled once.


def test_regex_is_full_matched_not_searched() -> None:
    p = Policy(origin_regexes=[r"https://app\.example\.com"])
    assert grants(p, "https://app.example.com")
    assert not grants(p, "https://app.example.com.evil.net")
    assert not grants(p, "https://evil.net?https://app.example.com")
    assert not grants(p, "xhttps://app.example.com")


def test_compiled_regexes_are_accepted_and_flags_kept() -> None:
    p = Policy(origin_regexes=[re.compile(r"https://[a-z]+\.example\.com")])
    assert grants(p, "https://app.example.com") and not grants(p, "https://app.example.com:1")


def test_regex_only_sees_well_formed_origins() -> None:
    """A permissive regex cannot make a malformed Origin (path, spaces, CR/LF) be echoed (R7, R35)."""
    p = Policy(origin_regexes=[r"https://(.+)\.example\.com(/.*)?"])
    assert grants(p, "https://a.example.com")
    for bad in ("https://a.example.com/x", "https://a.example.com\r\nX: y", "https://a b.example.com", "https://a.example.com, https://b"):
        assert not grants(p, bad)


# Dynamic origin_check


def test_origin_check_decides_per_origin() -> None:
    p = Policy(origin_check=lambda o: o.endswith(".trusted.example"))
    assert grants(p, "https://a.trusted.example")
    assert not grants(p, "https://a.untrusted.example")
    assert actual(p, origin="https://x.example").vary == ("Origin",)


def test_origin_check_not_cacheable_is_called_every_time() -> None:
    calls: list[str] = []
    p = Policy(origin_check=recording_check(calls))
    for _ in range(3):
        assert grants(p, "https://a.example")
    assert calls == ["https://a.example"] * 3


def test_origin_check_cacheable_is_called_once_per_origin() -> None:
    calls: list[str] = []
    p = Policy(origin_check=recording_check(calls, lambda o: o.startswith("https://")), origin_check_cacheable=True)
    for _ in range(3):
        assert grants(p, "https://a.example")
        assert not grants(p, "http://a.example")
    assert calls == ["https://a.example", "http://a.example"]


def test_origin_check_exception_refuses_and_does_not_raise() -> None:
    def boom(origin: str) -> bool:
        raise RuntimeError("database down")

    p = Policy(origin_check=boom, allow_methods=["PUT"])
    d = actual(p, origin="https://a.example")
    assert not d.allowed and "Access-Control-Allow-Origin" not in d and d["Vary"] == "Origin"
    assert not preflight(p, origin="https://a.example").allowed


def test_origin_check_must_return_true_exactly() -> None:
    """A truthy non-bool (e.g. a match object) is not an approval: the check must say True."""
    p = Policy(origin_check=lambda o: 1)  # type: ignore[arg-type,return-value]
    assert not grants(p, "https://a.example")


@pytest.mark.parametrize(
    "origin",
    ["null", "NULL", "https://a.example/", "https://a.example:0", "https://a.example:00080", "https://A.example", "https://a.example\n",
     "https://a.example, https://b.example", "", "a.example", "https://" + "a" * 2000 + ".example"],
)
def test_origin_check_only_sees_well_formed_origins(origin: str) -> None:
    seen: list[str] = []
    p = Policy(origin_check=recording_check(seen))
    assert not grants(p, origin)
    assert seen == []


def test_origin_check_is_not_consulted_for_listed_origins() -> None:
    seen: list[str] = []
    p = Policy(["https://listed.example"], origin_check=recording_check(seen))
    assert grants(p, "https://listed.example") and seen == []
    assert grants(p, "https://other.example") and seen == ["https://other.example"]


def test_origin_check_is_not_consulted_for_repeated_origin_fields() -> None:
    seen: list[str] = []
    p = Policy(origin_check=recording_check(seen))
    assert not actual(p, origin="https://a.example", origin_count=2).allowed
    assert seen == []


def test_replace_keeps_the_flags_of_compiled_regexes() -> None:
    verbose = re.compile(
        r"""https://      # scheme
            [a-z]+        # one label
            \.example\.com""",
        re.VERBOSE,
    )
    p = Policy(origin_regexes=[verbose])
    q = p.replace(max_age=5)
    assert grants(p, "https://app.example.com") and grants(q, "https://app.example.com")
    assert p == p.replace() == q.replace(max_age=None)
    assert Policy(origin_regexes=[re.compile(r"https://a\.example", re.I)]) != Policy(origin_regexes=[r"https://a\.example"])


@given(
    st.from_regex(r"(https?|wss?|file|HTTPS|chrome-extension)://[a-z0-9_.\-]{0,20}(:[0-9]{0,6})?", fullmatch=True)
    | st.from_regex(r"https://[a-z0-9]{1,5}(\.[a-z0-9\-]{1,5}){0,3}(\.[0-9]{1,3}|\.0x[0-9a-f]{1,2})?(:0?[0-9]{2,5})?", fullmatch=True)
    | st.text(max_size=30)
)
def test_the_short_path_for_canonical_origins_agrees_with_the_full_parse(raw: str) -> None:  # R5, R6
    """OriginMatcher skips _parse() for an origin already in canonical form: only where _parse() would keep it as is."""
    from cors_core.origins import _parse, _plain, _serialise

    if _plain(raw):
        problems: list[Any] = []
        parsed = _parse(raw, "origins", problems, allow_wildcards=True)
        assert parsed is not None and not problems and not parsed.wildcard and parsed.port != -1
        assert _serialise(parsed) == raw


@pytest.mark.parametrize("port", ["", ":8443", ":443", ":0443", ":99999"])
def test_the_short_path_takes_exactly_the_canonical_ports(port: str) -> None:  # R6: no default port, no leading zero
    from cors_core.origins import _parse, _plain, _serialise

    origin = f"https://app.example.com{port}"
    parsed = _parse(origin, "origins", [], allow_wildcards=True)
    assert _plain(origin) is (parsed is not None and _serialise(parsed) == origin)
