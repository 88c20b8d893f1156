"""cors_asgi.CORSMiddleware around Starlette and FastAPI apps under a real uvicorn on 127.0.0.1, over real HTTP."""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from cors_asgi import CORSMiddleware
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from cors_core import Policy

LOOPBACK = "127.0.0.1"
ORIGIN = "http://localhost:5173"
POLICY = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"], allow_credentials=True, max_age=60)

Serve = Callable[..., int]


def _request(conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn.request(method, path, headers=headers)
    return conn.getresponse()


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_preflights_keep_the_connection_alive(serve_asgi: Serve, server: str) -> None:  # decision #1: Content-Length 0, kept connection
    calls: list[str] = []

    async def thing(request: Any) -> Response:
        calls.append(request.method)
        return PlainTextResponse("thing")

    for policy in (POLICY, POLICY.replace(preflight_status=204)):  # POLICY's preflight_status is the default, 200
        app = Starlette(routes=[Route("/thing", thing, methods=["GET", "PUT"])])
        app.add_middleware(CORSMiddleware, policy=policy)
        port = serve_asgi(app, server=server)
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        try:
            preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-token"}
            first = _request(conn, "OPTIONS", "/thing", preflight)
            assert (first.status, first.read()) == (policy.preflight_status, b"")
            assert first.getheader("Content-Length") == (None if policy.preflight_status == 204 else "0")
            assert first.getheader("Access-Control-Allow-Origin") == ORIGIN and not first.will_close
            sock = conn.sock
            refused = _request(conn, "OPTIONS", "/thing", {"Origin": "http://evil.example", "Access-Control-Request-Method": "PUT"})
            assert (refused.status, refused.read(), refused.getheader("Content-Length")) == (policy.refused_preflight_status, b"", "0")
            actual = _request(conn, "PUT", "/thing", {"Origin": ORIGIN, "Content-Length": "0"})
            assert (actual.status, actual.read()) == (200, b"thing")
            assert actual.getheader("Access-Control-Allow-Origin") == ORIGIN
            assert conn.sock is sock  # the same TCP connection carried all three
        finally:
            conn.close()
    assert calls == ["PUT", "PUT"]  # the preflights never reached the app


def test_streaming_response_streams(serve_asgi: Serve) -> None:
    """The generator only finishes after the client has read the first chunk: a buffering middleware would hang here."""
    first_read = threading.Event()
    finished = threading.Event()

    async def stream(request: Any) -> Response:
        async def chunks() -> Any:
            yield b"first\n"
            with anyio.fail_after(10):
                while not first_read.is_set():
                    await anyio.sleep(0.01)
            yield b"second\n"
            finished.set()

        return StreamingResponse(chunks(), media_type="text/plain")

    app = Starlette(routes=[Route("/stream", stream)])
    app.add_middleware(CORSMiddleware, policy=POLICY)
    port = serve_asgi(app)
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=15)
    try:
        r = _request(conn, "GET", "/stream", {"Origin": ORIGIN})
        assert r.getheader("Access-Control-Allow-Origin") == ORIGIN and r.getheader("Transfer-Encoding") == "chunked"
        assert r.readline() == b"first\n"
        assert not finished.is_set()
        first_read.set()
        assert r.read() == b"second\n"
        assert finished.is_set()
    finally:
        conn.close()


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_exception_gives_a_readable_500_and_is_logged(serve_asgi: Serve, caplog: pytest.LogCaptureFixture, server: str) -> None:
    app = FastAPI()

    @app.get("/fail")
    async def fail() -> None:
        raise ZeroDivisionError("the app failed")

    app.add_middleware(CORSMiddleware, allow_origins=[ORIGIN], allow_credentials=True)
    port = serve_asgi(app, server=server)
    with caplog.at_level(logging.ERROR):
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        try:
            r = _request(conn, "GET", "/fail", {"Origin": ORIGIN})
            assert (r.status, r.read()) == (500, b"Internal Server Error\n")
            assert r.getheader("Access-Control-Allow-Origin") == ORIGIN
            assert r.getheader("Access-Control-Allow-Credentials") == "true"
            assert r.getheader("Vary") == "Origin"
        finally:
            conn.close()
        deadline = time.monotonic() + 5
        while "ZeroDivisionError" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
    assert "ZeroDivisionError" in caplog.text  # re-raised: the server logged it as without us


def _handshake(port: int, origin: str | None) -> bytes:
    """A raw WebSocket opening handshake (RFC 6455) over TCP; returns the server's status line."""
    import socket

    lines = [
        "GET /ws HTTP/1.1",
        f"Host: {LOOPBACK}:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection((LOOPBACK, port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).split(b"\r\n", 1)[0]


def test_websocket_origin_check_under_uvicorn(serve_asgi: Serve) -> None:
    """Cross-site WebSocket hijacking: a handshake from another site's page is refused with 403."""
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/ws", echo)])
    app.add_middleware(CORSMiddleware, policy=POLICY, websocket_origin_check=True)
    port = serve_asgi(app, ws="wsproto")
    assert _handshake(port, ORIGIN).startswith(b"HTTP/1.1 101")
    assert _handshake(port, None).startswith(b"HTTP/1.1 101")  # not from a browser page
    assert _handshake(port, "https://evil.example").startswith(b"HTTP/1.1 403")
