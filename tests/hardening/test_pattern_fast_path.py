"""The ``*.``-pattern short path of OriginMatcher (one endswith, one regex) against the plain reference (R8).

A policy whose only non-exact entries are a few ``*.`` patterns with fixed ports is matched with a
compiled regex instead of split-then-walk; these cases pin that both ways, and the reference in
fuzz/_reference.py, agree on every origin, including the look-alikes a browser could never send.
"""

from __future__ import annotations

import itertools
import random

import pytest

from cors_core import Policy

from ._fuzz import reference

PATTERN_SETS = [
    ["https://*.example.com"],
    ["https://*.example.com", "http://*.example.org:8080"],
    ["https://*.a.example.com", "https://*.example.com:8443", "https://app.example.net"],
    ["wss://*.example.com", "https://*.example.com"],
    [f"https://*.s{i}.example.com" for i in range(16)],  # as many as the short path takes
    [f"https://*.s{i}.example.com" for i in range(20)],  # more than that: the general path
    ["https://*.example.com:*"],  # any port: the general path
]
HOSTS = ["app.example.com", "a.b.example.com", "example.com", ".example.com", "a..example.com", "APP.example.com", "x.a.example.com",
         "app.example.com.", "app.example.org", "x.s3.example.com", "x.s19.example.com", "evil-example.com", "app_1.example.com",
         "a b.example.com", "[::1]", "127.0.0.1", "app.example.net", "x.example.comx", "xexample.com"]
PORTS = ["", ":443", ":8443", ":8080", ":0", ":08443", ":65536", ":", ":99999", ":8443x", ":\u0668"]
SCHEMES = ["https", "http", "wss", "HTTPS", "ftp", ""]


def _origins() -> list[str]:
    built = [f"{s}://{h}{p}" for s, h, p in itertools.product(SCHEMES, HOSTS, PORTS)]
    rng = random.Random(8)
    noise = ["".join(rng.choice("ab.:/-_sxhtpe*[]9\u00e9") for _ in range(rng.randint(0, 30))) for _ in range(500)]
    longest = [  # 1024 characters and just over: the bound, and how long one regex may run
        "https://" + "a" * 1000 + ".s15.example.com",
        "https://" + "-" * 999 + ".s3.example.com",
        "https://" + "a." * 504 + "example.com",
    ]
    return [*built, *noise, *longest, "https://" + "a." * 600 + "example.com"]


@pytest.mark.parametrize("patterns", PATTERN_SETS, ids=lambda p: f"{len(p)}:{p[0]}")
def test_pattern_policies_agree_with_the_reference(patterns: list[str]) -> None:
    policy = Policy(patterns)
    ref = reference.ReferenceMatcher()
    for entry in patterns:
        ref.add(entry)
    for origin in _origins():
        assert policy._matcher.matches(origin) is ref.allows(origin), origin


def test_the_short_path_is_taken_only_where_it_applies() -> None:
    assert Policy(["https://*.example.com"])._matcher._wild_by_end is not None
    assert Policy(["https://*.example.com:*"])._matcher._wild_by_end is None  # any port
    assert Policy([f"https://*.s{i}.example.com" for i in range(20)])._matcher._wild_by_end is None  # too many alternatives
