"""Real WSGI servers on 127.0.0.1 (never any other address) and a raw-bytes HTTP/1.1 client for them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

LOOPBACK = "127.0.0.1"
SERVERS = ("waitress", "werkzeug", "wsgiref")


class _SilentHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def running(app: Callable[..., Any], kind: str, threads: int = 8) -> Iterator[int]:
    """Serve *app* with the server *kind* on a free loopback port for the duration of the block."""
    if kind == "waitress":
        from waitress.server import create_server

        srv: Any = create_server(app, host=LOOPBACK, port=0, threads=threads)
        port, run = int(srv.effective_port), srv.run

        def stop() -> None:
            try:  # close inside waitress's own loop thread, or its select() sees a closed descriptor
                srv.trigger.pull_trigger(srv.close)
            except OSError:  # the trigger pipe is already closed (seen once in CI): the loop has nothing left to wake
                srv.close()
            srv.task_dispatcher.shutdown()  # join the worker threads, so that no server outlives its test
    else:
        if kind == "werkzeug":
            from werkzeug.serving import make_server as make_werkzeug

            srv = make_werkzeug(LOOPBACK, 0, app, threaded=True)
        else:
            srv = make_server(LOOPBACK, 0, app, handler_class=_SilentHandler)
        port = int(srv.server_port)

        def run() -> None:
            srv.serve_forever(poll_interval=0.05)

        def stop() -> None:
            srv.shutdown()
            srv.server_close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop()
        thread.join(timeout=5)


def raw_request(port: int, head: bytes, timeout: float = 10.0) -> tuple[int, list[tuple[str, str]]]:
    """Send *head* (request line and header lines, CRLF-separated, no final blank line) and read the answer head."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as sock:
        sock.sendall(head + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    fields = [(n.strip(), v.strip()) for n, _, v in (line.partition(":") for line in lines[1:])]
    return status, fields
