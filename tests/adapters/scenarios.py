"""The cross-adapter scenario table: the same policy and request must give the same CORS answer in every adapter.

Each scenario names a policy (``Policy`` keyword arguments), a request, what the application itself answers
(status and headers, for the requests that reach it), and the expected outcome written out by hand from
docs/cors-rules: the status, every CORS response header with its exact value (all others must be absent),
and the names in the one ``Vary`` field. ``test_scenarios.py`` runs the table through every adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cors_core import Policy, PolicySet

ORIGIN = "https://app.example"
OTHER = "https://evil.example"

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACMA = "Access-Control-Max-Age"
ACAPN = "Access-Control-Allow-Private-Network"

LISTED: dict[str, Any] = {"origins": [ORIGIN]}
API: dict[str, Any] = {
    "origins": [ORIGIN],
    "allow_methods": ["PUT", "PATCH", "DELETE"],
    "allow_headers": ["Content-Type", "X-Token"],
    "expose_headers": ["X-Total-Count"],
    "max_age": 600,
}
CREDENTIALED: dict[str, Any] = {**API, "allow_credentials": True}
ANY: dict[str, Any] = {"origins": "*"}
ANY_PUT: dict[str, Any] = {"origins": "*", "allow_methods": ["PUT"]}
STAR_HEADERS: dict[str, Any] = {"origins": [ORIGIN], "allow_headers": "*"}
API_METHODS = "PUT, PATCH, DELETE"  # Access-Control-Allow-Methods of API, in the configured order

PREFLIGHT_VARY = ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
STATIC_VARY = ("Access-Control-Request-Method", "Access-Control-Request-Headers")  # R31: no Vary: Origin when static


def preflight(method: str, headers: str | None = None, origin: str = ORIGIN, **extra: str) -> tuple[tuple[str, str], ...]:
    """Request headers of a browser preflight."""
    out = [("Origin", origin), ("Access-Control-Request-Method", method)]
    if headers is not None:
        out.append(("Access-Control-Request-Headers", headers))
    out += [(name.replace("_", "-"), value) for name, value in extra.items()]
    return tuple(out)


@dataclass(frozen=True)
class Scenario:
    """One row of the table."""

    id: str
    rules: str  # the rules of docs/cors-rules.md the row checks
    policy: dict[str, Any]
    method: str = "GET"
    path: str = "/resource"
    headers: tuple[tuple[str, str], ...] = ()
    app_status: int = 200
    app_headers: tuple[tuple[str, str], ...] = ()
    reaches_app: bool = True  # False: the CORS layer answers (a preflight) and the app must not run
    status: int | None = None  # expected status; None = the app's status
    cors: dict[str, str] = field(default_factory=dict)  # every CORS header expected, exact value
    vary: tuple[str, ...] = ()  # names in the single Vary field (order and case free); () = no Vary
    scope: str | None = None  # a PolicySet rule ("/api/*"): the policy covers only those paths

    def build_policy(self) -> Policy | PolicySet:
        """The cors_core policy every adapter is given for this row."""
        policy = Policy(**self.policy)
        return policy if self.scope is None else PolicySet({self.scope: policy})

    @property
    def expected_status(self) -> int:
        return self.app_status if self.status is None else self.status


def preflight_row(
    id: str,
    rules: str,
    policy: dict[str, Any],
    headers: tuple[tuple[str, str], ...],
    status: int,
    cors: dict[str, str] | None = None,
    vary: tuple[str, ...] = PREFLIGHT_VARY,
) -> Scenario:
    """A preflight row: OPTIONS, answered by the CORS layer without running the app."""
    return Scenario(id, rules, policy, "OPTIONS", headers=headers, reaches_app=False, status=status, cors=cors or {}, vary=vary)


SCENARIOS: list[Scenario] = [
    # --- actual requests -------------------------------------------------------------------------
    Scenario("actual-allowed", "R10 R30", LISTED, headers=(("Origin", ORIGIN),), cors={ACAO: ORIGIN}, vary=("Origin",)),
    Scenario("actual-refused", "R23 R30", LISTED, headers=(("Origin", OTHER),), vary=("Origin",)),
    Scenario("no-origin-dynamic", "R2 R30", LISTED, vary=("Origin",)),
    Scenario("no-origin-static", "R31", ANY, cors={ACAO: "*"}),
    Scenario("static-any-origin", "R31", ANY, headers=(("Origin", OTHER),), cors={ACAO: "*"}),
    Scenario(
        "credentials-and-expose",
        "R12 R28 R29",
        CREDENTIALED,
        method="POST",
        headers=(("Origin", ORIGIN),),
        cors={ACAO: ORIGIN, ACAC: "true", ACEH: "X-Total-Count"},
        vary=("Origin",),
    ),
    Scenario("origin-case-differs", "R5", LISTED, headers=(("Origin", "https://APP.example"),), vary=("Origin",)),
    Scenario("origin-default-port", "R5 R6", LISTED, headers=(("Origin", "https://app.example:443"),), vary=("Origin",)),
    Scenario("origin-list-form", "R7", LISTED, headers=(("Origin", f"{ORIGIN} {OTHER}"),), vary=("Origin",)),
    Scenario("origin-null-unlisted", "R9", LISTED, headers=(("Origin", "null"),), vary=("Origin",)),
    Scenario("origin-null-listed", "R9", {"origins": ["null"]}, headers=(("Origin", "null"),), cors={ACAO: "null"}, vary=("Origin",)),
    Scenario(
        "regex-full-match",
        "R8",
        {"origin_regexes": [r"https://[a-z]+\.app\.example"]},
        headers=(("Origin", "https://eu.app.example.evil.net"),),
        vary=("Origin",),
    ),
    Scenario(
        "regex-allowed",
        "R8 R10",
        {"origin_regexes": [r"https://[a-z]+\.app\.example"]},
        headers=(("Origin", "https://eu.app.example"),),
        cors={ACAO: "https://eu.app.example"},
        vary=("Origin",),
    ),
    Scenario(
        "options-without-request-method",
        "R1",
        API,
        method="OPTIONS",
        headers=(("Origin", ORIGIN),),
        cors={ACAO: ORIGIN, ACEH: "X-Total-Count"},
        vary=("Origin",),
    ),
    # --- every status the app gives ----------------------------------------------------------------
    Scenario(
        "redirect-302",
        "R27",
        CREDENTIALED,
        headers=(("Origin", ORIGIN),),
        app_status=302,
        app_headers=(("Location", "/elsewhere"),),
        cors={ACAO: ORIGIN, ACAC: "true", ACEH: "X-Total-Count"},
        vary=("Origin",),
    ),
    Scenario("not-found-404", "R27", LISTED, headers=(("Origin", ORIGIN),), app_status=404, cors={ACAO: ORIGIN}, vary=("Origin",)),
    Scenario("server-error-500", "R27", LISTED, headers=(("Origin", ORIGIN),), app_status=500, cors={ACAO: ORIGIN}, vary=("Origin",)),
    Scenario("unavailable-503-static", "R27 R31", ANY, headers=(("Origin", ORIGIN),), app_status=503, cors={ACAO: "*"}),
    # --- what the app set itself -------------------------------------------------------------------
    Scenario(
        "app-vary-merged",
        "R33",
        LISTED,
        headers=(("Origin", ORIGIN),),
        app_headers=(("Vary", "Accept-Encoding"),),
        cors={ACAO: ORIGIN},
        vary=("Accept-Encoding", "Origin"),
    ),
    Scenario(
        "app-vary-origin-deduplicated",
        "R33",
        LISTED,
        headers=(("Origin", ORIGIN),),
        app_headers=(("Vary", "Cookie, origin"),),
        cors={ACAO: ORIGIN},
        vary=("Cookie", "Origin"),
    ),
    Scenario(
        "app-vary-without-origin",
        "R30 R33",
        LISTED,
        app_headers=(("Vary", "Accept-Language"),),
        vary=("Accept-Language", "Origin"),
    ),
    Scenario(
        "app-acao-replaced",
        "R11",
        LISTED,
        headers=(("Origin", ORIGIN),),
        app_headers=((ACAO, "*"),),
        cors={ACAO: ORIGIN},
        vary=("Origin",),
    ),
    Scenario(
        "app-cors-removed-on-refusal",
        "R11 R23",
        LISTED,
        headers=(("Origin", OTHER),),
        app_headers=((ACAO, OTHER), (ACAC, "true")),
        vary=("Origin",),
    ),
    # --- preflights ---------------------------------------------------------------------------------
    preflight_row(
        "preflight-allowed",
        "R16 R17 R18 R21 R24 R32",
        API,
        preflight("PUT", "content-type,x-token"),
        200,
        {ACAO: ORIGIN, ACAM: API_METHODS, ACAH: "content-type, x-token", ACMA: "600"},
    ),
    preflight_row(
        "preflight-credentials",
        "R12 R25",
        CREDENTIALED,
        preflight("DELETE"),
        200,
        {ACAO: ORIGIN, ACAC: "true", ACAM: API_METHODS, ACMA: "600"},
    ),
    preflight_row("preflight-any-origin", "R14 R17", ANY_PUT, preflight("PUT", origin=OTHER), 200, {ACAO: "*", ACAM: "PUT"}, STATIC_VARY),
    preflight_row("preflight-origin-refused", "R23", API, preflight("PUT", origin=OTHER), 403),
    # R23 revised: the origin is allowed, a method or header is not: an ok answer listing only what is allowed, no Max-Age
    preflight_row("preflight-method-refused", "R18 R23", API, preflight("POST-IT"), 200, {ACAO: ORIGIN, ACAM: API_METHODS}),
    preflight_row("preflight-method-case-sensitive", "R18 R23", API, preflight("patch"), 200, {ACAO: ORIGIN, ACAM: API_METHODS}),
    preflight_row(
        "preflight-header-refused", "R21 R23", API, preflight("PUT", "x-token,x-other"), 200,
        {ACAO: ORIGIN, ACAM: API_METHODS, ACAH: "x-token"},
    ),
    preflight_row(
        "preflight-star-headers-not-authorization", "R21 R23", STAR_HEADERS, preflight("GET", "authorization,x-a"), 200,
        {ACAO: ORIGIN, ACAM: "GET, HEAD, POST", ACAH: "x-a"},
    ),
    preflight_row(
        "preflight-star-headers-echoed", "R14 R21", STAR_HEADERS, preflight("GET", "X-A, x-b"), 200, {ACAO: ORIGIN, ACAH: "X-A, x-b"}
    ),
    preflight_row("preflight-safelisted-method-unlisted", "R18", LISTED, preflight("POST"), 200, {ACAO: ORIGIN}),
    preflight_row(
        "preflight-private-network",
        "R26",
        {**LISTED, "allow_private_network": True},
        preflight("GET", access_control_request_private_network="true"),
        200,
        {ACAO: ORIGIN, ACAPN: "true"},
        (*PREFLIGHT_VARY, "Access-Control-Request-Private-Network"),
    ),
    preflight_row(
        "preflight-status-204",
        "R16",
        {**API, "preflight_status": 204},
        preflight("PATCH"),
        204,
        {ACAO: ORIGIN, ACAM: API_METHODS, ACMA: "600"},
    ),
    preflight_row(
        "preflight-too-many-headers", "R36", {**API, "allow_headers": "*", "max_request_headers": 2}, preflight("PUT", "x-a,x-b,x-c"), 403
    ),
    # --- path-scoped policies (PolicySet) ----------------------------------------------------------
    Scenario(
        "scoped-inside",
        "R10",
        LISTED,
        path="/api/items",
        headers=(("Origin", ORIGIN),),
        cors={ACAO: ORIGIN},
        vary=("Origin",),
        scope="/api/*",
    ),
    Scenario("scoped-outside-untouched", "scope", LISTED, path="/static/app.js", headers=(("Origin", ORIGIN),), scope="/api/*"),
    Scenario(
        "scoped-outside-preflight-reaches-app",
        "scope",
        API,
        "OPTIONS",
        path="/static/app.js",
        headers=preflight("PUT"),
        app_status=200,
        scope="/api/*",
    ),
    # The app routes /static/../api/x as it is (outside /api/*); normalised it is inside: they differ, so no CORS.
    Scenario("scoped-dot-segments-routed-raw", "scope", LISTED, path="/static/../api/x", headers=(("Origin", ORIGIN),), scope="/api/*"),
    Scenario(
        "scoped-dot-segments-agreeing",
        "scope",
        LISTED,
        path="/api/v1/../x",
        headers=(("Origin", ORIGIN),),
        cors={ACAO: ORIGIN},
        vary=("Origin",),
        scope="/api/*",
    ),
]
