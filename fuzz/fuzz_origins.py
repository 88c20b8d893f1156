#!/usr/bin/env python3
"""Differential fuzzing of ``cors_core.origins.OriginMatcher`` against ``_reference.ReferenceMatcher``.

Each input builds an allow-list (exact origins, ``*.`` patterns, ``:*`` ports, regexes) from a small
grammar and a batch of request Origins (grammar-built, mutated look-alikes, or raw bytes), then
requires both matchers to agree on every Origin. Run: ``python fuzz/run.py --harness origins``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _input import Reader
from _reference import ReferenceMatcher, canonical

SCHEMES = ("https", "http", "HTTPS", "wss", "chrome-extension", "git+ssh", "ws")
LABELS = ("example", "com", "a", "b-c", "EXAMPLE", "xn--bcher-kva", "bücher", "co", "uk", "evil", "_srv", "net", "localhost", "127")
IP_HOSTS = ("[::1]", "[0:0:0:0:0:0:0:1]", "[2001:DB8::1]", "127.0.0.1", "10.0.0.1", "[::ffff:127.0.0.1]")
PORTS = ("", "", ":443", ":80", ":8443", ":*", ":0", ":65536", ":08080", ":3000")
REGEXES = (
    r"https://[a-z0-9-]+\.example\.com",
    r"https://pr-[0-9]{1,6}\.preview\.example\.net(:[0-9]+)?",
    r"chrome-extension://[a-p]{32}",
    r"https://example\.com|https://example\.org",  # alternation: fullmatch must still anchor both sides
    r"https://.*\.example\.com",  # refused or not, the two matchers must agree on what it allows
    r"https://(a+)+\.example\.com",  # nested quantifier: must be refused at build time
    r"https://example.com",  # loose dot: must be refused at build time
)
MUTATIONS = (
    "none",
    "upper",
    "trailing-dot",
    "slash",
    "path",
    "userinfo",
    "default-port",
    "prefix",
    "suffix",
    "dot-to-x",
    "space",
    "crlf",
    "nul",
    "comma",
)


def _host(r: Reader) -> str:
    if r.byte() % 5 == 0:
        return r.choice(IP_HOSTS)
    count = 1 + r.byte() % 3
    return ".".join(r.choice(LABELS) for _ in range(count)) + ("." if r.byte() % 11 == 0 else "")


def _entry(r: Reader) -> str:
    kind = r.byte() % 8
    if kind == 0:
        return "null"
    if kind == 1:
        return r.text()
    wildcard = "*." if kind in (2, 3) else ""
    return f"{r.choice(SCHEMES)}://{wildcard}{_host(r)}{r.choice(PORTS)}"


def _mutate(origin: str, how: str, r: Reader) -> str:
    if how == "upper":
        return origin.upper()
    if how == "trailing-dot":
        return origin + "."
    if how == "slash":
        return origin + "/"
    if how == "path":
        return origin + "/x?y#z"
    if how == "userinfo":
        return origin.replace("://", "://user:pw@", 1)
    if how == "default-port":
        return origin + ":443"
    if how == "prefix":
        return origin.replace("://", "://evil", 1)
    if how == "suffix":
        return origin + r.choice((".evil.net", "evil.com", ".", "-x", ":8443"))
    if how == "dot-to-x":
        return origin.replace(".", "x", 1)
    if how == "space":
        return origin + " "
    if how == "crlf":
        return origin + "\r\nSet-Cookie: a=b"
    if how == "nul":
        return origin + "\x00"
    if how == "comma":
        return origin + ", " + origin
    return origin


def _request_origin(r: Reader, entries: list[str]) -> str:
    kind = r.byte() % 4
    if kind == 0:
        return r.text()
    if kind == 1 or not entries:
        base = f"{r.choice(SCHEMES).lower()}://{r.choice(('x.', 'a.b.', ''))}{_host(r)}{r.choice(PORTS)}"
    else:  # start from a configured entry, fill in its wildcards
        base = r.choice(entries).replace("*.", r.choice(("a.", "a.b.", "", ".", "evil-")), 1).replace(":*", r.choice(("", ":1", ":65535")))
    return _mutate(base, r.choice(MUTATIONS), r)


def check(data: bytes) -> None:
    """Raise AssertionError if the core and the reference disagree on any Origin built from *data*."""
    from cors_core.errors import ConfigProblem
    from cors_core.origins import OriginMatcher

    r = Reader(data)
    entries = [_entry(r) for _ in range(1 + r.byte() % 4)]
    regexes = [r.choice(REGEXES) for _ in range(r.byte() % 3)]
    problems: list[ConfigProblem] = []
    matcher = OriginMatcher(entries, regexes, None, False, problems)
    for rx in (REGEXES[5], REGEXES[6]):
        assert rx not in [p.pattern for p in matcher.regexes], f"dangerous regex accepted: {rx}"
    reference = ReferenceMatcher(regexes=list(matcher.regexes))
    refused = {p.value for p in problems if p.option == "origins"}  # a refused regex may be spelled like a listed origin
    for entry in entries:
        if entry in refused or entry == "*":
            continue
        if entry != "null":  # the core accepted it: the reference must agree it is valid and spell it the same
            parts = canonical(entry)
            assert parts is not None, f"core accepted {entry!r}, reference finds it invalid"
            scheme, host, port = parts
            spelled = f"{scheme}://{host}" + (f":{port}" if port else "")
            assert spelled in matcher.entries, f"{entry!r}: core entries {matcher.entries}, reference {spelled!r}"
        reference.add(entry)
    for _ in range(1 + r.byte() % 8):
        origin = _request_origin(r, list(matcher.entries))
        got, want = matcher.matches(origin), reference.allows(origin)
        assert got == want, f"entries={entries!r} regexes={regexes!r} origin={origin!r}: core {got}, reference {want}"


if __name__ == "__main__":
    from _atheris import fuzz

    fuzz(check)
