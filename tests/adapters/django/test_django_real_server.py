"""CorsMiddleware behind a real WSGI server (werkzeug) on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator

import djtest_settings
import pytest
from django.test import override_settings

serving = pytest.importorskip("werkzeug.serving")

ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    from django.core.handlers.wsgi import WSGIHandler

    override = override_settings(**djtest_settings.base_overrides, CORS_ALLOWED_ORIGINS=[ORIGIN])
    override.enable()
    server = serving.make_server("127.0.0.1", 0, WSGIHandler(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(5)
        override.disable()


def fetch(port: int, method: str, path: str, headers: dict[str, str]) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def test_preflight_over_http(port: int) -> None:
    status, headers, body = fetch(port, "OPTIONS", "/", {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert (status, body) == (200, b"")
    assert headers.get_all("Access-Control-Allow-Origin") == [ORIGIN]  # R11: exactly one field
    assert "PUT" in headers["Access-Control-Allow-Methods"]


def test_streamed_body_over_http(port: int) -> None:
    status, headers, body = fetch(port, "GET", "/stream/", {"Origin": ORIGIN})
    assert (status, body) == (200, b"chunk0;chunk1;chunk2;")
    assert headers.get_all("Access-Control-Allow-Origin") == [ORIGIN]
    assert headers.get_all("Vary") == ["origin"]


def test_view_that_raises_over_http(port: int) -> None:
    """R27: the handler500 page reaches the browser with CORS headers, so the page can read the error."""
    status, headers, body = fetch(port, "GET", "/boom/", {"Origin": ORIGIN})
    assert status == 500
    assert body == b'{"error": "server error"}'
    assert headers["Access-Control-Allow-Origin"] == ORIGIN


def test_own_headers_replaced_over_http(port: int) -> None:
    _, headers, _ = fetch(port, "GET", "/own-headers/", {"Origin": ORIGIN})
    assert headers.get_all("Access-Control-Allow-Origin") == [ORIGIN]
    assert headers.get_all("Access-Control-Allow-Credentials") is None
    assert headers.get_all("Vary") == ["Accept-Encoding, Cookie, origin"]
