"""Fixtures for the ASGI adapter tests: an ASGI app on a real uvicorn server bound to 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

LOOPBACK = "127.0.0.1"  # the only address these tests ever use


def _start_hypercorn(app: Any, sock: socket.socket) -> tuple[Callable[[], None], threading.Thread]:
    """hypercorn on an already bound socket, in its own event loop thread; returns (stop, thread)."""
    import asyncio

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"fd://{sock.detach()}"]  # hypercorn owns the descriptor from now on
    config.accesslog = None
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    started = threading.Event()

    async def without_lifespan(scope: Any, receive: Any, send: Any) -> None:
        """The app, with lifespan answered here: the tests' apps have no start-up work."""
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def main() -> None:
        started.set()
        await serve(without_lifespan, config, shutdown_trigger=stop.wait, mode="asgi")  # type: ignore[arg-type]

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    started.wait(10)
    return (lambda: loop.call_soon_threadsafe(stop.set)), thread


@pytest.fixture
def serve_asgi() -> Iterator[Callable[..., int]]:
    """``serve_asgi(app)``: run *app* under uvicorn (or ``server="hypercorn"``) on 127.0.0.1, on a free port, in a
    thread; returns the port."""
    import uvicorn

    running: list[tuple[Any, threading.Thread]] = []

    def start(app: Any, server: str = "uvicorn", **options: Any) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, 0))
        if server == "hypercorn":
            sock.listen(100)
            port = int(sock.getsockname()[1])
            stop, thread = _start_hypercorn(app, sock)
            running.append((stop, thread))
            return port
        config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan="off", **options)  # logs reach caplog
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        running.append((server, thread))
        return int(sock.getsockname()[1])

    yield start
    for server, thread in running:
        if callable(server):
            server()
        else:
            server.should_exit = True
        thread.join(timeout=10)
