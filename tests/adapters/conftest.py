"""Shared fixtures for the adapter tests: a real WSGI server on loopback and a raw HTTP client for it."""

from __future__ import annotations

import http.client
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO
from wsgiref.simple_server import WSGIRequestHandler
from wsgiref.simple_server import make_server as make_wsgiref_server

import pytest
from werkzeug.serving import make_server as make_werkzeug_server

LOOPBACK = "127.0.0.1"  # the only address these tests ever use


class _QuietWsgirefHandler(WSGIRequestHandler):
    """wsgiref's handler without the access log; wsgi.errors (where it logs app exceptions) goes to ``errors``."""

    errors: TextIO = sys.stderr

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def get_stderr(self) -> TextIO:
        return self.errors


@dataclass
class HttpResponse:
    """What came back over the socket: status, reason, every header field in order, body."""

    status: int
    reason: str
    fields: list[tuple[str, str]]
    body: bytes
    extra: dict[str, Any] = field(default_factory=dict)

    def getlist(self, name: str) -> list[str]:
        """All values of the header fields named *name* (case-insensitive), one per field line."""
        wanted = name.lower()
        return [value for key, value in self.fields if key.lower() == wanted]

    def get(self, name: str) -> str | None:
        values = self.getlist(name)
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        return values[0] if values else None


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll *predicate* until true: servers log an app's exception after the response went out."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def http_request(
    port: int,
    method: str,
    path: str,
    headers: list[tuple[str, str]] | None = None,
    on_response: Callable[[http.client.HTTPResponse], bytes] | None = None,
) -> HttpResponse:
    """Send one request to 127.0.0.1:*port* with exactly the given header lines (repeats and odd names kept)."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers or []:
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = on_response(response) if on_response else response.read()
        return HttpResponse(response.status, response.reason, list(response.getheaders()), body)
    finally:
        conn.close()


@pytest.fixture
def fetch() -> Callable[..., HttpResponse]:
    """``fetch(port, method, path, [(name, value), ...], on_response=None)``: one real HTTP request (see http_request)."""
    return http_request


@pytest.fixture
def eventually() -> Callable[..., bool]:
    """``eventually(predicate, timeout=5.0)``: poll until true (see wait_for)."""
    return wait_for


@pytest.fixture
def serve() -> Iterator[Callable[..., int]]:
    """Start a WSGI app on a real server bound to 127.0.0.1 on a free port; returns the port.

    ``serve(app)`` uses werkzeug's threaded server; ``serve(app, server="waitress")`` waitress;
    ``serve(app, server="wsgiref", errors=stream)`` the standard library's, with its wsgi.errors /
    exception log written to *stream*.
    """
    running: list[tuple[Any, threading.Thread]] = []

    def start(app: Any, server: str = "werkzeug", errors: TextIO | None = None) -> int:
        if server == "werkzeug":
            srv: Any = make_werkzeug_server(LOOPBACK, 0, app, threaded=True)
        elif server == "wsgiref":
            handler = type("Handler", (_QuietWsgirefHandler,), {"errors": errors or sys.stderr})
            srv = make_wsgiref_server(LOOPBACK, 0, app, handler_class=handler)
        elif server == "waitress":
            from waitress.server import create_server

            srv = create_server(app, host=LOOPBACK, port=0, threads=2)
            thread = threading.Thread(target=srv.run, daemon=True)
            thread.start()
            running.append((srv, thread))
            return int(srv.effective_port)
        else:
            raise ValueError(server)
        thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        running.append((srv, thread))
        return int(srv.server_port)

    yield start
    for srv, thread in running:
        if hasattr(srv, "shutdown"):
            srv.shutdown()
            srv.server_close()
        else:  # waitress: closed from its own loop thread, so select() never meets a closed descriptor
            try:
                srv.trigger.pull_trigger(srv.close)
            except OSError:  # its trigger pipe is closed already: nothing left to wake
                srv.close()
            thread.join(timeout=5)
            srv.task_dispatcher.shutdown()
        thread.join(timeout=5)
