"""Fixtures for the ASGI adapter tests: an ASGI app on a real uvicorn server bound to 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

LOOPBACK = "127.0.0.1"  # the only address these tests ever use


@pytest.fixture
def serve_asgi() -> Iterator[Callable[..., int]]:
    """``serve_asgi(app)``: run *app* under uvicorn on 127.0.0.1, on a free port, in a thread; returns the port."""
    import uvicorn

    running: list[tuple[Any, threading.Thread]] = []

    def start(app: Any, **options: Any) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, 0))
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
        server.should_exit = True
        thread.join(timeout=10)
