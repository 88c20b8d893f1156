"""The browser cases, engine-neutral: policies, the calls a page's script makes, and what the Fetch Standard
says happens.

Each :class:`Call` states the Standard's outcome; the test checks it in every engine, against
``cors_core.testing.simulate`` (policy in, verdict out) and against the oracle's ``check_preflight``/
``check_actual`` run on the bytes our server really sent. Where an engine departs from the Standard, the
case names the :class:`Departure` and what that engine does instead; the case itself is never weakened.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cors_core import Policy, PolicySet

from ._routes import EXPOSED, HIDDEN


@dataclass(frozen=True)
class Departure:
    """A named, measured place where engines depart from the Fetch Standard, and what they do instead."""

    name: str
    engines: tuple[str, ...]  # the engines that depart (as measured by the cases that carry it)
    spec_says: str
    engines_do: str
    changes: Mapping[str, Any] = field(default_factory=dict)  # the Call fields that differ in those engines
    call: int = 1  # which call of the case (1-based)


#: Chromium, Firefox and WebKit let ``Access-Control-Allow-Headers: *`` cover Authorization (Fetch says it must
#: not); shown by the ``star-covers-authorization`` case. Their oracle profile (cors_core.testing) says the same.
STAR_COVERS_AUTHORIZATION = Departure(
    "star-covers-authorization", ("chromium", "firefox", "webkit"),
    "refused: '*' never covers Authorization (CORS non-wildcard request-header name)",
    "'*' covers Authorization: the request is sent and readable (Firefox warns in its console that this will end)",
    {"ok": True, "reached": True, "status": 200, "culprit": "star-authorization"},
)

#: WebKit does not store a ``Secure`` cookie set over http://localhost, although http://localhost is a secure
#: context; shown by the ``credentials-secure-cookie`` case.
NO_SECURE_COOKIE_OVER_HTTP_LOCALHOST = Departure(
    "no-secure-cookie-over-http-localhost", ("webkit",),
    "stored, then sent: http://localhost is a secure context (Secure Contexts 3.1), where RFC 6265bis lets a Secure cookie be set",
    "the Secure cookie is not stored, so the next credentialed call sends no cookie",
    {"body_has": '"cookie": ""'}, call=2,
)

#: Chromium and Firefox skip the CORS-preflight cache for a fetch() whose cache mode is ``no-store`` or ``reload``
#: (Fetch consults it whatever the HTTP cache mode); WebKit does not. Shown by ``preflight-cache-no-store``.
CACHE_MODE_SKIPS_PREFLIGHT_CACHE = Departure(
    "cache-mode-skips-preflight-cache", ("chromium", "firefox"),
    "no preflight: the CORS-preflight cache is consulted whatever the request's cache mode",
    "a fetch() with cache 'no-store' or 'reload' sends the preflight again",
    {"preflight": True}, call=2,
)
#: The fetch() cache modes those engines skip the preflight cache for.
PREFLIGHT_CACHE_SKIPPING_MODES = ("no-store", "reload")

#: What a refusal can be blamed on: the first check of the engine's (Fetch CORS check, then CORS-preflight
#: fetch step 7) that fails. R23 revised: an allowed origin's refused method or header gets an ok preflight
#: answer with ACAO and the allowed names, so the engines blame the method or header, not the origin.
CULPRITS = {
    "origin": "no Access-Control-Allow-Origin header for the page's origin",
    "credentials": "credentialed request, no Access-Control-Allow-Credentials: true",
    "star-with-credentials": "credentialed request answered Access-Control-Allow-Origin: *",
    "method": "the method is not in Access-Control-Allow-Methods",
    "header": "a request header is not in Access-Control-Allow-Headers",
}

#: What each engine prints to its console, by culprit (a :class:`Call`'s ``culprit``: a key of CULPRITS, or a
#: departure's warning). Regular expressions, searched in each console message printed during the call; ``{name}``
#: stands for the call's ``culprit_name`` (the method or header). An engine that exposes no console (WebKit's
#: automation: none) is checked on the outcome only.
CONSOLE: dict[str, dict[str, str]] = {
    "chromium": {  # "Access to fetch at ... from origin ... has been blocked by CORS policy: <one of these>"
        "origin": r"blocked by CORS policy: .*No 'Access-Control-Allow-Origin' header is present on the requested resource",
        "credentials": r"blocked by CORS policy: .*The value of the 'Access-Control-Allow-Credentials' header in the response "
                       r"is '' which must be 'true'",
        "star-with-credentials": r"blocked by CORS policy: .*The value of the 'Access-Control-Allow-Origin' header in the "
                                 r"response must not be the wildcard '\*'",
        "method": r"blocked by CORS policy: Method {name} is not allowed by Access-Control-Allow-Methods in preflight response",
        "header": r"blocked by CORS policy: Request header field {name} is not allowed by Access-Control-Allow-Headers in "
                  r"preflight response",
    },
    "firefox": {
        "origin": r"^Cross-Origin Request Blocked: .*\(Reason: CORS header ‘Access-Control-Allow-Origin’ missing\)",
        "credentials": r"^Cross-Origin Request Blocked: .*\(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’",
        "star-with-credentials": r"^Cross-Origin Request Blocked: .*\(Reason: Credential is not supported if the CORS header "
                                 r"‘Access-Control-Allow-Origin’ is ‘\*’",
        "method": r"^Cross-Origin Request Blocked: .*\(Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’",
        "header": r"^Cross-Origin Request Blocked: .*\(Reason: header ‘{name}’ is not allowed according to header "
                  r"‘Access-Control-Allow-Headers’ from CORS preflight response",
        "star-authorization": r"^Cross-Origin Request Warning: .*When the `Access-Control-Allow-Headers` is `\*`, the `Authorization`",
    },
    "webkit": {},
}
#: What marks a console message as the engine's CORS refusal (other messages, e.g. net::ERR_FAILED, are not one):
#: a call that worked must leave none, a refused call's must all blame its culprit.
CONSOLE_MARK = {"chromium": "blocked by CORS policy", "firefox": "Cross-Origin Request Blocked"}
#: Refusals that blame nothing, so they cannot blame the wrong thing: after a failed preflight, Firefox also
#: reports that the request it did not send "did not succeed".
CONSOLE_NO_CULPRIT = {"firefox": re.compile(r"\(Reason: CORS request did not succeed\)\. Status code: \(null\)")}

#: Policies by name; ``{page}`` and ``{app}`` are filled in with the live origins. API paths are
#: ``/p/<name>/<route>``; the name ``raw`` means the hand-written probe at ``/raw/<route>``.
POLICIES: dict[str, dict[str, Any]] = {
    "basic": {
        "origins": ["{page}"],
        "allow_methods": ["PUT", "DELETE", "PATCH"],
        "allow_headers": ["Content-Type", "X-Custom", "Authorization"],
        "expose_headers": [EXPOSED],
    },
    "putonly": {"origins": ["{page}"], "allow_methods": ["PUT"]},
    "lower": {"origins": ["{page}"], "allow_methods": ["patch"]},
    "any": {"origins": "*", "expose_headers": [EXPOSED]},
    "creds": {"origins": ["{page}"], "allow_credentials": True, "allow_methods": ["PUT"], "expose_headers": [EXPOSED]},
    "exposeall": {"origins": ["{page}"], "expose_headers": ["*"]},
    "star": {"origins": ["{page}"], "allow_headers": ["*"]},
    "starauth": {"origins": ["{page}"], "allow_headers": ["*", "Authorization"]},
    "cache600": {"origins": ["{page}"], "allow_methods": ["PUT"], "max_age": 600},
    "cache0": {"origins": ["{page}"], "allow_methods": ["PUT"], "max_age": 0},
    "null": {"origins": ["null"], "allow_methods": ["PUT"]},
    "pagenull": {"origins": ["{page}", "null"]},
    "sub": {"origins": ["{app}"]},
}

#: Where the page that runs the script is loaded from ({p1}: page server, {p3}: look-alike server).
PAGES: dict[str, str] = {
    "page": "http://localhost:{p1}/",
    "other-port": "http://localhost:{p3}/",
    "other-host": "http://127.0.0.1:{p1}/",
    "app": "http://app.localhost:{p1}/",
    "app-suffix": "http://evilapp.localhost:{p1}/",
    "app-prefix": "http://app.localhost.localhost:{p1}/",
    "sandbox": "http://localhost:{p1}/sandbox",
}


@dataclass(frozen=True)
class Ports:
    """The live ports: page server, API server, look-alike page server."""

    page: int
    api: int
    lookalike: int

    def fill(self, text: str) -> str:
        return text.format(p1=self.page, p2=self.api, p3=self.lookalike, page=f"http://localhost:{self.page}",
                           app=f"http://app.localhost:{self.page}")


def build_policies(ports: Ports) -> PolicySet:
    """One PolicySet for every case: ``/p/<name>/*`` -> POLICIES[name]; ``/raw/*`` has no policy."""

    def filled(value: Any) -> Any:
        if isinstance(value, str):
            return ports.fill(value)
        if isinstance(value, list):
            return [filled(v) for v in value]
        return value

    rules = {f"/p/{name}/*": Policy(**{k: filled(v) for k, v in kwargs.items()}) for name, kwargs in POLICIES.items()}
    return PolicySet(rules)


@dataclass(frozen=True)
class Call:
    """One ``fetch()``/XHR by the page's script and what must happen (Fetch Standard unless noted)."""

    method: str = "GET"
    route: str = "data"
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    credentials: bool = False
    api: str = "ip"  # "ip": http://127.0.0.1:<p2> (cross-site), "name": http://localhost:<p2> (same-site)
    via: str = "fetch"  # or "xhr"
    ok: bool = True  # the script can read the response
    preflight: bool = False  # a preflight went on the wire before the request
    reached: bool = True  # the actual request reached the application's view
    status: int | None = 200  # status the script sees (when ok)
    visible: tuple[str, ...] = ()  # response header names the script can read
    hidden: tuple[str, ...] = ()  # response header names the script cannot read
    body_has: str = ""  # text the script must find in the body
    origin_after_redirect: str = ""  # the Origin sent after a cross-origin redirect ("null"), if one happens
    cache: str = "default"  # fetch()'s cache mode (RequestInit.cache)
    culprit: str = ""  # when refused: what the console blames, a key of CULPRITS (or a departure's warning)
    culprit_name: str = ""  # the method or header name the console names, for "method" and "header"

    def wire_headers(self) -> tuple[tuple[str, str], ...]:
        """The request headers as the browser sends them (a string body implies text/plain)."""
        if self.body is not None and not any(n.lower() == "content-type" for n, _ in self.headers):
            return (*self.headers, ("Content-Type", "text/plain;charset=UTF-8"))
        return self.headers


@dataclass(frozen=True)
class Case:
    """A scenario: a policy, where the page comes from, and the script's calls in order."""

    id: str
    title: str
    rule: str
    policy: str
    calls: tuple[Call, ...]
    page: str = "page"
    departures: tuple[Departure, ...] = ()  # where engines depart from the Standard in this case
    reuse_url: bool = False  # all calls hit the same URL (the preflight cache is keyed by URL)

    def departures_in(self, engine: str) -> tuple[Departure, ...]:
        return tuple(d for d in self.departures if engine in d.engines)

    def calls_in(self, engine: str) -> tuple[Call, ...]:
        """The calls with what *engine* does where it departs from the Standard."""
        calls = list(self.calls)
        for d in self.departures_in(engine):
            calls[d.call - 1] = dataclasses.replace(calls[d.call - 1], **d.changes)
        return tuple(calls)


def console_pattern(engine: str, call: Call) -> re.Pattern[str] | None:
    """The console text *engine* must print for *call*, if the engine exposes it and the call has a culprit."""
    wording = CONSOLE.get(engine, {}).get(call.culprit) if call.culprit else None
    return re.compile(wording.replace("{name}", re.escape(call.culprit_name))) if wording else None


_JSON = (("Content-Type", "application/json"),)
_CUSTOM = (("X-Custom", "hello"),)
_AUTH = (("Authorization", "Bearer t0ken"),)


def _refused(culprit: str, name: str = "") -> dict[str, Any]:
    """The call fails, and the console must blame *culprit* (and name *name*, for a method or header)."""
    return {"ok": False, "status": None, "culprit": culprit, "culprit_name": name}


_BY_ORIGIN = _refused("origin")

CASES: tuple[Case, ...] = (
    # Simple requests: no preflight; a refusal only hides the answer, the app still ran (R37).
    Case("simple-get", "simple GET from a listed origin", "R10, R28", "basic",
         (Call(visible=("content-type", EXPOSED.lower()), hidden=(HIDDEN.lower(),), body_has='"method": "GET"'),)),
    Case("simple-get-refused", "simple GET from an unlisted origin", "R23, R37", "basic", (Call(**_BY_ORIGIN),), page="other-port"),
    Case("simple-head", "simple HEAD from a listed origin", "R10", "basic", (Call(method="HEAD"),)),
    Case("simple-head-refused", "simple HEAD from an unlisted origin", "R23", "basic", (Call(method="HEAD", **_BY_ORIGIN),),
         page="other-port"),
    Case("simple-post", "text/plain POST: no preflight", "R37", "basic", (Call(method="POST", body="x=1", body_has='"POST"'),)),
    Case("simple-post-refused", "text/plain POST from an unlisted origin still reaches the app", "R37", "basic",
         (Call(method="POST", body="x=1", **_BY_ORIGIN),), page="other-port"),
    # Preflighted requests.
    Case("json-post", "JSON POST: preflight, Content-Type allowed", "R21, R22", "basic",
         (Call(method="POST", body="{}", headers=_JSON, preflight=True),)),
    Case("json-post-refused", "JSON POST: Content-Type not allowed, app never called", "R21, R23", "putonly",
         (Call(method="POST", body="{}", headers=_JSON, preflight=True, reached=False, **_refused("header", "content-type")),)),
    Case("custom-header", "custom request header allowed", "R21", "basic",
         (Call(headers=_CUSTOM, preflight=True, body_has='"x-custom": "hello"'),)),
    Case("custom-header-refused", "custom request header not allowed", "R21, R23", "putonly",
         (Call(headers=_CUSTOM, preflight=True, reached=False, **_refused("header", "x-custom")),)),
    Case("put", "PUT allowed", "R18", "basic", (Call(method="PUT", body="x", preflight=True),)),
    Case("delete", "DELETE allowed", "R18", "basic", (Call(method="DELETE", preflight=True),)),
    Case("patch", "PATCH allowed", "R18", "basic", (Call(method="PATCH", body="x", preflight=True),)),
    Case("delete-refused", "DELETE not in allow_methods", "R18, R23", "putonly",
         (Call(method="DELETE", preflight=True, reached=False, **_refused("method", "DELETE")),)),
    Case("put-lowercase", "fetch method 'put' is normalised to PUT", "R18; Fetch 'normalize a method'", "putonly",
         (Call(method="put", body="x", preflight=True, body_has='"PUT"'),)),
    Case("patch-lowercase-refused", "fetch method 'patch' stays lower-case; PATCH does not match it", "R18", "basic",
         (Call(method="patch", body="x", preflight=True, reached=False, **_refused("method", "patch")),)),
    Case("patch-lowercase-listed", "'patch' listed verbatim is allowed (frameworks then upper-case it)", "R18", "lower",
         (Call(method="patch", body="x", preflight=True, body_has='"PATCH"'),)),
    # Credentials.
    Case("credentials-cookie", "credentials with an exact origin: cookie set, then sent (same-site, other port)", "R12", "creds",
         (Call(route="login", credentials=True, api="name", hidden=("set-cookie",), visible=(EXPOSED.lower(),)),
          Call(route="whoami", credentials=True, api="name", body_has="sid=s3cret"))),
    Case("credentials-secure-cookie", "credentials, same-site API: a Secure cookie set over http://localhost, then sent",
         "R12; RFC 6265bis Secure", "creds",
         (Call(route="login-secure", credentials=True, api="name", hidden=("set-cookie",)),
          Call(route="whoami", credentials=True, api="name", body_has="sid=s3cret")),
         departures=(NO_SECURE_COOKIE_OVER_HTTP_LOCALHOST,)),
    Case("credentials-xhr", "XHR withCredentials with an exact origin", "R12", "creds",
         (Call(route="whoami", credentials=True, api="name", via="xhr"),)),
    Case("credentials-preflight", "credentialed PUT: preflight carries Allow-Credentials too", "R12, R14", "creds",
         (Call(method="PUT", body="x", credentials=True, api="name", preflight=True),)),
    Case("credentials-cross-site", "credentials to the cross-site API name: CORS allows reading, but the SameSite=Lax "
         "cookie is neither stored nor sent", "R12; RFC 6265bis SameSite", "creds",
         (Call(route="login", credentials=True), Call(route="whoami", credentials=True, body_has='"cookie": ""'))),
    Case("credentials-header-refused", "credentialed fetch from a listed origin with a header the policy lacks: the console "
         "names the header, not the credentials", "R12, R21, R23", "creds",
         (Call(credentials=True, api="name", headers=_CUSTOM, preflight=True, reached=False, **_refused("header", "x-custom")),)),
    Case("credentials-method-refused", "credentialed DELETE from a listed origin, only PUT allowed: the console names DELETE",
         "R12, R18, R23", "creds",
         (Call(method="DELETE", credentials=True, api="name", preflight=True, reached=False, **_refused("method", "DELETE")),)),
    Case("credentials-not-allowed", "credentialed fetch, policy without allow_credentials", "R12, R13", "basic",
         (Call(credentials=True, **_refused("credentials")),)),
    Case("credentials-any-origin", "credentialed fetch against an any-origin ('*') policy", "R13, R14", "any",
         (Call(credentials=True, **_refused("star-with-credentials")),)),
    Case("any-origin", "non-credentialed fetch against an any-origin ('*') policy", "R11", "any",
         (Call(visible=(EXPOSED.lower(),), hidden=(HIDDEN.lower(),)),)),
    # Exposed headers.
    Case("expose-xhr", "XHR sees exposed but not hidden headers", "R28", "basic",
         (Call(via="xhr", visible=("content-type", EXPOSED.lower()), hidden=(HIDDEN.lower(),)),)),
    Case("xhr-refused", "XHR from an unlisted origin fails like fetch()", "R23", "basic", (Call(via="xhr", **_BY_ORIGIN),),
         page="other-port"),
    Case("expose-all", "expose_headers '*' without credentials exposes every header", "R28", "exposeall",
         (Call(visible=(EXPOSED.lower(), HIDDEN.lower())),)),
    # Allow-Headers '*' and Authorization.
    Case("star-custom-header", "allow_headers '*' covers a custom header", "R21", "star", (Call(headers=_CUSTOM, preflight=True),)),
    Case("star-authorization-refused", "allow_headers '*' does not cover Authorization (our server refuses)", "R21", "star",
         (Call(headers=_AUTH, preflight=True, reached=False, **_refused("header", "authorization")),)),
    Case("star-authorization-listed", "allow_headers '*' plus Authorization listed", "R21", "starauth",
         (Call(headers=_AUTH, preflight=True, body_has="Bearer t0ken"),)),
    Case("star-covers-authorization", "hand-written preflight answer 'Allow-Headers: *', script sends Authorization",
         "R21; Fetch CORS-preflight fetch 7.7", "raw",
         (Call(route="star", headers=_AUTH, preflight=True, reached=False, **_refused("header", "authorization")),),
         departures=(STAR_COVERS_AUTHORIZATION,)),
    # Preflight cache.
    Case("preflight-cache", "max_age 600: the second PUT sends no preflight", "R24", "cache600",
         (Call(method="PUT", body="x", preflight=True), Call(method="PUT", body="x")), reuse_url=True),
    Case("preflight-cache-no-store", "max_age 600, then a PUT with fetch() cache mode 'no-store'", "R24; Fetch HTTP fetch 4.1",
         "cache600", (Call(method="PUT", body="x", preflight=True), Call(method="PUT", body="x", cache="no-store")),
         reuse_url=True, departures=(CACHE_MODE_SKIPS_PREFLIGHT_CACHE,)),
    Case("preflight-cache-zero", "max_age 0: every PUT is preflighted", "R24", "cache0",
         (Call(method="PUT", body="x", preflight=True), Call(method="PUT", body="x", preflight=True)), reuse_url=True),
    # Look-alike origins.
    Case("lookalike-port", "listed host, other port", "R5, R8", "basic", (Call(method="PUT", preflight=True, reached=False, **_BY_ORIGIN),),
         page="other-port"),
    Case("lookalike-host", "127.0.0.1 page while localhost is listed", "R5", "basic", (Call(**_BY_ORIGIN),), page="other-host"),
    Case("subdomain-listed", "http://app.localhost listed and used", "R5", "sub", (Call(),), page="app"),
    Case("lookalike-suffix", "evilapp.localhost while app.localhost is listed", "R8", "sub", (Call(**_BY_ORIGIN),), page="app-suffix"),
    Case("lookalike-prefix", "app.localhost.localhost while app.localhost is listed", "R8", "sub", (Call(**_BY_ORIGIN),),
         page="app-prefix"),
    # The null origin.
    Case("null-listed", "sandboxed iframe (Origin: null), 'null' listed", "R9", "null",
         (Call(), Call(method="PUT", body="x", preflight=True)), page="sandbox"),
    Case("null-not-listed", "sandboxed iframe (Origin: null), 'null' not listed", "R9", "basic",
         (Call(**_BY_ORIGIN), Call(method="PUT", body="x", preflight=True, reached=False, **_BY_ORIGIN)), page="sandbox"),
    # Redirects, errors, preflights the app would have mishandled.
    Case("redirect", "307 with CORS headers to the same API origin is followed", "R27", "basic",
         (Call(route="redirect", body_has="/data"),)),
    Case("redirect-cross-origin", "307 to the API's other host name: the next request carries Origin: null",
         "R9, R27; Fetch redirect-taint", "basic", (Call(route="redirect-away", origin_after_redirect="null", **_BY_ORIGIN),)),
    Case("redirect-cross-origin-null-listed", "the same redirect passes when 'null' is listed (so any site's redirect would)",
         "R9, R27", "pagenull", (Call(route="redirect-away", origin_after_redirect="null", body_has="/data"),)),
    Case("status-404", "404 is readable", "R27", "basic", (Call(route="nowhere", status=404),)),
    Case("status-405", "405 from the framework is readable", "R27", "basic", (Call(method="POST", route="getonly", body="x", status=405),)),
    Case("status-500", "500 is readable", "R27", "basic", (Call(route="boom", status=500, visible=(EXPOSED.lower(),)),)),
    Case("status-500-raised", "a view that raises: the framework's 500 still carries CORS headers", "R27", "basic",
         (Call(route="crash", status=500),)),
    Case("preflight-no-options-route", "preflight to a route without an OPTIONS handler", "R16", "basic",
         (Call(method="PUT", route="putonly", body="x", preflight=True),)),
    Case("preflight-before-auth", "preflight answered (ok status) although the app needs Authorization", "R16", "basic",
         (Call(route="secure", headers=_AUTH, preflight=True, body_has="Bearer t0ken"),
          Call(method="PUT", route="secure", body="x", preflight=True, status=401))),
)
