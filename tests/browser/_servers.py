"""Loopback WSGI and ASGI servers for the browser tests, and a recorder of everything they received."""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import BaseWSGIServer, make_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
ASGIApp = Callable[[dict[str, Any], Callable[..., Any], Callable[..., Any]], Awaitable[None]]

#: Query parameter carrying the token that ties a request to one test.
TOKEN = "t"


def token_of(query: str) -> str:
    """The test token in a query string, or ''."""
    return parse_qs(query).get(TOKEN, [""])[0]


@dataclass
class Exchange:
    """One request as it arrived on the wire and the answer that left (filled in by start_response)."""

    token: str
    method: str
    path: str
    headers: dict[str, str]
    status: int = 0
    response_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_preflight(self) -> bool:
        """Fetch: OPTIONS with Origin and Access-Control-Request-Method."""
        return self.method == "OPTIONS" and "origin" in self.headers and "access-control-request-method" in self.headers


def _request_headers(environ: dict[str, Any]) -> dict[str, str]:
    out = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        out["content-type"] = environ["CONTENT_TYPE"]
    return out


class Recorder:
    """Thread-safe log of wire exchanges and of the requests that reached the application's views."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wire: list[Exchange] = []
        self._app: list[tuple[str, str, str]] = []

    def wrap(self, app: WSGIApp) -> WSGIApp:
        """Outermost WSGI layer: sees preflights the CORS adapter answers itself."""

        def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            ex = Exchange(
                token_of(environ.get("QUERY_STRING", "")),
                environ["REQUEST_METHOD"],
                environ.get("PATH_INFO", ""),
                _request_headers(environ),
            )
            with self._lock:
                self._wire.append(ex)

            def recording_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                ex.status = int(status.split(" ", 1)[0])
                ex.response_headers = list(headers)
                return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

            return app(environ, recording_start)

        return recording

    def wrap_asgi(self, app: ASGIApp) -> ASGIApp:
        """Outermost ASGI layer: the same record as :meth:`wrap`, from the scope and the response start message."""

        async def recording(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers: dict[str, str] = {}
            for name, value in scope["headers"]:
                key, text = name.decode("latin-1").lower(), value.decode("latin-1")
                headers[key] = f"{headers[key]}, {text}" if key in headers else text
            ex = Exchange(token_of(scope.get("query_string", b"").decode("latin-1")), scope["method"], scope["path"], headers)
            with self._lock:
                self._wire.append(ex)

            async def recording_send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    ex.status = message["status"]
                    ex.response_headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in message.get("headers", ())]
                await send(message)

            await app(scope, receive, recording_send)

        return recording

    def app_hit(self, token: str, method: str, path: str) -> None:
        """Called by the views: the actual request got past the CORS layer into the application."""
        with self._lock:
            self._app.append((token, method, path))

    def wire(self, token: str) -> list[Exchange]:
        with self._lock:
            return [e for e in self._wire if e.token == token]

    def hits(self, token: str) -> list[tuple[str, str]]:
        with self._lock:
            return [(m, p) for t, m, p in self._app if t == token]


class Server:
    """A threaded werkzeug server on 127.0.0.1, port chosen by the OS."""

    def __init__(self, app: WSGIApp) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"wsgi-{self.port}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class AsgiServer:
    """uvicorn (or hypercorn) on 127.0.0.1, port chosen by the OS, in a thread: the same interface as :class:`Server`."""

    def __init__(self, app: ASGIApp, server: str = "uvicorn") -> None:
        import socket

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)  # connections wait in the backlog until the server accepts them
        self.port = sock.getsockname()[1]
        self._stop: Callable[[], None]
        if server == "hypercorn":
            self._thread = self._hypercorn(app, sock)
        else:
            import uvicorn

            uv = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
            self._stop = lambda: setattr(uv, "should_exit", True)
            self._thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, name=f"asgi-{self.port}", daemon=True)
        self._thread.start()

    def _hypercorn(self, app: ASGIApp, sock: Any) -> threading.Thread:
        import asyncio

        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        config = Config()
        config.bind = [f"fd://{sock.detach()}"]  # hypercorn owns the descriptor from now on
        config.accesslog = None
        config.errorlog = None
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        self._stop = lambda: loop.call_soon_threadsafe(stop.set)

        async def no_lifespan(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
            if scope["type"] != "lifespan":
                await app(scope, receive, send)
                return
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})

        main = serve(no_lifespan, config, shutdown_trigger=stop.wait, mode="asgi")  # type: ignore[arg-type]
        return threading.Thread(target=loop.run_until_complete, args=(main,), name=f"asgi-{self.port}", daemon=True)

    def close(self) -> None:
        self._stop()
        self._thread.join(10)


_BLANK = b'<!doctype html><html><head><link rel="icon" href="data:,"><title>page</title></head><body>page</body></html>'
# The sandboxed frame (no allow-same-origin) has an opaque origin, so its fetches send "Origin: null".
_SANDBOX = (
    b'<!doctype html><html><head><link rel="icon" href="data:,"></head><body>'
    b'<iframe name="sandboxed" sandbox="allow-scripts" srcdoc="&lt;p&gt;sandboxed&lt;/p&gt;"></iframe></body></html>'
)


def page_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    """The page origin(s): a blank page at ``/`` and a page holding a sandboxed iframe at ``/sandbox``."""
    body = _SANDBOX if environ.get("PATH_INFO") == "/sandbox" else _BLANK
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    yield body


def probe_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    """A hand-written, non-library CORS answer (``/raw/...``) used to probe what Chromium itself accepts.

    It answers every preflight with ``Access-Control-Allow-Headers: *`` and every request with the
    request's origin, so only the browser's own rules decide the outcome.
    """
    origin = environ.get("HTTP_ORIGIN", "")
    headers = [("Access-Control-Allow-Origin", origin), ("Content-Type", "text/plain")]
    if environ["REQUEST_METHOD"] == "OPTIONS":
        headers += [("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Headers", "*")]
        start_response("204 No Content", headers)
        return
    start_response("200 OK", headers)
    yield b"probe"


async def probe_asgi(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    """:func:`probe_app`, as an ASGI application (the same hand-written answers)."""
    environ = {"REQUEST_METHOD": scope["method"]}
    for name, value in scope["headers"]:
        if name.lower() == b"origin":
            environ["HTTP_ORIGIN"] = value.decode("latin-1")
    started: list[Any] = []
    body = b"".join(probe_app(environ, lambda status, headers: started.extend((int(status.split()[0]), headers))))
    raw = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in started[1]]
    await send({"type": "http.response.start", "status": started[0], "headers": raw})
    await send({"type": "http.response.body", "body": body})


def split_asgi(api: ASGIApp, probe: ASGIApp) -> ASGIApp:
    """:func:`split_api` for ASGI applications."""

    async def dispatch(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        target = probe if scope["type"] == "http" and scope["path"].startswith("/raw/") else api
        await target(scope, receive, send)

    return dispatch


def split_api(api: WSGIApp, probe: WSGIApp) -> WSGIApp:
    """The API origin: ``/raw/...`` goes to *probe*, everything else to the adapter-wrapped *api*."""

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = probe if environ.get("PATH_INFO", "").startswith("/raw/") else api
        return target(environ, start_response)

    return dispatch
