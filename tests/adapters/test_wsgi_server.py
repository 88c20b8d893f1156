"""cors_wsgi.CORSMiddleware behind real WSGI servers on 127.0.0.1, spoken to over real HTTP (http.client)."""

from __future__ import annotations

import http.client
import io
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cors_wsgi import CORSMiddleware

from cors_core import Policy

ORIGIN = "http://localhost:5173"
POLICY = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"], allow_credentials=True, max_age=60)
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

Serve = Callable[..., int]
Fetch = Callable[..., Any]
Eventually = Callable[..., bool]


class Recorder:
    """Answers with a fixed status and headers; records the method and path of every call it gets."""

    def __init__(self, status: str = "200 OK", headers: list[tuple[str, str]] | None = None) -> None:
        self.status = status
        self.headers = headers or []
        self.calls: list[tuple[str, str]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        body = b"hello from the app"
        start_response(self.status, [*self.headers, ("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]


@pytest.mark.parametrize("server", ["werkzeug", "waitress", "wsgiref"])
def test_preflight_over_http_never_reaches_the_app(serve: Serve, fetch: Fetch, server: str) -> None:  # R16, R17, R23
    app = Recorder()
    port = serve(CORSMiddleware(app, POLICY), server=server)
    ok = fetch(
        port,
        "OPTIONS",
        "/private/resource",
        [("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "x-token")],
    )
    assert (ok.status, ok.reason, ok.body, ok.get("Content-Length")) == (200, "OK", b"", "0")
    assert ok.get("Transfer-Encoding") is None  # an empty body of known length, never chunked
    assert ok.get("Access-Control-Allow-Origin") == ORIGIN
    assert ok.get("Access-Control-Allow-Credentials") == "true"
    assert ok.get("Access-Control-Allow-Methods") == "PUT"
    assert ok.get("Access-Control-Allow-Headers") == "x-token"
    assert ok.get("Access-Control-Max-Age") == "60"
    assert ok.get("Vary") == PREFLIGHT_VARY
    other = [("Origin", "https://elsewhere.example"), ("Access-Control-Request-Method", "PUT")]
    refused = fetch(port, "OPTIONS", "/private/resource", other)
    assert (refused.status, refused.body, refused.get("Content-Length")) == (403, b"", "0")
    assert refused.get("Access-Control-Allow-Origin") is None
    # R23 revised: the allowed origin asking for an unlisted method gets the ok status, naming only PUT
    step = fetch(port, "OPTIONS", "/private/resource", [("Origin", ORIGIN), ("Access-Control-Request-Method", "DELETE")])
    assert (step.status, step.body) == (POLICY.preflight_status, b"")
    assert (step.get("Access-Control-Allow-Origin"), step.get("Access-Control-Allow-Methods")) == (ORIGIN, "PUT")
    assert step.get("Access-Control-Max-Age") is None
    assert app.calls == []


@pytest.mark.parametrize("status", ["302 Found", "404 Not Found", "500 Internal Server Error"])
def test_3xx_4xx_5xx_over_http_carry_cors_and_merged_vary(serve: Serve, fetch: Fetch, status: str) -> None:  # R11, R27, R33
    app = Recorder(status, [("Location", "/next"), ("Vary", "Accept-Encoding"), ("Access-Control-Allow-Origin", "*")])
    port = serve(CORSMiddleware(app, POLICY))
    r = fetch(port, "GET", "/thing", [("Origin", ORIGIN)])
    assert r.status == int(status[:3])
    assert r.getlist("Access-Control-Allow-Origin") == [ORIGIN]
    assert r.get("Access-Control-Allow-Credentials") == "true"
    assert r.getlist("Vary") == ["Accept-Encoding, Origin"]
    assert r.body == b"hello from the app"


def test_streamed_body_is_streamed_and_closed(serve: Serve, fetch: Fetch) -> None:
    """The second chunk is only produced after the client has read the first: any buffering would deadlock."""
    first_read = threading.Event()
    closed = threading.Event()

    class Stream:
        def __iter__(self) -> Iterator[bytes]:
            yield b"first-chunk\n"
            assert first_read.wait(5), "the client never got the first chunk: the body was buffered"
            yield b"second-chunk\n"

        def close(self) -> None:
            closed.set()

    def app(environ: dict[str, Any], start_response: Any) -> Stream:
        start_response("200 OK", [("Content-Type", "text/plain")])  # no length: the server streams it chunked
        return Stream()

    def read(response: http.client.HTTPResponse) -> bytes:
        line = response.readline()
        first_read.set()
        return line + response.read()

    port = serve(CORSMiddleware(app, POLICY))
    r = fetch(port, "GET", "/stream", [("Origin", ORIGIN)], on_response=read)
    assert r.body == b"first-chunk\nsecond-chunk\n"
    assert r.get("Access-Control-Allow-Origin") == ORIGIN
    assert closed.wait(5)


def test_app_that_raises_gives_a_cors_500_and_the_server_logs_it(
    serve: Serve, fetch: Fetch, eventually: Eventually, caplog: pytest.LogCaptureFixture
) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("database is down")

    port = serve(CORSMiddleware(app, POLICY))
    with caplog.at_level(logging.ERROR, logger="werkzeug"):
        r = fetch(port, "GET", "/fails", [("Origin", ORIGIN)])
    assert (r.status, r.reason) == (500, "Internal Server Error")
    assert r.get("Access-Control-Allow-Origin") == ORIGIN  # R27: the browser can read the error
    assert r.get("Vary") == "Origin"
    assert r.body == b"Internal Server Error\n"
    # werkzeug logs the app's own exception, with its traceback, once the response is out
    assert eventually(lambda: any("RuntimeError: database is down" in rec.getMessage() for rec in caplog.records))


def test_app_that_raises_under_waitress(
    serve: Serve, fetch: Fetch, eventually: Eventually, caplog: pytest.LogCaptureFixture
) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("waitress sees this")

    port = serve(CORSMiddleware(app, POLICY), server="waitress")
    with caplog.at_level(logging.ERROR, logger="waitress"):
        r = fetch(port, "GET", "/fails", [("Origin", ORIGIN)])
        assert (r.status, r.body) == (500, b"Internal Server Error\n")
        assert r.get("Access-Control-Allow-Origin") == ORIGIN
        assert eventually(lambda: any("waitress sees this" in str(rec.exc_info and rec.exc_info[1]) for rec in caplog.records))


def test_werkzeug_debugger_outside_still_shows_its_traceback_page(serve: Serve, fetch: Fetch) -> None:
    """The debugger needs the exception before anything is sent: the middleware lets it through untouched."""
    from werkzeug.debug import DebuggedApplication

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("debug me")

    port = serve(DebuggedApplication(CORSMiddleware(app, POLICY), evalex=True))
    r = fetch(port, "GET", "/fails", [("Origin", ORIGIN)])
    assert r.status == 500
    assert b"debug me" in r.body
    assert b"Traceback" in r.body  # the interactive page, not our plain one


def test_flask_debug_mode_keeps_the_debugger_page(serve: Serve, fetch: Fetch) -> None:
    """Flask in debug mode propagates a view's exception; it crosses the middleware to werkzeug's debugger."""
    flask = pytest.importorskip("flask")
    from werkzeug.debug import DebuggedApplication

    app = flask.Flask("debug")
    app.debug = True

    @app.route("/fails")
    def fails() -> str:
        raise RuntimeError("flask debug me")

    app.wsgi_app = CORSMiddleware(app.wsgi_app, POLICY)  # type: ignore[method-assign]
    r = fetch(serve(DebuggedApplication(app, evalex=True)), "GET", "/fails", [("Origin", ORIGIN)])
    assert r.status == 500
    assert b"flask debug me" in r.body and b"Traceback" in r.body


def test_app_that_raises_under_wsgiref(serve: Serve, fetch: Fetch, eventually: Eventually) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("wsgiref sees this")

    errors = io.StringIO()
    port = serve(CORSMiddleware(app, POLICY), server="wsgiref", errors=errors)
    r = fetch(port, "GET", "/fails", [("Origin", ORIGIN)])
    assert r.status == 500
    assert r.get("Access-Control-Allow-Origin") == ORIGIN
    assert r.body == b"Internal Server Error\n"
    assert eventually(lambda: "RuntimeError: wsgiref sees this" in errors.getvalue())  # wsgiref's log_exception


def test_file_wrapper_body_over_wsgiref(serve: Serve, fetch: Fetch, eventually: Eventually, tmp_path: Path) -> None:
    data = bytes(range(256)) * 64
    target = tmp_path / "blob.bin"
    target.write_bytes(data)
    wrappers: list[Any] = []

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(data)))])
        wrapper = environ["wsgi.file_wrapper"](target.open("rb"))
        wrappers.append(wrapper)
        return wrapper

    port = serve(CORSMiddleware(app, POLICY), server="wsgiref")
    r = fetch(port, "GET", "/blob", [("Origin", ORIGIN)])
    assert r.body == data
    assert r.get("Access-Control-Allow-Origin") == ORIGIN
    assert eventually(lambda: wrappers[0].filelike.closed)  # the server closed the file through the wrapper's close()


@pytest.mark.parametrize("server", ["werkzeug", "waitress", "wsgiref"])
def test_repeated_origin_fields_are_joined_by_the_server_and_refused(serve: Serve, fetch: Fetch, server: str) -> None:  # R7, R11
    app = Recorder()
    port = serve(CORSMiddleware(app, POLICY), server=server)
    r = fetch(port, "GET", "/", [("Origin", ORIGIN), ("Origin", ORIGIN)])
    assert r.get("Access-Control-Allow-Origin") is None
    assert r.get("Vary") == "Origin"


@pytest.mark.parametrize(("server", "drops_underscores"), [("werkzeug", True), ("waitress", True), ("wsgiref", False)])
def test_underscore_header_names_per_server(serve: Serve, fetch: Fetch, server: str, drops_underscores: bool) -> None:
    """PEP 3333 maps '-' and '_' to the same HTTP_ key: werkzeug and waitress drop names with '_', wsgiref does not."""
    smuggled = [("Origin", ORIGIN), ("Access_Control_Request_Method", "PUT")]
    app = Recorder()
    r = fetch(serve(CORSMiddleware(app, POLICY), server=server), "OPTIONS", "/", smuggled)
    if drops_underscores:
        assert app.calls == [("OPTIONS", "/")]  # a plain OPTIONS with Origin, passed to the app (R1)
        assert r.get("Access-Control-Allow-Methods") is None
    else:
        assert app.calls == []  # handed over as HTTP_ACCESS_CONTROL_REQUEST_METHOD: a preflight
        assert r.status == 200
    both = [*smuggled, ("Access-Control-Request-Method", "PUT")]
    r = fetch(serve(CORSMiddleware(Recorder(), POLICY), server=server), "OPTIONS", "/", both)
    assert r.status == (200 if drops_underscores else 403)  # wsgiref joins the two into "PUT,PUT": not one token (R18)
