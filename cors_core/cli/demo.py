"""``demo``: a page origin and an API origin on loopback, and a page that runs real cross-origin requests.

The API is wrapped by :class:`cors_wsgi.CORSMiddleware`. For each row of the matrix the page shows
what the browser allowed, what the oracle (:func:`cors_core.testing.simulate`) expected and what the
server decided and why. Everything binds to loopback only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import socket
import sys
import threading
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from types import FrameType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ..engine import decide
from ..paths import PolicySet
from ..policy import DEBUG_HEADER, Policy
from ..request import RequestMeta
from ..testing import BrowserRequest, simulate
from ._common import UsageError, policy_summary
from .advice import suggest_changes
from .terminal import Style, shown

WSGIApp = Callable[..., Iterable[bytes]]
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Row:
    """One request of the matrix, as a script writes it."""

    id: str
    title: str
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False

    def request(self, page_origin: str) -> BrowserRequest:
        return BrowserRequest(page_origin, self.method, self.headers, self.credentials, path=self.path)


ROWS = (
    Row("simple-get", "Simple GET", "/api/hello"),
    Row("simple-post", "Simple POST (text/plain, no preflight)", "/api/hello", "POST", (("Content-Type", "text/plain"),)),
    Row("json-put", "PUT with JSON (preflighted)", "/api/items/1", "PUT", (("Content-Type", "application/json"),)),
    Row("custom-header", "GET with a custom header (preflighted)", "/api/hello", "GET", (("X-Requested-With", "fetch"),)),
    Row("credentialed", "Credentialed GET (cookies)", "/api/me", credentials=True),
    Row("refused-method", "DELETE: method not allowed", "/api/items/1", "DELETE"),
    Row("refused-header", "Header X-Secret not allowed", "/api/hello", "GET", (("X-Secret", "1"),)),
    Row("public", "Public data, any origin", "/public/data"),
    Row("public-credentials", "Credentials to a '*' resource", "/public/data", credentials=True),
    Row("other-origin", "Resource for another origin only", "/partner/report"),
    Row("no-policy", "No CORS policy for the path", "/internal/status"),
)


def demo_policy(page_origin: str) -> PolicySet:
    """The built-in policy: the API for the page origin (with credentials), public data for anyone."""
    return PolicySet(
        [
            (
                "/api/*",
                Policy(
                    [page_origin],
                    allow_methods=["PUT", "PATCH"],
                    allow_headers=["Content-Type", "X-Requested-With"],
                    expose_headers=["X-Request-Id"],
                    allow_credentials=True,
                    max_age=600,
                    debug=True,
                ),
            ),
            ("/public/*", Policy("*", expose_headers=["X-Request-Id"], max_age=600)),
            ("/partner/*", Policy(["https://partner.example.com"], debug=True)),
        ]
    )


def api_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The application behind the middleware: answers every path with a little JSON."""
    counter = next(_ids)
    body = json.dumps(
        {
            "path": environ.get("PATH_INFO", "/"),
            "method": environ["REQUEST_METHOD"],
            "cookie_received": bool(environ.get("HTTP_COOKIE")),
        }
    ).encode()
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Request-Id", f"demo-{counter}"),
            ("X-Internal", "not exposed"),
        ],
    )
    return [body]


class _Counter:
    def __init__(self) -> None:
        self._n = 0
        self._lock = threading.Lock()

    def __next__(self) -> int:
        with self._lock:
            self._n += 1
            return self._n


_ids = _Counter()


class RequestLog:
    """What the API answered, per run and row, so the page (same origin as itself) can show the server's side."""

    def __init__(self, policy: Policy | PolicySet, out: Callable[[dict[str, Any]], None] | None = None) -> None:
        self._policy = policy
        self._entries: deque[dict[str, Any]] = deque(maxlen=2000)
        self._lock = threading.Lock()
        self._out = out

    def wrap(self, app: WSGIApp) -> WSGIApp:
        """A WSGI app that records the status and CORS headers *app* (the middleware) answered with."""

        def recorder(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                self._record(environ, status, headers)
                return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

            return app(environ, capture)

        return recorder

    def _record(self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]]) -> None:
        # As the middleware reads the request (PATH_INFO re-decoded as UTF-8), so that the same rule explains it.
        path = importlib.import_module("cors_wsgi.environ").decoded_path(environ)  # the adapter is loaded by now (_wsgi_middleware)
        meta = RequestMeta.from_cgi(environ, path)
        d = decide(meta, self._policy)
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        cors = [[n, v] for n, v in headers if n.lower().startswith("access-control-") or n.lower() in ("vary", DEBUG_HEADER.lower())]
        entry = {
            "run": query.get("run", [""])[0],
            "row": query.get("row", [""])[0],
            "method": meta.method,
            "path": meta.path,
            "origin": meta.origin,
            "status": int(status.split()[0]),
            "kind": d.kind.value,
            "reason": d.reason,
            "message": d.message,
            "fix": d.fix,
            "headers": cors,
        }
        with self._lock:
            self._entries.append(entry)
        if self._out is not None:
            self._out(entry)

    def for_run(self, run: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._entries if e["run"] == run]


def matrix(page_origin: str, api_origin: str, policy: Policy | PolicySet) -> dict[str, Any]:
    """The rows with what the oracle expects under *policy*, and the verified policy change for refused ones."""
    rows = []
    for row in ROWS:
        req = row.request(page_origin)
        outcome = simulate(req, policy, strict_authorization=False)
        entry: dict[str, Any] = {
            "id": row.id,
            "title": row.title,
            "path": row.path,
            "method": row.method,
            "headers": dict(row.headers),
            "credentials": row.credentials,
            "preflight": outcome.preflight_sent,
            "expected": "allowed" if outcome.ok else "blocked",
            "expected_reason": outcome.reason,
        }
        if not outcome.ok:
            sug = suggest_changes(req, policy)
            entry["fix"] = sug.lines() if sug.works else []
            entry["fix_note"] = sug.note
        rows.append(entry)
    return {"page": page_origin, "api": api_origin, "rows": rows}


def page_app(state: dict[str, Any], log: RequestLog) -> WSGIApp:
    """The page origin: the HTML page, the matrix and the API's request log (all same-origin for the page)."""
    from ._demo_page import PAGE

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path == "/":
            body, ctype = PAGE.encode(), "text/html; charset=utf-8"
        elif path == "/matrix.json":
            body, ctype = json.dumps(state["matrix"]).encode(), "application/json"
        elif path == "/log.json":
            run = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("run", [""])[0]
            body, ctype = json.dumps(log.for_run(run)).encode(), "application/json"
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
        return [body]

    return app


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _V6Server(_Server):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(host: str, port: int, app: WSGIApp) -> WSGIServer:
    bind = "127.0.0.1" if host == "localhost" else host
    cls = _V6Server if ":" in bind else _Server
    return make_server(bind, port, app, server_class=cls, handler_class=_QuietHandler)


def _origin(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _wsgi_middleware() -> Any:
    """cors_wsgi.CORSMiddleware, imported only now: the core never imports an adapter at import time.

    In a source checkout that is not installed, the adapter is found in the sibling ``adapters/``
    directory, so ``python -m cors_core demo`` works straight from a fresh clone.
    """
    try:
        return importlib.import_module("cors_wsgi").CORSMiddleware
    except ImportError:
        adapters = Path(__file__).resolve().parents[2] / "adapters"
        if not (adapters / "cors_wsgi" / "__init__.py").is_file():
            raise
        sys.path.append(str(adapters))
        return importlib.import_module("cors_wsgi").CORSMiddleware


def _json_line(entry: dict[str, Any]) -> None:
    print(json.dumps(entry), flush=True)


def _log_line(s: Style) -> Callable[[dict[str, Any]], None]:
    """One coloured line per API request: method, path, status, the decision and why."""

    def out(e: dict[str, Any]) -> None:
        reason = e["reason"]
        painted = s.ok(reason) if reason == "allowed" else (s.dim(reason) if e["kind"] in ("not-cors", "out-of-scope") else s.bad(reason))
        print(f"  {shown(e['method'], 20):7} {shown(e['path'], 80):18} -> {e['status']}  {painted}: {e['message']}", flush=True)

    return out


def _announce(args: argparse.Namespace, s: Style, page: str, api: str, policy: Policy | PolicySet, builtin: bool) -> None:
    if args.json:
        print(json.dumps({"page": page + "/", "api": api + "/", "policy": policy_summary(policy)}), flush=True)
        return
    print(s.bold("cors-core demo") + ": real cross-origin requests through cors_wsgi.CORSMiddleware", flush=True)
    print(f"  page: {page}/   (open this; the requests come from this origin)")
    print(f"  API:  {api}/   (CORSMiddleware with the {'built-in demo' if builtin else 'given'} policy)")
    print(s.dim("  policy: " + policy_summary(policy).replace("\n", "\n  ")))
    print("Press Ctrl-C to stop.", flush=True)


#: The signals that stop the demo: Ctrl-C, ``kill``, and the terminal closing.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _wait_for_stop() -> None:
    """Block until Ctrl-C (SIGINT), SIGTERM or SIGHUP.

    The handlers are installed explicitly: a process started in the background by a shell, or by a CI
    runner, inherits SIGINT *ignored*, and Python then never raises KeyboardInterrupt, so the demo would
    otherwise run on after Ctrl-C or ``kill -INT``.
    """
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_demo(args: argparse.Namespace, user_policy: Policy | PolicySet | None, s: Style) -> int:
    """The ``demo`` command: serve until Ctrl-C (or SIGTERM/SIGHUP), then stop both servers and return 0."""
    if args.host not in _LOOPBACK:
        raise UsageError("the demo serves on loopback only (127.0.0.1, localhost or ::1)")
    try:
        middleware = _wsgi_middleware()
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"the demo needs the WSGI adapter (cors_wsgi.CORSMiddleware): {exc}") from exc

    emit = None if args.quiet else _json_line if args.json else _log_line(s)
    servers: list[WSGIServer] = []
    started = False
    try:
        try:
            api_server = _serve(args.host, args.api_port, api_app)
            servers.append(api_server)
            page_server = _serve(args.host, args.port, api_app)
            servers.append(page_server)
        except OSError as exc:
            hint = "choose other ports with --port/--api-port, or 0 for any free port"
            raise UsageError(f"cannot listen on {args.host} ({exc}); {hint}") from exc
        page_origin = _origin(args.host, page_server.server_port)
        api_origin = _origin(args.host, api_server.server_port)
        policy = user_policy if user_policy is not None else demo_policy(page_origin)
        log = RequestLog(policy, emit)
        api_server.set_app(log.wrap(middleware(api_app, policy)))
        page_server.set_app(page_app({"matrix": matrix(page_origin, api_origin, policy)}, log))
        for server in servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        started = True
        _announce(args, s, page_origin, api_origin, policy, user_policy is None)
        if not args.no_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(page_origin + "/",), daemon=True).start()
        _wait_for_stop()
    finally:
        for server in servers:
            if started:
                server.shutdown()
            server.server_close()
    if not args.json:
        print("\nstopped", flush=True)
    sys.stdout.flush()
    return 0
