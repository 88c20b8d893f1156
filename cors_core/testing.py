"""The browser's side of CORS, as a test oracle (Fetch "CORS check", "CORS-preflight fetch").

Use it to ask what a browser would make of a server's answers::

    from cors_core.testing import BrowserRequest, simulate
    outcome = simulate(BrowserRequest(origin="https://app.example", method="PUT"), policy)
    assert outcome.ok

or to judge responses from any server (``check_preflight``, ``check_actual``, ``exposed_headers``).
Headers are given as a list of ``(name, value)`` pairs, as they arrived. The model is the Standard's;
``simulate(..., engine="webkit")`` applies what a shipped engine does differently (:class:`EngineProfile`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .tokens import (
    FORBIDDEN_METHODS,
    FORBIDDEN_RESPONSE_HEADERS,
    NON_WILDCARD_REQUEST_HEADER,
    SAFELISTED_METHODS,
    SAFELISTED_RESPONSE_HEADERS,
    is_forbidden_request_header,
    is_token,
    normalize_method,
)

Headers = Sequence[tuple[str, str]]

_UNSAFE_BYTES = set('"():<>?@[\\]{}\x7f') | {chr(c) for c in range(0x20) if c != 0x09}
_LANGUAGE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
_RANGE = re.compile(r"bytes=([0-9]+)-([0-9]*)")
_MIME = re.compile(r"([!#$%&'*+\-.^_`|~0-9A-Za-z]+)/([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*(;.*)?", re.S)
_SAFE_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}


@dataclass(frozen=True)
class BrowserRequest:
    """What a script asked ``fetch()`` for, from a page whose serialised origin is *origin*."""

    origin: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False  # credentials mode "include"
    use_cors_preflight_flag: bool = False  # e.g. XHR upload listeners
    private_network: bool = False  # a PNA preflight would be sent
    path: str = "/"

    def prepared(self) -> BrowserRequest:
        """The request as it goes on the wire: method normalised, forbidden headers dropped."""
        method = normalize_method(self.method)
        if method.upper() in FORBIDDEN_METHODS or not is_token(method):
            raise TypeError(f"fetch() refuses the method {method!r}")
        kept = tuple((n, v) for n, v in self.headers if not is_forbidden_request_header(n))
        return BrowserRequest(self.origin, method, kept, self.credentials, self.use_cors_preflight_flag, self.private_network, self.path)


@dataclass(frozen=True)
class Verdict:
    """Whether the browser accepts a response, and if not why (the console message, roughly)."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


_OK = Verdict(True)


def _get(headers: Headers, name: str) -> str | None:
    """Fetch header list "get": every field of *name* joined with ', '."""
    lower = name.lower()
    values = [v.strip(" \t") for n, v in headers if n.lower() == lower]
    return None if not values else ", ".join(values)


class _Failure:
    pass


_FAILURE = _Failure()


def _extract_list(headers: Headers, name: str) -> list[str] | _Failure | None:
    lower = name.lower()
    fields = [v for n, v in headers if n.lower() == lower]
    if not fields:
        return None
    out: list[str] = []
    for value in fields:
        for item in value.split(","):
            item = item.strip(" \t")
            if not item:
                continue
            if not is_token(item):
                return _FAILURE
            out.append(item)
    return out


def is_safelisted_request_header(name: str, value: str) -> bool:
    """Fetch "CORS-safelisted request-header"."""
    if len(value.encode("latin-1", "replace")) > 128:
        return False
    lower = name.lower()
    if lower == "accept":
        return not any(c in _UNSAFE_BYTES for c in value)
    if lower in ("accept-language", "content-language"):
        return _LANGUAGE.fullmatch(value) is not None
    if lower == "content-type":
        if any(c in _UNSAFE_BYTES for c in value):
            return False
        m = _MIME.fullmatch(value.strip(" \t\r\n"))
        return m is not None and f"{m.group(1)}/{m.group(2)}".lower() in _SAFE_TYPES
    if lower == "range":
        m = _RANGE.fullmatch(value)
        return m is not None and (not m.group(2) or int(m.group(1)) <= int(m.group(2)))
    return False


def unsafe_request_header_names(headers: Headers) -> list[str]:
    """Fetch "CORS-unsafe request-header names": what goes into Access-Control-Request-Headers."""
    unsafe: list[str] = []
    maybe: list[str] = []
    size = 0
    for name, value in headers:
        if is_safelisted_request_header(name, value):
            maybe.append(name)
            size += len(value.encode("latin-1", "replace"))
        else:
            unsafe.append(name)
    if size > 1024:
        unsafe += maybe
    return sorted({n.lower() for n in unsafe})


def needs_preflight(req: BrowserRequest) -> bool:
    """True if a browser (with an empty preflight cache) sends a preflight first."""
    req = req.prepared()
    return (
        req.method not in SAFELISTED_METHODS
        or req.use_cors_preflight_flag
        or bool(unsafe_request_header_names(req.headers))
        or req.private_network
    )


def preflight_headers(req: BrowserRequest) -> list[tuple[str, str]]:
    """The headers of the preflight a browser sends for *req* (Fetch "CORS-preflight fetch" steps 1-5)."""
    req = req.prepared()
    out = [("Accept", "*/*"), ("Origin", req.origin), ("Access-Control-Request-Method", req.method)]
    names = unsafe_request_header_names(req.headers)
    if names:
        out.append(("Access-Control-Request-Headers", ",".join(names)))
    if req.private_network:
        out.append(("Access-Control-Request-Private-Network", "true"))
    return out


def cors_check(req: BrowserRequest, headers: Headers) -> Verdict:
    """Fetch "CORS check"."""
    acao = _get(headers, "Access-Control-Allow-Origin")
    if acao is None:
        return Verdict(False, "no Access-Control-Allow-Origin header")
    if not req.credentials and acao == "*":
        return _OK
    if acao != req.origin:
        return Verdict(False, f"Access-Control-Allow-Origin {acao!r} does not equal the origin {req.origin!r}")
    if not req.credentials:
        return _OK
    if _get(headers, "Access-Control-Allow-Credentials") == "true":
        return _OK
    return Verdict(False, "credentials requested but Access-Control-Allow-Credentials is not 'true'")


def check_preflight(
    req: BrowserRequest,
    status: int,
    headers: Headers,
    strict_authorization: bool | None = None,
    engine: str | EngineProfile | None = None,
) -> Verdict:
    """Fetch "CORS-preflight fetch" step 7: does the preflight answer allow the actual request?

    ``strict_authorization=False`` models browsers (Chromium, Firefox, Safari today) that let
    ``Access-Control-Allow-Headers: *`` cover Authorization, against the Standard; ``engine`` (a
    name or :class:`EngineProfile`) sets it from that engine's profile. The default is the Standard.
    """
    strict_authorization = _strict_authorization(strict_authorization, engine)
    req = req.prepared()
    verdict = cors_check(req, headers)
    if not verdict:
        return verdict
    if not 200 <= status <= 299:
        return Verdict(False, f"preflight status {status} is not ok (200-299)")
    methods = _extract_list(headers, "Access-Control-Allow-Methods")
    names = _extract_list(headers, "Access-Control-Allow-Headers")
    if isinstance(methods, _Failure) or isinstance(names, _Failure):
        return Verdict(False, "Access-Control-Allow-Methods or -Headers has an item that is not a token")
    if methods is None and req.use_cors_preflight_flag:
        methods = [req.method]
    methods = methods or []
    names = names or []
    if req.method not in methods and req.method not in SAFELISTED_METHODS and (req.credentials or "*" not in methods):
        return Verdict(False, f"method {req.method!r} is not in Access-Control-Allow-Methods")
    lower = {n.lower() for n in names}
    if (
        strict_authorization
        and any(n.lower() == NON_WILDCARD_REQUEST_HEADER for n, _ in req.headers)
        and NON_WILDCARD_REQUEST_HEADER not in lower
    ):
        return Verdict(False, "Authorization must be listed in Access-Control-Allow-Headers ('*' does not cover it)")
    for name in unsafe_request_header_names(req.headers):
        if name not in lower and (req.credentials or "*" not in lower):
            return Verdict(False, f"request header {name!r} is not in Access-Control-Allow-Headers")
    if req.private_network and _get(headers, "Access-Control-Allow-Private-Network") != "true":
        return Verdict(False, "Access-Control-Allow-Private-Network is not 'true'")
    return _OK


def check_actual(req: BrowserRequest, status: int, headers: Headers) -> Verdict:
    """Whether the script may read the actual response (a redirect must pass the same check)."""
    if status in (304, 407):
        return _OK
    return cors_check(req.prepared(), headers)


def preflight_max_age(headers: Headers, cap: int | None = 7200) -> int:
    """How long a browser caches a successful preflight (5 s when absent or invalid), at most *cap* seconds.

    The default cap is Chromium's; ``cap=None`` is the Standard's (no cap of its own).
    """
    fields = [v.strip(" \t") for n, v in headers if n.lower() == "access-control-max-age"]
    if len(fields) != 1 or not fields[0].isdigit() or not fields[0].isascii():
        return 5
    return int(fields[0]) if cap is None else min(int(fields[0]), cap)


@dataclass(frozen=True)
class EngineProfile:
    """Where a shipped browser engine departs from the Fetch Standard in ways a CORS server's answers meet.

    ``max_age_cap``: the most seconds the engine caches a preflight result (None: what Max-Age says).
    ``star_covers_authorization``: ``Access-Control-Allow-Headers: *`` lets ``Authorization`` through
    (the Standard says it must be listed by name).
    """

    name: str
    max_age_cap: int | None
    star_covers_authorization: bool


#: The Standard itself.
SPEC = EngineProfile("spec", None, False)
#: Chromium (Chrome, Edge, Opera): Max-Age capped at 2 hours.
CHROMIUM = EngineProfile("chromium", 7200, True)
#: Firefox: Max-Age capped at 24 hours (its pref network.cors_preflight.authorization_covered_by_wildcard
#: set to false makes it follow the Standard on Authorization).
FIREFOX = EngineProfile("firefox", 86400, True)
#: WebKit (Safari, every iOS browser): Max-Age capped at 10 minutes.
WEBKIT = EngineProfile("webkit", 600, True)

ENGINE_PROFILES: dict[str, EngineProfile] = {p.name: p for p in (SPEC, CHROMIUM, FIREFOX, WEBKIT)}
_ENGINE_ALIASES = {"chrome": "chromium", "edge": "chromium", "gecko": "firefox", "safari": "webkit"}


def engine_profile(engine: str | EngineProfile) -> EngineProfile:
    """The profile for *engine*: an :class:`EngineProfile`, or a name ('chromium', 'chrome', 'firefox', 'safari', ...)."""
    if isinstance(engine, EngineProfile):
        return engine
    key = _ENGINE_ALIASES.get(engine.lower(), engine.lower())
    if key not in ENGINE_PROFILES:
        known = ", ".join(sorted({*ENGINE_PROFILES, *_ENGINE_ALIASES}))
        raise ValueError(f"unknown engine {engine!r}: use one of {known}, or pass an EngineProfile")
    return ENGINE_PROFILES[key]


def _strict_authorization(given: bool | None, engine: str | EngineProfile | None) -> bool:
    """An explicit ``strict_authorization`` wins; else the engine's profile; else the Standard (strict)."""
    if given is not None:
        return given
    return engine is None or not engine_profile(engine).star_covers_authorization


def exposed_headers(req: BrowserRequest, headers: Headers) -> set[str]:
    """The response header names (lowercase) a script can read (Fetch "main fetch" step on ACEH)."""
    names = _extract_list(headers, "Access-Control-Expose-Headers")
    allowed: set[str] = set()
    if isinstance(names, list):
        if not req.credentials and "*" in names:
            allowed = {n.lower() for n, _ in headers}
        else:
            allowed = {n.lower() for n in names}
    return {
        n.lower()
        for n, _ in headers
        if n.lower() not in FORBIDDEN_RESPONSE_HEADERS and (n.lower() in SAFELISTED_RESPONSE_HEADERS or n.lower() in allowed)
    }


@dataclass(frozen=True)
class Outcome:
    """What a browser made of one cross-origin request against a policy (see :func:`simulate`)."""

    ok: bool
    preflight_sent: bool
    reason: str = ""
    exposed: frozenset[str] = field(default_factory=frozenset)
    max_age: int | None = None

    def __bool__(self) -> bool:
        return self.ok


def simulate(
    req: BrowserRequest,
    policy: object,
    response_headers: Iterable[tuple[str, str]] = (),
    strict_authorization: bool | None = None,
    engine: str | EngineProfile | None = None,
) -> Outcome:
    """Run *req* through ``decide()`` under *policy* (a Policy or PolicySet) the way a browser would.

    ``response_headers`` are what the application itself adds to the actual response; as the adapter
    contract says, any CORS header among them is replaced by the decision's.
    ``engine`` (a name such as ``"safari"`` or an :class:`EngineProfile`) applies that engine's
    departures from the Standard: its Max-Age cap and whether ``*`` covers ``Authorization``.
    Without it the model is the Standard's, with Chromium's Max-Age cap. ``strict_authorization``,
    when given, overrides the profile on ``Authorization``.
    """
    strict_authorization = _strict_authorization(strict_authorization, engine)
    cap = engine_profile(engine).max_age_cap if engine is not None else 7200
    from .decision import CORS_RESPONSE_HEADERS, RequestKind
    from .engine import decide
    from .request import RequestMeta

    req = req.prepared()
    pf_sent = needs_preflight(req)
    max_age = None
    if pf_sent:
        wire = dict(preflight_headers(req))
        d = decide(
            RequestMeta(
                "OPTIONS",
                req.path,
                req.origin,
                wire["Access-Control-Request-Method"],
                wire.get("Access-Control-Request-Headers"),
                wire.get("Access-Control-Request-Private-Network"),
                1,
            ),
            policy,  # type: ignore[arg-type]
        )
        if d.kind is not RequestKind.PREFLIGHT:
            return Outcome(False, True, "the server did not answer the preflight (no CORS policy for the path)")
        pf_headers = list(d.items())
        verdict = check_preflight(req, d.status or 200, pf_headers, strict_authorization)
        if not verdict:
            return Outcome(False, True, "preflight: " + verdict.reason)
        max_age = preflight_max_age(pf_headers, cap)
    d = decide(RequestMeta(req.method, req.path, req.origin, None, None, None, 1), policy)  # type: ignore[arg-type]
    owned = {n.lower() for n in CORS_RESPONSE_HEADERS}
    actual = [*((n, v) for n, v in response_headers if n.lower() not in owned), *d.items()]
    verdict = check_actual(req, 200, actual)
    if not verdict:
        return Outcome(False, pf_sent, verdict.reason, max_age=max_age)
    return Outcome(True, pf_sent, "", frozenset(exposed_headers(req, actual)), max_age)
