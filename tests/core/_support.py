"""Small builders shared by the core tests: requests as a server sees them."""

from __future__ import annotations

from collections.abc import Callable

from cors_core import Decision, Policy, PolicySet, RequestMeta, decide

ORIGIN = "https://app.example.com"
OTHER = "https://evil.example.net"

#: Every Access-Control-Allow-* response header; none may appear on a refused preflight (R23).
ALLOW_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Private-Network",
)


def preflight(
    policy: Policy | PolicySet,
    origin: str | None = ORIGIN,
    method: str | None = "PUT",
    headers: str | None = None,
    *,
    path: str = "/",
    private_network: str | None = None,
    origin_count: int | None = 1,
) -> Decision:
    """decide() on OPTIONS with Origin and Access-Control-Request-Method (a preflight, R1)."""
    return decide(RequestMeta("OPTIONS", path, origin, method, headers, private_network, origin_count), policy)


def actual(
    policy: Policy | PolicySet,
    origin: str | None = ORIGIN,
    method: str = "GET",
    *,
    path: str = "/",
    origin_count: int | None = 1,
) -> Decision:
    """decide() on a request that is not a preflight."""
    return decide(RequestMeta(method, path, origin, None, None, None, origin_count), policy)


def allow_star_headers(d: Decision) -> list[str]:
    """The Access-Control-Allow-* headers present in *d*."""
    return [h for h in ALLOW_HEADERS if h in d]


def items(value: str) -> list[str]:
    """A comma-separated header value as its trimmed items."""
    return [v.strip() for v in value.split(",") if v.strip()]


def recording_check(seen: list[str], verdict: Callable[[str], bool] = lambda origin: True) -> Callable[[str], bool]:
    """An origin_check that records each origin it is asked about in *seen*, then answers *verdict*."""

    def check(origin: str) -> bool:
        seen.append(origin)
        return verdict(origin)

    return check
