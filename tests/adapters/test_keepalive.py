"""Preflight answers keep the connection alive (RFC 9110 8.6, 9.3): several preflights over ONE connection.

Each adapter (cors_wsgi, cors_flask, cors_django) runs in its own process behind a real server on
127.0.0.1 (waitress, gunicorn gthread, werkzeug's dev server speaking HTTP/1.1; Django also under
uvicorn, as ASGI). One ``http.client.HTTPConnection`` sends allowed and refused preflights, then a GET
whose body is the client port the server saw: the same socket must have carried every request.
werkzeug's dev server closes every connection whatever the answer; there a preflight must close no
sooner than a GET does.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ORIGIN = "https://app.example.com"
ALLOWED = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-token"}
REFUSED_ORIGIN = {"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"}
START_TIMEOUT = 60.0  # a loaded machine: starting Django or gunicorn can take seconds


def _env(adapter: str, status: int) -> dict[str, str]:
    path = os.pathsep.join([str(HERE), str(ROOT), str(ROOT / "adapters"), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "KEEPALIVE_ADAPTER": adapter, "KEEPALIVE_STATUS": str(status)}


def _command(server: str) -> list[str]:
    if server == "gunicorn":
        pytest.importorskip("gunicorn")
        return [sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "4", "-w", "1", "-b", "127.0.0.1:0",
                "--keep-alive", "30", "keepalive_server:app"]  # fmt: skip
    pytest.importorskip({"waitress": "waitress", "werkzeug": "werkzeug", "uvicorn": "uvicorn"}[server])
    return [sys.executable, str(HERE / "keepalive_server.py"), server]


def _read_port(proc: subprocess.Popen[str]) -> int:
    """The port from the launcher's ``PORT n`` line, or gunicorn's ``Listening at: http://127.0.0.1:n``."""
    deadline = time.monotonic() + START_TIMEOUT
    seen: list[str] = []
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(r"^PORT (\d+)|Listening at: http://127\.0\.0\.1:(\d+)", line)
        if found:
            return int(found.group(1) or found.group(2))
    raise AssertionError("server did not start:\n" + "".join(seen))


@pytest.fixture
def start() -> Iterator[Callable[[str, str, int], int]]:
    procs: list[subprocess.Popen[str]] = []

    def launch(server: str, adapter: str, status: int = 200) -> int:
        proc = subprocess.Popen(
            _command(server), cwd=HERE, env=_env(adapter, status), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        procs.append(proc)
        return _read_port(proc)

    yield launch
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _send(conn: http.client.HTTPConnection, method: str, headers: dict[str, str]) -> tuple[http.client.HTTPResponse, bytes]:
    conn.request(method, "/", headers=headers)
    response = conn.getresponse()
    return response, response.read()


COMBINATIONS = [
    *[(server, adapter) for server in ("waitress", "gunicorn", "werkzeug") for adapter in ("wsgi", "flask", "django")],
    ("uvicorn", "django"),
]


#: werkzeug's dev server (3.x) sends ``Connection: close`` on EVERY response, HTTP/1.1 or not ("keep-alive
#: connections aren't handled well by Python's http.server"): nothing an app sends keeps its connection.
CLOSES_EVERY_CONNECTION = {"werkzeug"}


@pytest.mark.parametrize(("server", "adapter"), COMBINATIONS)
def test_preflights_keep_the_connection_alive(start: Callable[[str, str, int], int], server: str, adapter: str) -> None:
    """R16, R23: allowed (200) and refused (403) preflights, each with Content-Length: 0, over one connection."""
    if server in CLOSES_EVERY_CONNECTION:
        _assert_preflight_closes_like_any_answer(start(server, adapter, 200), server)
        return
    port = start(server, adapter, 200)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.connect()
        sock = conn.sock
        local_port = sock.getsockname()[1]
        for headers, status in [(ALLOWED, 200), (REFUSED_ORIGIN, 403), (ALLOWED, 200), (REFUSED_ORIGIN, 403), (ALLOWED, 200)]:
            response, body = _send(conn, "OPTIONS", headers)
            assert (response.status, body) == (status, b"")
            assert response.getheader("Content-Length") == "0"  # RFC 9110 8.6: an empty body of known length
            assert response.getheader("Content-Type") is None  # nothing to type
            assert (response.getheader("Connection") or "").lower() != "close"
            assert response.getheader("Access-Control-Allow-Origin") == (ORIGIN if status == 200 else None)
            assert conn.sock is sock, f"{server} closed the connection after a {status} preflight"
        actual, body = _send(conn, "GET", {"Origin": ORIGIN})
        assert actual.status == 200 and actual.getheader("Access-Control-Allow-Origin") == ORIGIN
        assert conn.sock is sock
        assert body.decode() == str(local_port)  # the server saw every request come from this one client port
    finally:
        conn.close()


def _assert_preflight_closes_like_any_answer(port: int, server: str) -> None:
    """Where the server closes every connection, a preflight is framed right and closes no sooner than a GET does."""
    for method, headers, status in [("OPTIONS", ALLOWED, 200), ("OPTIONS", REFUSED_ORIGIN, 403), ("GET", {"Origin": ORIGIN}, 200)]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            response, body = _send(conn, method, headers)
            assert response.status == status
            if method == "OPTIONS":
                assert (body, response.getheader("Content-Length"), response.getheader("Transfer-Encoding")) == (b"", "0", None)
            # If this fails, the server learnt keep-alive: move it to the one-connection test above.
            assert response.getheader("Connection") == "close", server
        finally:
            conn.close()


@pytest.mark.parametrize("adapter", ["wsgi", "flask", "django"])
def test_preflight_status_204_has_no_content_length_and_waitress_closes_after_it(
    start: Callable[[str, str, int], int], adapter: str
) -> None:
    """RFC 9110 8.6: no Content-Length on a 204. waitress 3 closes HTTP/1.1 connections after any 204: why 200 is the default."""
    port = start("waitress", adapter, 204)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        response, _ = _send(conn, "OPTIONS", ALLOWED)
        assert response.status == 204
        assert response.getheader("Content-Length") is None
        assert response.getheader("Access-Control-Allow-Origin") == ORIGIN
        assert (response.getheader("Connection") or "").lower() == "close"  # waitress's, whatever we send
    finally:
        conn.close()
