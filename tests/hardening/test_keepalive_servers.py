"""No adapter closes a keep-alive connection that the same app without CORS keeps, under real servers.

A closed connection costs a new TCP (and TLS) handshake per preflight, more than any in-process saving
(issue 16: waitress closes an HTTP/1.1 connection after any 204). Each app of _keepalive_apps.py is
served by waitress, gunicorn (gthread, keep-alive on) and Werkzeug's server speaking HTTP/1.1, each in its
own process on 127.0.0.1; each request is sent three times over one http.client connection, to the
adapter and to the plain app. Not a timing test: it only reads whether the connection survived. Werkzeug's
development server closes every connection (3.1), so under it only the preflight's Content-Length is checked;
under the others the plain app must keep the connection (else the test could not fail) and so must ours.
Preflights are Fetch's CORS-preflight fetch (R16, R23, R25); refusals R9/R23.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LOOPBACK = "127.0.0.1"
ALLOWED = "https://app.example.com"
REFUSED = "https://evil.example.net"
ROUNDS = 3

SERVERS = {  # argv after the Python executable; each serves _keepalive_apps.app on 127.0.0.1
    "waitress": "-m waitress --host 127.0.0.1 --port {port} --threads 4 _keepalive_apps:app".split(),
    "gunicorn-gthread": "-m gunicorn -w 1 -k gthread --threads 4 --keep-alive 10 -b 127.0.0.1:{port} _keepalive_apps:app".split(),
    "werkzeug-http11": "_keepalive_apps.py werkzeug {port}".split(),
}
#: The servers that keep an HTTP/1.1 connection open for the plain app.
KEEPS_ALIVE = {"waitress", "gunicorn-gthread"}
_PREFLIGHT = {"Access-Control-Request-Method": "PUT"}
REQUESTS = {
    "allowed preflight": ("OPTIONS", {"Origin": ALLOWED, **_PREFLIGHT, "Access-Control-Request-Headers": "content-type"}),
    "refused-origin preflight": ("OPTIONS", {"Origin": REFUSED, **_PREFLIGHT}),
    "refused-header preflight": ("OPTIONS", {"Origin": ALLOWED, **_PREFLIGHT, "Access-Control-Request-Headers": "x-not-listed"}),
    "refused GET": ("GET", {"Origin": REFUSED}),
    "allowed GET": ("GET", {"Origin": ALLOWED}),
}
APPS = {
    "wsgi": ("ours", "ours200"),
    "flask": ("ours", "ours200", "decorator"),
    "django": ("ours", "decorator"),  # the decorated Django view has preflight_status=200
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    pytest.importorskip({"werkzeug-http11": "werkzeug", "gunicorn-gthread": "gunicorn"}.get(request.param, request.param))
    pytest.importorskip("flask")
    pytest.importorskip("django")
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), str(ROOT / "adapters"), env.get("PYTHONPATH", "")])
    argv = [sys.executable, *(a.format(port=port) for a in SERVERS[request.param])]
    log = tmp_path_factory.mktemp("keepalive") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, env=env, cwd=str(HERE), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"{request.param} exited: {log.read_text(errors='replace')[-3000:]}")
            try:
                socket.create_connection((LOOPBACK, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{request.param} did not listen: {log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.1)
        yield request.param, port
    finally:
        proc.kill()  # nothing to flush: the server holds no state worth a graceful stop
        proc.wait()


def exchange(port: int, path: str, method: str, headers: dict[str, str], seen: dict[str, str] | None = None) -> tuple[bool, list[int]]:
    """Send the request ROUNDS times over one connection: (whether the connection survived them all, the statuses).

    The last answer's header fields go into *seen* (names lowercased).
    """
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=20)
    statuses: list[int] = []
    try:
        for _ in range(ROUNDS):
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
            if seen is not None:
                seen.clear()
                seen.update((k.lower(), v) for k, v in response.getheaders())
            if response.will_close:  # Connection: close, or a body without a length (HTTP/1.0 style)
                return False, statuses
        return True, statuses
    except (http.client.RemoteDisconnected, ConnectionError):  # closed without saying so
        return False, statuses
    finally:
        conn.close()


CASES = [(fw, layer, kind) for fw, layers in APPS.items() for layer in layers for kind in REQUESTS]


@pytest.mark.parametrize(("framework", "layer", "kind"), CASES, ids=[f"{fw}-{layer}-{kind}" for fw, layer, kind in CASES])
def test_adapter_keeps_the_connections_the_plain_app_keeps(server: tuple[str, int], framework: str, layer: str, kind: str) -> None:
    name, port = server
    method, headers = REQUESTS[kind]
    plain_kept, plain_statuses = exchange(port, f"/{framework}/none/api", method, headers)
    seen: dict[str, str] = {}
    kept, statuses = exchange(port, f"/{framework}/{layer}/api", method, headers, seen)
    assert plain_statuses and statuses, "no answer at all"
    assert statuses[0] != 404, "the mount is missing"
    if method == "OPTIONS":  # our own preflight answer: empty, and says so (RFC 9110 8.6: never a Content-Length on a 204)
        expected = None if statuses[-1] == 204 else "0"
        assert seen.get("content-length") == expected, f"{name}: {framework}/{layer} {kind}: {statuses[-1]} with {seen}"
    if name not in KEEPS_ALIVE:
        return
    assert plain_kept, f"{name} did not keep even the plain app's connection on a {kind}: nothing to compare with"
    assert kept, f"{name}: {framework}/{layer} closed the connection on a {kind} ({statuses}); the plain app kept it"
