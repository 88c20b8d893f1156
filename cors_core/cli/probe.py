"""``probe``: act as the browser against a running server and judge its answers with the oracle.

Sends the preflight a browser would send (when it would send one), then the actual request, and
evaluates each answer with :mod:`cors_core.testing`. Besides the browser's verdict it flags server
defects a browser does not refuse but caches suffer from (an echoed origin without ``Vary: Origin``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from ..reasons import safe
from ..testing import BrowserRequest, Headers, Verdict, check_actual, check_preflight, exposed_headers, needs_preflight, preflight_headers
from ._common import UsageError, parse_header
from .terminal import Style


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.name,
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


def probe(url: str, req: BrowserRequest, timeout: float = 10.0, cookie: str | None = None) -> tuple[list[Step], bool]:
    """Run the browser's requests for *req* against *url*; returns the steps and whether the script can read the answer.

    Raises OSError when the server cannot be reached, ValueError for a URL that is not http(s).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    req = req.prepared()
    steps: list[Step] = []
    if needs_preflight(req):
        wire = preflight_headers(req)
        step = Step("preflight", "OPTIONS", wire)
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
    if req.credentials and cookie:
        sent.append(("Cookie", cookie))
    step = Step("actual", req.method, sent)
    step.status, step.headers = _send(parts, req.method, sent, timeout)
    verdict = check_actual(req, step.status, step.headers)
    step.ok, step.reason = verdict.ok, verdict.reason
    if 300 <= step.status < 400 and verdict.ok:
        step.reason = f"redirect ({step.status}): the browser follows it and checks the next answer too; probe the Location"
    step.problems = server_problems(req, step.headers)
    if step.ok:
        step.readable = sorted(exposed_headers(req, step.headers))
    steps.append(step)
    return steps, step.ok


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
    print(s.dim(f"{req.method} {args.url} from origin {req.origin}" + (" with credentials" if req.credentials else "")))
    if steps[0].name == "actual":
        print(s.dim("no preflight: a browser sends this request directly (safelisted method and headers)"))
    for st in steps:
        print()
        print(f"{s.head(st.name)}: {st.method} -> {st.status}")
        for name, value in st.request_headers:
            print(s.dim(f"  > {name}: {value}"))
        for name, value in st.headers:
            if name.lower().startswith("access-control-") or name.lower() in ("vary", "x-cors-reason"):
                print(f"  < {name}: {value}")
        print("  browser: " + (s.ok("ok") if st.ok else s.bad("blocked")) + (f" ({st.reason})" if st.reason else ""))
        for p in st.problems:
            print("  " + s.warn("problem: ") + p)
        if st.readable:
            print(f"  the script can read: {', '.join(st.readable)}")
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
