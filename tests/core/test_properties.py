"""Property tests: generated policies and requests against the browser oracle and the output rules.

``intended()`` below says, from a policy's public attributes only, whether the policy means to let a
script read the answer; it shares no code with cors_core's matcher or engine, on purpose.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cors_core import Policy, PolicySet, RequestKind, RequestMeta, decide
from cors_core.testing import BrowserRequest, preflight_headers, simulate

# Policies ------------------------------------------------------------------------------------

EXACT = ["https://a.example", "https://b.example:8443", "http://localhost:3000", "http://[::1]:8080", "null"]
PATTERNS = ["https://*.w.example", "https://p.example:*"]
REGEX = r"https://r[0-9]\.example"
CHECK_SUFFIX = ".chk.example"
METHODS = ["PUT", "DELETE", "patch", "PATCH", "X-Custom", "OPTIONS", "*"]
HEADERS = ["X-A", "x-b", "Content-Type", "Authorization", "Accept", "*"]
EXPOSE = ["X-Total", "ETag", "*"]


def _check(origin: str) -> bool:
    return origin.endswith(CHECK_SUFFIX)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    credentials = draw(st.booleans())
    any_origin = draw(st.booleans()) if not credentials else draw(st.integers(0, 9)) == 0
    kw: dict[str, Any] = {"allow_credentials": credentials}
    if any_origin:
        kw["origins"] = "*"
        kw["dangerously_allow_credentials_with_any_origin"] = credentials
    else:
        kw["origins"] = draw(st.lists(st.sampled_from(EXACT + PATTERNS), unique=True))
        if draw(st.booleans()):
            kw["origin_regexes"] = [REGEX]
        if draw(st.booleans()) or not (kw["origins"] or "origin_regexes" in kw):
            kw["origin_check"] = _check
            kw["origin_check_cacheable"] = draw(st.booleans())
        kw["dangerously_allow_insecure_origins"] = credentials and "null" in kw["origins"]
    kw["allow_methods"] = draw(st.lists(st.sampled_from(METHODS), unique=True, max_size=3))
    kw["allow_headers"] = draw(st.lists(st.sampled_from(HEADERS), unique=True, max_size=3))
    kw["expose_headers"] = draw(st.lists(st.sampled_from(EXPOSE[:2] if credentials else EXPOSE), unique=True))
    kw["max_age"] = draw(st.sampled_from([None, 0, 600]))
    kw["allow_private_network"] = draw(st.booleans())
    kw["preflight_status"] = draw(st.sampled_from([204, 200]))
    kw["max_request_headers"] = draw(st.sampled_from([64, 64, 2, 1]))
    kw["debug"] = draw(st.booleans())
    return Policy(**kw)


@st.composite
def policies_or_sets(draw: st.DrawFn) -> Policy | PolicySet:
    policy = draw(policies())
    if draw(st.booleans()):
        return policy
    return PolicySet({"/api/*": policy, "/other": draw(policies())}, default=draw(st.none() | policies()))


# Browser requests ----------------------------------------------------------------------------

REQUEST_ORIGINS = [
    *EXACT,
    "https://x.w.example", "https://x.y.w.example", "https://w.example", "https://x.w.example:8443", "http://x.w.example",
    "https://xw.example", "https://x.w.example.evil", "https://p.example", "https://p.example:1234", "http://p.example:1234",
    "https://r1.example", "https://r12.example", "https://rx.example", "https://z.chk.example", "https://chk.example",
    "https://a.example:443", "https://A.example", "https://a.example/", "http://a.example", "https://b.example", "https://evil.example",
]
REQUEST_METHODS = ["GET", "get", "HEAD", "POST", "post", "PUT", "put", "DELETE", "patch", "PATCH", "X-Custom", "OPTIONS"]
REQUEST_HEADERS = [
    ("X-A", "1"), ("x-b", "2"), ("X-C", "3"), ("Content-Type", "application/json"), ("Content-Type", "text/plain"),
    ("Authorization", "Bearer t"), ("Accept", "*/*"), ("Accept", "a" * 200), ("Range", "bytes=0-"), ("Cookie", "a=b"),
]
#: (lowercase name, value) pairs a browser sends without a preflight (Fetch "CORS-safelisted request-header").
SAFE_PAIRS = {("content-type", "text/plain"), ("accept", "*/*"), ("range", "bytes=0-")}
FORBIDDEN = {"cookie"}


#: An origin each configured entry admits, to draw granted origins often enough.
GRANTED_EXAMPLE = {**{e: e for e in EXACT}, "https://*.w.example": "https://x.w.example", "https://p.example:*": "https://p.example:1234"}


@st.composite
def browser_requests(draw: st.DrawFn, configured: tuple[Policy, ...] = ()) -> BrowserRequest:
    """A fetch() call; half the time its origin, method and headers lean towards what *configured* allows."""
    lean = bool(configured) and draw(st.booleans())
    origins = [GRANTED_EXAMPLE.get(o, o) for p in configured for o in p.origins if o != "*"] if lean else []
    # near misses too: the other case of each method, and Authorization next to a '*'
    methods = [v for p in configured for m in p.allow_methods if m != "*" for v in (m, m.swapcase())] if lean else []
    names = {h.lower() for p in configured for h in p.allow_headers} | {"authorization", "x-c"} if lean else set()
    header_pool = [h for h in REQUEST_HEADERS if h[0].lower() in names] if lean else REQUEST_HEADERS
    size = draw(st.sampled_from([0, 1, 3]))
    headers = draw(st.lists(st.sampled_from(header_pool), unique_by=lambda h: h[0].lower(), max_size=size))
    return BrowserRequest(
        origin=draw(st.sampled_from(origins or REQUEST_ORIGINS)),
        method=draw(st.sampled_from(["GET", "POST", *methods]) | st.sampled_from(REQUEST_METHODS)),
        headers=tuple(headers),
        credentials=draw(st.booleans()),
        use_cors_preflight_flag=draw(st.integers(0, 5)) == 0,
        private_network=draw(st.integers(0, 5)) == 0,
        path=draw(st.sampled_from(["/", "/api/x", "/other"])),
    )


# The independent statement of what a policy means ------------------------------------------------

_HOST_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def _labels_ok(host: str) -> bool:
    return all(label and set(label) <= _HOST_CHARS for label in host.split("."))


def _entry_allows(entry: str, origin: str) -> bool:
    """Whether one configured (canonical) entry admits *origin*, written out plainly."""
    if "*" not in entry:
        return entry == origin
    scheme, rest = entry.split("://")
    if not origin.startswith(scheme + "://"):
        return False
    o_rest = origin[len(scheme) + 3 :]
    if rest.endswith(":*"):
        base = rest[:-2]
        host, _, port = o_rest.partition(":")
        port_ok = port == "" or (port.isdigit() and port.isascii() and not port.startswith("0") and int(port) <= 65535)
        if not port_ok or (":" in o_rest and port == ""):
            return False
    else:
        base, host = rest, o_rest
    if base.startswith("*."):
        suffix = base[1:]
        return host.endswith(suffix) and _labels_ok(host[: -len(suffix)])
    return host == base


def intended_origin(policy: Policy, origin: str) -> bool:
    """Whether *policy* means to grant *origin* (leaving credentials aside)."""
    if policy.origins == ("*",):
        if not policy.allow_credentials:
            return True
        return origin != "null" and origin == origin.lower() and "/" not in origin.split("://")[-1] and "://" in origin
    if any(_entry_allows(entry, origin) for entry in policy.origins):
        return True
    if any(re.fullmatch(rx, origin) for rx in policy.origin_regexes):
        return True
    return policy.origin_check is not None and policy.origin_check(origin) is True


def intended(policy: Policy | PolicySet, req: BrowserRequest) -> bool:
    """Whether a script making *req* is meant to read the response under *policy*."""
    if isinstance(policy, PolicySet):
        found = policy.policy_for(req.path)
        if found is None:
            return False
        policy = found
    if req.credentials and not policy.allow_credentials:
        return False
    if not intended_origin(policy, req.origin):
        return False
    method = req.method.upper() if req.method.upper() in {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"} else req.method
    sent = [(n.lower(), v) for n, v in req.headers if n.lower() not in FORBIDDEN]
    unsafe = sorted({n for n, v in sent if (n, v) not in SAFE_PAIRS})
    if method in ("GET", "HEAD", "POST") and not req.use_cors_preflight_flag and not unsafe and not req.private_network:
        return True  # no preflight
    if method not in ("GET", "HEAD", "POST") and method not in policy.allow_methods and "*" not in policy.allow_methods:
        return False
    allowed = {h.lower() for h in policy.allow_headers}
    if any(n not in allowed and not ("*" in allowed and n != "authorization") for n in unsafe):
        return False
    if len(unsafe) > policy.max_request_headers:
        return False
    return policy.allow_private_network or not req.private_network


# Properties ------------------------------------------------------------------------------------


def _configured(policy: Policy | PolicySet) -> tuple[Policy, ...]:
    return tuple(policy.policies()) if isinstance(policy, PolicySet) else (policy,)


def _policy_for(policy: Policy | PolicySet, path: str) -> Policy | None:
    return policy.policy_for(path) if isinstance(policy, PolicySet) else policy


@given(policies_or_sets(), st.data())
def test_oracle_accepts_exactly_what_the_policy_intends(policy: Policy | PolicySet, data: st.DataObject) -> None:
    """(a) Browser oracle agreement, with the Standard's and with browsers' laxer Authorization rule (R21)."""
    req = data.draw(browser_requests(_configured(policy)))
    expected = intended(policy, req)
    outcome = simulate(req, policy)
    assert outcome.ok is expected, outcome.reason
    assert simulate(req, policy, strict_authorization=False).ok is expected


@given(policies_or_sets(), st.data())
def test_decision_allowed_matches_the_intent(policy: Policy | PolicySet, data: st.DataObject) -> None:
    """The decision itself says allowed exactly when intended, even where a browser would fail anyway."""
    req = data.draw(browser_requests(_configured(policy))).prepared()
    chosen = _policy_for(policy, req.path)
    wire = dict(preflight_headers(req))
    meta = RequestMeta("OPTIONS", req.path, req.origin, wire["Access-Control-Request-Method"],
                       wire.get("Access-Control-Request-Headers"), wire.get("Access-Control-Request-Private-Network"), 1)
    d = decide(meta, policy)
    if chosen is None:
        assert d.kind is RequestKind.OUT_OF_SCOPE
        return
    # Private network access is not a reason to refuse (R26): it only adds Access-Control-Allow-Private-Network.
    as_preflight = BrowserRequest(req.origin, req.method, req.headers, chosen.allow_credentials, True, False, req.path)
    assert d.allowed is intended(chosen, as_preflight), d
    # R23 revised: a method or header refusal of an allowed origin grants private network access too, so that
    # the browser's check reaches (and names) the method or header
    step = d.allowed or d.reason in ("method-not-allowed", "header-not-allowed")
    pna = step and req.private_network and chosen.allow_private_network
    assert ("Access-Control-Allow-Private-Network" in d) is pna
    a = decide(RequestMeta(req.method, req.path, req.origin, None, None, None, 1), policy)
    assert a.allowed is intended_origin(chosen, req.origin)
    if chosen.is_static:
        assert a["Access-Control-Allow-Origin"] == "*" and d.get("Access-Control-Allow-Origin", "*") == "*"  # R31


_LATIN1 = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=40)
_NEAR = st.builds(lambda a, b, c: a + b + c, st.sampled_from(["", " ", "\t"]), st.sampled_from(REQUEST_ORIGINS), st.sampled_from(
    ["", "\r\n", "\x00", " ", "/", ",https://a.example", "é", "\u212a", ":0", ":65536", "."]))
_VALUE = st.none() | st.text(max_size=40) | _LATIN1 | _NEAR
_LIST_VALUE = st.none() | st.text(max_size=60) | _LATIN1 | st.lists(st.sampled_from(
    ["x-a", "X-B", "authorization", "content-type", "*", "", " ", "x y", "x\u212ay", "\r\n", "x-\xe9"]), max_size=8).map(",".join)
_METHOD = st.sampled_from(["OPTIONS", "GET", "POST", "options", "PUT"]) | st.text(max_size=8)
_ACRM = st.none() | st.sampled_from([*REQUEST_METHODS, "*", "", "GE T", "PUT\r\n"]) | st.text(max_size=10) | _LATIN1


@st.composite
def request_metas(draw: st.DrawFn) -> RequestMeta:
    return RequestMeta(
        method=draw(_METHOD),
        path=draw(st.sampled_from(["/", "/api/x", "/other", "/api/../other"]) | st.text(max_size=20)),
        origin=draw(_VALUE),
        request_method=draw(_ACRM),
        request_headers=draw(_LIST_VALUE),
        request_private_network=draw(st.none() | st.sampled_from(["true", "TRUE", "false", ""]) | _LATIN1),
        origin_count=draw(st.none() | st.integers(0, 3)),
    )


def _is_token(text: str) -> bool:
    return bool(text) and all(c.isascii() and (c.isalnum() or c in "!#$%&'*+-.^_`|~") for c in text)


@given(policies_or_sets(), request_metas())
def test_emitted_headers_are_clean_ascii_and_decide_never_raises(policy: Policy | PolicySet, meta: RequestMeta) -> None:
    """(b) + (d): no CR/LF/NUL/control or non-ASCII byte in any name or value, whatever arrives (R35)."""
    d = decide(meta, policy)
    for name, value in d.items():
        assert _is_token(name)
        assert value.isascii() and value.isprintable() and value == value.strip(" \t"), (name, value)
    assert isinstance(d.message, str) and isinstance(d.fix, str)
    assert d.message.isascii() and "\n" not in d.message and "\r" not in d.message


@given(policies_or_sets(), request_metas())
def test_a_refused_origin_never_receives_allow_origin(policy: Policy | PolicySet, meta: RequestMeta) -> None:
    """(c) ACAO is '*' from a static policy, or exactly the request's Origin when the policy means to grant it (R10, R11)."""
    d = decide(meta, policy)
    chosen = _policy_for(policy, meta.path)
    acao = d.get("Access-Control-Allow-Origin")
    if acao is None:
        return
    assert chosen is not None
    if acao == "*":
        assert chosen.origins == ("*",) and not chosen.allow_credentials
        return
    assert meta.origin is not None and acao == meta.origin
    assert meta.origin_count in (None, 1)
    assert intended_origin(chosen, meta.origin)


@given(policies_or_sets(), request_metas())
def test_no_wildcard_anywhere_with_credentials(policy: Policy | PolicySet, meta: RequestMeta) -> None:
    """(e) With credentials allowed, no Access-Control-* value is or lists '*' (R14)."""
    d = decide(meta, policy)
    chosen = _policy_for(policy, meta.path)
    if chosen is None or not chosen.allow_credentials:
        return
    for name, value in d.items():
        if name.startswith("Access-Control-"):
            assert "*" not in [item.strip() for item in value.split(",")], (name, value)


@given(policies_or_sets(), request_metas())
def test_refusals_carry_no_allow_headers_and_dynamic_answers_vary(policy: Policy | PolicySet, meta: RequestMeta) -> None:
    """R23 revised (a preflight refused for its origin or malformed input has no Access-Control-Allow-*, status 403;
    one from an allowed origin refused for its method or a header is ok, names neither '*' nor the refused name, and
    carries no Max-Age) and R30 (Vary: Origin when dynamic)."""
    d = decide(meta, policy)
    chosen = _policy_for(policy, meta.path)
    if d.kind is RequestKind.OUT_OF_SCOPE:
        assert chosen is None and dict(d) == {}
        return
    assert chosen is not None
    if d.kind is RequestKind.PREFLIGHT:
        step = d.reason in ("method-not-allowed", "header-not-allowed")
        assert d.status == (chosen.preflight_status if d.allowed or step else 403)
        if step:
            assert d["Access-Control-Allow-Origin"] in ("*", meta.origin) and "Access-Control-Max-Age" not in d
            for name in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers"):
                listed, refused = d.get(name, "").split(", "), d._detail
                if name == "Access-Control-Allow-Headers":  # header names compare case-insensitively; methods do not (R18)
                    listed, refused = [item.lower() for item in listed], refused.lower()
                assert "*" not in listed and refused not in listed, dict(d)
        elif not d.allowed:
            assert not [n for n in d if n.startswith("Access-Control-Allow-")]
    else:
        assert d.status is None
    if not chosen.is_static:
        assert "Origin" in d.vary and "Origin" in d["Vary"].split(", ")
    assert d.get("Vary", "") == ", ".join(d.vary)


_LABEL = st.sampled_from(["a", "b", "ex", "x-1", "w_2"])
_SCHEME = st.sampled_from(["https", "http", "wss"])
_PORT = st.sampled_from(["", ":8443", ":80", ":443", ":1"])


@st.composite
def _entries(draw: st.DrawFn) -> str:
    """One canonical configured origin or pattern, built from parts."""
    scheme = draw(_SCHEME)
    host = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=3)))
    wildcard = "*." if draw(st.booleans()) else ""
    port = draw(st.sampled_from(["", ":8443", ":*"]))
    return f"{scheme}://{wildcard}{host}{port}"


@st.composite
def _origins(draw: st.DrawFn) -> str:
    """A serialised origin a browser could send (lowercase, default port omitted)."""
    scheme = draw(_SCHEME)
    host = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=5)))
    port = draw(_PORT)
    if (scheme, port) in {("https", ":443"), ("wss", ":443"), ("http", ":80")}:
        port = ""
    return f"{scheme}://{host}{port}"


@given(st.lists(_entries(), min_size=1, max_size=4, unique=True), _origins())
def test_origin_matching_agrees_with_a_plain_reading_of_the_patterns(entries: list[str], origin: str) -> None:
    """R8: exact entries, '*.' label wildcards and ':*' ports, compared with the test's own reading."""
    policy = Policy(entries)
    assert policy.origins == tuple(entries)
    d = decide(RequestMeta("GET", "/", origin, None, None, None, 1), policy)
    assert d.allowed is any(_entry_allows(e, origin) for e in entries), (entries, origin)


@given(_origins(), st.data())
def test_configured_origins_canonicalise_to_what_browsers_send(origin: str, data: st.DataObject) -> None:
    """R6: any case and an explicit default port in the configuration give the browser's serialisation."""
    messy = "".join(c.upper() if data.draw(st.booleans()) else c for c in origin)
    default = {"https": ":443", "wss": ":443", "http": ":80"}[origin.split("://")[0]]
    if origin.count(":") == 1 and data.draw(st.booleans()):
        messy += default
    policy = Policy([messy])
    assert policy.origins == (origin,)
    assert decide(RequestMeta("GET", "/", origin, None, None, None, 1), policy).allowed
    if messy != origin:
        assert not decide(RequestMeta("GET", "/", messy, None, None, None, 1), policy).allowed  # R5: request bytes are not normalised


@given(policies(), st.sampled_from(REQUEST_ORIGINS) | _NEAR | st.text(max_size=40), st.sampled_from(["GET", "POST", "DELETE", "OPTIONS"]))
def test_decide_origin_answers_as_decide_does(policy: Policy, origin: str, method: str) -> None:
    """decide_origin(), the adapters' hot path (no RequestMeta), is decide() for one Origin field (R7) off the preflight path.

    Same headers, kind, reason, status and Vary; only the request is missing from a refusal (so it is not
    logged from there), and an answer decide() shares is the very same object.
    """
    from cors_core.engine import decide_origin, reflected_rest

    full = decide(RequestMeta(method, "/p", origin, origin_count=1), policy)
    fast = decide_origin(policy, origin)
    assert (dict(fast), fast.kind, fast.allowed, fast.reason, fast.status, fast.vary) == (
        dict(full), full.kind, full.allowed, full.reason, full.status, full.vary
    )
    if full._meta is None:  # an answer shared between requests (a listed origin's)
        assert fast is full
    with_meta = decide_origin(policy, origin, RequestMeta(method, "/p", origin))
    assert with_meta.message == full.message
    rest = reflected_rest(fast)  # what the ASGI adapter encodes once: the answer but its reflected Origin
    if rest is not None:
        assert fast.allowed and {**rest, "Access-Control-Allow-Origin": origin} == dict(full)
        assert rest is reflected_rest(decide_origin(policy, origin))  # shared
