#!/usr/bin/env python3
"""Fuzzing ``cors_core.decide()`` on arbitrary requests, with invariants checked on every input.

Each input picks a policy (or path-keyed PolicySet) from a fixed handful and either an arbitrary
``RequestMeta`` (any text in any field) or a browser-shaped ``fetch()`` call. Invariants:

1. no exception escapes ``decide()`` or the lazy ``message``/``fix``;
2. no emitted header name or value holds CR, LF, NUL or a non-ASCII character (R35), and
   diagnostics are printable ASCII of bounded length (CVE-2024-1681 class);
3. an Origin the reference matcher does not allow never gets Access-Control-Allow-Origin or
   -Credentials, and an allowed one gets exactly its own bytes back (R5, R10, R23); a preflight refused for
   its method or a header (allowed origin) is ok-status, with no Max-Age and no '*' or refused name (R23 revised);
4. with credentials allowed, no emitted value or list item is ``*`` (R14);
5. for browser-shaped requests, what ``cors_core.testing.simulate`` (the browser oracle) makes of the
   answers equals what the policy, read independently, says should happen.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _input import Reader
from _reference import ReferenceMatcher, parse

#: Bound on Decision.message / .fix length: the core shows at most 80 characters of a request value, twice.
MAX_MESSAGE = 600

ORIGINS = (
    "https://app.example.com",
    "https://a.example.org",
    "https://example.org",
    "https://a.b.example.org:8443",
    "http://localhost:5173",
    "http://localhost",
    "https://xn--bcher-kva.example",
    "http://[::1]:8080",
    "https://pr-42.preview.example.net",
    "https://pr-42.preview.example.net.evil.com",
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
    "null",
    "https://evil.example",
    "https://app.example.com.",
    "https://APP.example.com",
    "https://app.example.com:443",
    "https://app.example.com/",
    "https://app.example.com, https://evil.example",
    "https://user@app.example.com",
    "https://app.example.com\r\nX-Injected: 1",
    "https://ok.check.example",
    "https://boom.check.example",
)
METHODS = ("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "patch", "OPTIONS", "*", "X-CUSTOM", "GE T", "", "get")
HEADER_LISTS = (
    "",
    "x-token",
    "content-type",
    "x-token,content-type",
    "authorization",
    "*",
    "X-Token, Content-Type",
    "x-a,,x-b",
    "x y",
    "x-token,x-token",
)
PNA_VALUES = ("true", "false", "TRUE", "")
PATHS = ("/", "/api/users", "/API/users", "/public", "/public/x", "/v1/items", "/v1+x", "/api/../public", "//public", "/other")
REQUEST_HEADERS = (
    ("X-Token", "1"),
    ("Content-Type", "application/json"),
    ("Content-Type", "text/plain"),
    ("Authorization", "Bearer x"),
    ("Accept", "*/*"),
    ("X-Other", "v"),
    ("Range", "bytes=0-1"),
    ("*", "star"),
)


def _ok_check(origin: str) -> bool:
    """A user origin_check: allows ok.check.example, raises on boom (the core must swallow it)."""
    if origin.startswith("https://boom."):
        raise RuntimeError("user callback failed")
    return origin == "https://ok.check.example"


@dataclass
class Ref:
    """The reference's reading of one Policy: who may call, with what."""

    matcher: ReferenceMatcher
    static: bool = False  # origins="*" without credentials
    reflect: bool = False  # origins="*" with the dangerous credentials opt-in
    check: object = None
    credentials: bool = False
    methods: tuple[str, ...] = ()
    any_method: bool = False
    headers: tuple[str, ...] = ()
    any_header: bool = False
    pna: bool = False

    def origin_ok(self, origin: str) -> bool:
        if self.static:
            return True
        if self.reflect:
            return origin != "null" and parse(origin) is not None
        if self.matcher.allows(origin):
            return True
        if self.check is not None and parse(origin) is not None:
            try:
                return bool(_ok_check(origin))
            except RuntimeError:
                return False
        return False


def _build() -> tuple[list[object], dict[int, Ref]]:
    """The policies under test, each with its independent reference reading."""
    from cors_core import Policy, PolicySet

    refs: dict[int, Ref] = {}

    def add(policy: Policy, ref: Ref, entries: tuple[str, ...] = (), regexes: tuple[str, ...] = ()) -> Policy:
        for e in entries:
            ref.matcher.add(e)
        ref.matcher.regexes = [re.compile(rx) for rx in regexes]
        refs[id(policy)] = ref
        return policy

    entries0 = (
        "https://app.example.com",
        "https://*.example.org",
        "http://localhost:*",
        "null",
        "https://bücher.example",
        "http://[0::1]:8080",
    )
    p0 = add(
        Policy(
            entries0, allow_methods=["PUT", "patch"], allow_headers=["X-Token", "Content-Type"], expose_headers=["X-Total"], max_age=600
        ),
        Ref(ReferenceMatcher(), methods=("PUT", "patch"), headers=("x-token", "content-type")),
        entries0,
    )
    entries1 = ("https://app.example.com", "https://*.example.org:8443")
    regex1 = (r"https://pr-[0-9]+\.preview\.example\.net",)
    p1 = add(
        Policy(
            entries1,
            origin_regexes=regex1,
            allow_credentials=True,
            allow_methods="*",
            allow_headers="*",
            expose_headers=["X-Request-Id"],
            allow_private_network=True,
        ),
        Ref(ReferenceMatcher(), credentials=True, any_method=True, any_header=True, pna=True),
        entries1,
        regex1,
    )
    p2 = add(
        Policy("*", allow_methods="*", allow_headers="*", expose_headers="*"),
        Ref(ReferenceMatcher(), static=True, any_method=True, any_header=True),
    )
    p3 = add(
        Policy(
            "*", allow_credentials=True, dangerously_allow_credentials_with_any_origin=True, allow_headers=["authorization"], debug=True
        ),
        Ref(ReferenceMatcher(), reflect=True, credentials=True, headers=("authorization",)),
    )
    entries4 = ("chrome-extension://abcdefghijklmnopabcdefghijklmnop",)
    p4 = add(
        Policy(
            entries4, origin_check=_ok_check, allow_credentials=True, allow_methods=["DELETE"], allow_headers=["X-Token", "Authorization"]
        ),
        Ref(ReferenceMatcher(), check=_ok_check, credentials=True, methods=("DELETE",), headers=("x-token", "authorization")),
        entries4,
    )
    pset = PolicySet({"/api/*": p1, "/public": p2, re.compile(r"/v[0-9]+/.*"): p0})
    return [p0, p1, p2, p3, p4, pset], refs


@functools.cache
def _policies() -> tuple[list[object], dict[int, Ref]]:
    """Built on first use, so that the atheris entry point can instrument cors_core before it loads."""
    return _build()


def _invariants(meta: object, target: object) -> None:
    from cors_core import PolicySet, RequestKind, RequestMeta, decide

    assert isinstance(meta, RequestMeta)
    d = decide(meta, target)  # type: ignore[arg-type]
    policy = target.policy_for(meta.path) if isinstance(target, PolicySet) else target
    for text in (d.message, d.fix):
        assert len(text) <= MAX_MESSAGE, f"diagnostic of {len(text)} chars"
        assert all(" " <= c <= "~" for c in text), f"unescaped diagnostic {text!r}"
    if policy is None:
        assert d.kind is RequestKind.OUT_OF_SCOPE and not d
        return
    ref = _policies()[1][id(policy)]
    for name, value in d.items():
        for part in (name, value):
            assert part.isascii() and not any(c in part for c in "\r\n\0"), f"unsafe header {name}: {value!r}"
        assert value == value.strip(" \t"), f"padded header {name}: {value!r}"
    acao = d.get("Access-Control-Allow-Origin")
    origin = meta.origin
    origin_ok = origin is not None and ref.origin_ok(origin) and meta.origin_count in (None, 1)
    if not origin_ok and not ref.static:
        assert acao is None and "Access-Control-Allow-Credentials" not in d, f"not allowed {origin!r} got {dict(d)}"
    if acao is not None and acao != "*":
        assert acao == origin, f"ACAO {acao!r} is not the request's Origin {origin!r}"
    if ref.credentials:  # '*' as a value or list item is a wildcard; inside a token ('x-*') it is just a name
        for name, value in d.items():
            assert "*" not in [item.strip(" \t") for item in value.split(",")], f"'*' in {name}: {value!r} with credentials"
    if d.kind is RequestKind.PREFLIGHT:
        assert meta.method == "OPTIONS" and meta.request_method is not None and origin is not None
        if d.allowed:
            assert d.status is not None and 200 <= d.status <= 299
        elif d.reason in ("method-not-allowed", "header-not-allowed"):  # R23 revised: the browser must blame the step
            assert origin_ok or ref.static, f"step refusal for a refused origin: {dict(d)}"
            assert d.status == policy.preflight_status and acao is not None and "Access-Control-Max-Age" not in d, dict(d)
            refused = d._detail
            # Methods match byte for byte (Fetch: 'get' is not 'GET'), header names case-insensitively.
            name = "Access-Control-Allow-Methods" if d.reason == "method-not-allowed" else "Access-Control-Allow-Headers"
            items = [i.strip(" \t") for i in d.get(name, "").split(",")]
            if d.reason == "header-not-allowed":
                items, refused = [i.lower() for i in items], refused.lower()
            assert "*" not in items and refused not in items, f"{name} covers the refused {refused!r}: {dict(d)}"
        else:
            assert d.status == 403 and not any(n.startswith("Access-Control-Allow-") for n in d), dict(d)


def _expected(req: object, target: object) -> bool:
    """Whether the browser should succeed, from the reference reading of the policy alone."""
    from cors_core import PolicySet
    from cors_core.testing import BrowserRequest, needs_preflight, unsafe_request_header_names

    assert isinstance(req, BrowserRequest)
    policy = target.policy_for(req.path) if isinstance(target, PolicySet) else target
    if policy is None:
        return False
    ref = _policies()[1][id(policy)]
    if not ref.origin_ok(req.origin) or (req.credentials and not ref.credentials):
        return False
    if not needs_preflight(req):
        return True
    method = req.prepared().method
    if method not in ("GET", "HEAD", "POST") and not (ref.any_method and method != "*") and method not in ref.methods:
        return False
    for name in unsafe_request_header_names(req.prepared().headers):
        if name not in ref.headers and not (ref.any_header and name not in ("authorization", "*")):
            return False
    return ref.pna or not req.private_network


def check(data: bytes) -> None:
    """Raise AssertionError if any invariant fails for the request built from *data*."""
    from cors_core import RequestMeta
    from cors_core.testing import BrowserRequest, simulate

    r = Reader(data)
    target = r.choice(_policies()[0])
    if r.flag():  # browser-shaped: what fetch() can produce
        method = r.choice([m for m in METHODS if m and " " not in m and m != "OPTIONS"])
        headers = tuple(r.choice(REQUEST_HEADERS) for _ in range(r.byte() % 4))
        req = BrowserRequest(r.choice(ORIGINS[:14]), method, headers, r.flag(), r.flag(), r.flag(), r.choice(PATHS))
        outcome = simulate(req, target)
        assert outcome.ok == _expected(req, target), f"{req}: oracle says {outcome}, reference says {not outcome.ok}"
        return
    count = r.byte() % 5
    meta = RequestMeta(
        r.pick_or_text(("OPTIONS", "GET", "POST", "PUT", "options")),
        r.pick_or_text(PATHS),
        None if r.byte() % 8 == 0 else r.pick_or_text(ORIGINS),
        None if r.byte() % 4 == 0 else r.pick_or_text(METHODS),
        None if r.byte() % 3 == 0 else r.pick_or_text(HEADER_LISTS),
        None if r.byte() % 2 == 0 else r.pick_or_text(PNA_VALUES),
        None if count == 4 else count,
    )
    _invariants(meta, target)


if __name__ == "__main__":
    from _atheris import fuzz

    fuzz(check)
