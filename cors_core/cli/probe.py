"""``probe``: act as the browser against a running server and judge its answers with the oracle.

Sends the preflight a browser would send (when it would send one), then the actual request, and
evaluates each answer with :mod:`cors_core.testing`. Besides the browser's verdict it flags server
defects a browser does not refuse but caches suffer from (an echoed origin without ``Vary: Origin``).
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from ..policy import DEBUG_HEADER
from ..reasons import safe
from ..testing import BrowserRequest, Headers, Verdict, check_actual, check_preflight, exposed_headers, needs_preflight, preflight_headers
from ._common import UsageError, parse_header
from .terminal import Style, shown


@dataclass
class Step:
    """One request the browser sends, the answer, and what the browser makes of it."""

    name: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    ok: bool = False
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    readable: list[str] = field(default_factory=list)
    url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.name,
            "url": self.url,
            "request": {"method": self.method, "headers": dict(self.request_headers)},
            "status": self.status,
            "headers": [[n, v] for n, v in self.headers],
            "browser": "ok" if self.ok else "blocked",
            "reason": self.reason,
            "problems": self.problems,
            **({"readable_headers": self.readable} if self.name == "actual" and self.ok else {}),
        }


def _values(headers: Headers, name: str) -> list[str]:
    lower = name.lower()
    return [v.strip() for n, v in headers if n.lower() == lower]


def server_problems(req: BrowserRequest, headers: Headers) -> list[str]:
    """Defects of one CORS answer that matter beyond the browser's own check (caches, R11-R13, R30)."""
    problems: list[str] = []
    acao = _values(headers, "Access-Control-Allow-Origin")
    if len(acao) > 1:
        problems.append(f"{len(acao)} Access-Control-Allow-Origin fields: browsers join them and refuse (send exactly one) [R11]")
    if acao and acao[0] == "*" and req.credentials:
        problems.append(
            "Access-Control-Allow-Origin is '*' but the request is credentialed: browsers refuse it; "
            "echo the origin and send Access-Control-Allow-Credentials: true [R12]"
        )
    if acao and acao[0] not in ("*", "") and len(acao) == 1:
        vary = {v.strip().lower() for value in _values(headers, "Vary") for v in value.split(",")}
        if "origin" not in vary and "*" not in vary:
            problems.append(
                f"Access-Control-Allow-Origin echoes {safe(acao[0])} but Vary does not list Origin: a cache may serve this "
                "answer to another origin [R30]"
            )
    acac = _values(headers, "Access-Control-Allow-Credentials")
    if acac and acac != ["true"]:
        problems.append(f"Access-Control-Allow-Credentials is {safe(', '.join(acac))}; only the exact value 'true' counts [R13]")
    return problems


def _send(url: urllib.parse.SplitResult, method: str, headers: list[tuple[str, str]], timeout: float) -> tuple[int, list[tuple[str, str]]]:
    conn_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = conn_type(url.hostname or "", url.port, timeout=timeout)
    try:
        target = url.path or "/"
        if url.query:
            target += "?" + url.query
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        resp.read()
        return resp.status, resp.getheaders()
    finally:
        conn.close()


#: Redirect statuses a browser follows (Fetch "redirect status"), and the most it follows in a row.
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 20


def _origin_of(url: urllib.parse.SplitResult) -> tuple[str, str, int | None]:
    default = 443 if url.scheme == "https" else 80
    return url.scheme, (url.hostname or "").lower(), url.port or default


def _serialised(url: urllib.parse.SplitResult) -> str:
    scheme, host, port = _origin_of(url)
    bracketed = f"[{host}]" if ":" in host else host
    return f"{scheme}://{bracketed}" + ("" if port == (443 if scheme == "https" else 80) else f":{port}")


Hop = tuple[BrowserRequest, urllib.parse.SplitResult]


def _next_hop(req: BrowserRequest, current: urllib.parse.SplitResult, status: int, location: str) -> Hop | str:
    """The request a browser sends after a redirect (Fetch "HTTP-redirect fetch", cors-rules.md §2.7), or why it stops."""
    try:
        target = urllib.parse.urlsplit(urllib.parse.urljoin(current.geturl(), location.strip()))
        target.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return f"the redirect's Location {safe(location)} is not a valid URL"
    if target.scheme not in ("http", "https") or not target.hostname:
        return f"the redirect's Location {safe(location)} is not an http(s) URL"
    if target.username is not None or target.password is not None:
        return f"the redirect's Location {safe(location)} carries credentials (user:password@); a CORS fetch refuses it"
    method, headers = req.method, req.headers
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        method = "GET"  # the body and its headers are dropped
        headers = tuple((n, v) for n, v in headers if n.lower() not in _BODY_HEADERS)
    origin = req.origin
    if _origin_of(target) != _origin_of(current):
        headers = tuple((n, v) for n, v in headers if n.lower() != "authorization")
        if origin != _serialised(current):  # a hop from an origin other than the page's: tainted, the Origin becomes null
            origin = "null"
    return dataclasses.replace(req, origin=origin, method=method, headers=headers, path=target.path or "/"), target


_BODY_HEADERS = ("content-encoding", "content-language", "content-location", "content-type")


def probe(url: str, req: BrowserRequest, timeout: float = 10.0, cookie: str | None = None) -> tuple[list[Step], bool]:
    """Run the browser's requests for *req* against *url*, following redirects as a browser does.

    Returns the steps and whether the script can read the final answer. Each redirect must pass the
    CORS check itself; after a hop between two other origins the Origin is ``null`` (cors-rules.md
    §2.7); at most 20 redirects. Raises OSError when a server cannot be reached, ValueError for a URL
    that is not http(s).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    req = req.prepared()
    steps: list[Step] = []
    hops = 0
    first_origin = _origin_of(parts)
    while True:
        if needs_preflight(req):
            wire = preflight_headers(req)
            step = Step("preflight", "OPTIONS", wire, url=parts.geturl())
            step.status, step.headers = _send(parts, "OPTIONS", wire, timeout)
            if 300 <= step.status < 400:
                verdict = Verdict(False, f"the preflight was answered with a redirect ({step.status}); browsers never follow one [R16]")
            else:
                verdict = check_preflight(req, step.status, step.headers, strict_authorization=False)
            step.ok, step.reason = verdict.ok, verdict.reason
            step.problems = server_problems(req, step.headers)
            steps.append(step)
            if not step.ok:
                return steps, False
        sent = [("Origin", req.origin), *req.headers]
        if req.credentials and cookie and _origin_of(parts) == first_origin:  # the cookie given is the first server's
            sent.append(("Cookie", cookie))
        step = Step("actual", req.method, sent, url=parts.geturl())
        step.status, step.headers = _send(parts, req.method, sent, timeout)
        verdict = check_actual(req, step.status, step.headers)
        step.ok, step.reason = verdict.ok, verdict.reason
        step.problems = server_problems(req, step.headers)
        steps.append(step)
        location = _values(step.headers, "Location")
        if step.status not in REDIRECT_STATUSES or not location:
            if step.ok:
                step.readable = sorted(exposed_headers(req, step.headers))
            return steps, step.ok
        step.name = "redirect"
        if not step.ok:
            step.reason = f"the redirect ({step.status}) fails the CORS check, so the browser stops here [R27]: {step.reason}"
            return steps, False
        hops += 1
        if hops > MAX_REDIRECTS:
            step.ok, step.reason = False, f"more than {MAX_REDIRECTS} redirects: the browser gives up"
            return steps, False
        nxt = _next_hop(req, parts, step.status, location[0])
        if isinstance(nxt, str):
            step.ok, step.reason = False, nxt
            return steps, False
        req, parts = nxt
        tainted = " with Origin: null" if req.origin == "null" else ""
        step.reason = f"redirect ({step.status}) to {safe(parts.geturl())}, followed{tainted}"


def run_probe(args: argparse.Namespace, s: Style) -> int:
    """The ``probe`` command: exit 0 ok, 1 blocked, 2 unreachable or bad input, 3 allowed but with server defects."""
    req = BrowserRequest(
        origin=args.origin,
        method=args.method,
        headers=tuple(parse_header(h) for h in args.header),
        credentials=args.credentials,
        path=urllib.parse.urlsplit(args.url).path or "/",
    )
    try:
        steps, ok = probe(args.url, req, args.timeout, args.cookie)
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise UsageError(f"cannot reach {args.url}: {exc}") from exc
    problems = [p for step in steps for p in step.problems]
    status = 1 if not ok else (3 if problems else 0)
    if args.json:
        print(json.dumps({"url": args.url, "origin": args.origin, "allowed": ok, "steps": [st.as_dict() for st in steps]}, indent=2))
        return status
    print(s.dim(f"{req.method} {shown(args.url)} from origin {shown(req.origin)}" + (" with credentials" if req.credentials else "")))
    if steps[0].name == "actual":
        print(s.dim("no preflight: a browser sends this request directly (safelisted method and headers)"))
    for st in steps:
        print()
        where = f" {shown(st.url)}" if len(steps) > 2 or steps[0].name == "redirect" else ""
        print(f"{s.head(st.name)}: {shown(st.method)}{where} -> {st.status}")
        for name, value in st.request_headers:
            print(s.dim(f"  > {shown(name)}: {shown(value)}"))
        for name, value in st.headers:
            if name.lower().startswith("access-control-") or name.lower() in ("vary", "location", DEBUG_HEADER.lower()):
                print(f"  < {shown(name)}: {shown(value)}")
        print("  browser: " + (s.ok("ok") if st.ok else s.bad("blocked")) + (f" ({shown(st.reason)})" if st.reason else ""))
        for p in st.problems:
            print("  " + s.warn("problem: ") + shown(p))
        if st.readable:
            print(f"  the script can read: {shown(', '.join(st.readable))}")
    print()
    if not ok:
        print(s.bad("verdict: BLOCKED - the browser does not let the script read the response"))
        if steps[-1].name == "preflight":
            print(s.dim("(the actual request was not sent: a browser stops after a failed preflight)"))
    elif problems:
        print(s.warn(f"verdict: allowed, but the server has {len(problems)} problem(s) to fix"))
    else:
        print(s.ok("verdict: OK - the browser lets the script read the response"))
    return status
