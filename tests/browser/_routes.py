"""The API's routes, framework-free: each framework app in ``_apps`` dispatches to these handlers.

Every API path is ``/p/<policy>/<route>``; the policy part only selects the CORS policy (a PolicySet
prefix rule), so the same handlers serve every policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: Methods the ``data`` route accepts (frameworks upper-case ``patch`` before routing).
DATA_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")
#: Header the app adds to every answer and the policies expose.
EXPOSED = "X-Exposed"
#: Header the app adds to every answer and no policy exposes.
HIDDEN = "X-Hidden"
#: The route both redirect routes send the browser to.
REDIRECT_TARGET = "data"
#: Name of the session cookie set by ``login``.
COOKIE = "sid"


@dataclass(frozen=True)
class Incoming:
    """What a handler needs to know about a request (header names lower-case)."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Reply:
    """A handler's answer, turned into a framework response by the framework shim."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _echo(req: Incoming, status: int = 200, extra: tuple[tuple[str, str], ...] = ()) -> Reply:
    """A JSON echo of what the app received, plus one exposed and one hidden header."""
    seen = {
        "method": req.method,
        "path": req.path,
        "cookie": req.headers.get("cookie", ""),
        "authorization": req.headers.get("authorization", ""),
        "x-custom": req.headers.get("x-custom", ""),
    }
    headers = (("Content-Type", "application/json"), (EXPOSED, "shown"), (HIDDEN, "secret"), *extra)
    return Reply(status, headers, json.dumps(seen).encode())


def _secure(req: Incoming) -> Reply:
    """Stands in for an app behind authentication: 401 unless an Authorization header came."""
    if not req.headers.get("authorization"):
        return Reply(401, (("Content-Type", "text/plain"),), b"login required")
    return _echo(req)


def _login(req: Incoming) -> Reply:
    """Sets a host-only, SameSite=Lax session cookie."""
    return _echo(req, extra=(("Set-Cookie", f"{COOKIE}=s3cret; Path=/; HttpOnly; SameSite=Lax"),))


def _login_secure(req: Incoming) -> Reply:
    """Sets the same cookie with ``Secure``: allowed over http://localhost, which is a secure context."""
    return _echo(req, extra=(("Set-Cookie", f"{COOKIE}=s3cret; Path=/; HttpOnly; Secure; SameSite=Lax"),))


def _redirect(req: Incoming) -> Reply:
    """307 to ``data`` on the same origin, keeping the query (the test's token)."""
    target = req.path.rsplit("/", 1)[0] + f"/{REDIRECT_TARGET}" + (f"?{req.query}" if req.query else "")
    return Reply(307, (("Location", target), ("Content-Type", "text/plain")), b"moved")


def _redirect_away(req: Incoming) -> Reply:
    """307 to ``data`` on the API's other host name (127.0.0.1 <-> localhost): a cross-origin hop."""
    host, _, port = req.headers.get("host", "").partition(":")
    other = "localhost" if host == "127.0.0.1" else "127.0.0.1"
    target = f"http://{other}:{port}" + req.path.rsplit("/", 1)[0] + f"/{REDIRECT_TARGET}" + (f"?{req.query}" if req.query else "")
    return Reply(307, (("Location", target), ("Content-Type", "text/plain")), b"moved")


def _boom(req: Incoming) -> Reply:
    """A 500 the app returns on purpose."""
    return Reply(500, (("Content-Type", "text/plain"), (EXPOSED, "shown")), b"server error")


def _crash(req: Incoming) -> Reply:
    """A view that raises: the framework (or the WSGI adapter) turns it into a 500."""
    raise RuntimeError("deliberate failure for the browser tests")


@dataclass(frozen=True)
class Route:
    """One route: its name (last path segment), the methods it accepts, whether it answers OPTIONS."""

    name: str
    methods: tuple[str, ...]
    handler: Callable[[Incoming], Reply]


ROUTES: tuple[Route, ...] = (
    Route("data", DATA_METHODS, _echo),
    Route("getonly", ("GET", "HEAD"), _echo),
    Route("putonly", ("PUT",), _echo),
    Route("secure", ("GET", "PUT"), _secure),
    Route("login", ("GET", "POST"), _login),
    Route("login-secure", ("GET",), _login_secure),
    Route("whoami", ("GET",), _echo),
    Route("redirect", ("GET",), _redirect),
    Route("redirect-away", ("GET",), _redirect_away),
    Route("boom", ("GET",), _boom),
    Route("crash", ("GET",), _crash),
)
