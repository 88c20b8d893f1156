"""cors_wsgi.CORSMiddleware through werkzeug's test Client (and, where identity matters, called directly)."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from cors_wsgi import CORSMiddleware
from werkzeug.test import Client, TestResponse

from cors_core import CORS_RESPONSE_HEADERS, Policy, PolicySet

ORIGIN = "https://app.example"
OTHER = "https://evil.example"

POLICY = Policy(
    [ORIGIN],
    allow_methods=["PUT", "PATCH"],
    allow_headers=["X-Token", "Content-Type"],
    expose_headers=["X-Total"],
    allow_credentials=True,
    max_age=600,
)

Headers = list[tuple[str, str]]


class Recorder:
    """A WSGI app answering with a fixed status, headers and body, recording every call it gets."""

    def __init__(self, status: str = "200 OK", headers: Headers | None = None, body: bytes = b"app body") -> None:
        self.status = status
        self.headers = headers if headers is not None else [("Content-Type", "text/plain")]
        self.body = body
        self.calls: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls.append(environ)
        start_response(self.status, list(self.headers))
        return [self.body]


def client(app: Any, policy: Policy | PolicySet = POLICY) -> Client:
    return Client(CORSMiddleware(app, policy))


def cors_fields(response: TestResponse) -> dict[str, list[str]]:
    """Every CORS response header present, with all its field values."""
    return {name: response.headers.getlist(name) for name in CORS_RESPONSE_HEADERS if name in response.headers}


def vary_names(response: TestResponse) -> list[str]:
    fields = response.headers.getlist("Vary")
    assert len(fields) <= 1, f"more than one Vary field: {fields}"  # R33: one field
    return [n.strip() for n in fields[0].split(",")] if fields else []


# --- preflights: answered here, never by the app ------------------------------------------------


def test_allowed_preflight_is_answered_without_calling_the_app() -> None:  # R16, R17, R18, R21, R24, R32
    app = Recorder()
    r = client(app).options(
        "/items/1",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-token,content-type",
        },
    )
    assert app.calls == []
    assert r.status == "200 OK"
    assert r.data == b""
    assert r.headers["Content-Length"] == "0"  # keeps the connection alive (a 204 would carry none: RFC 9110 8.6)
    assert cors_fields(r) == {
        "Access-Control-Allow-Origin": [ORIGIN],
        "Access-Control-Allow-Credentials": ["true"],
        "Access-Control-Allow-Methods": ["PUT, PATCH"],
        "Access-Control-Allow-Headers": ["x-token, content-type"],
        "Access-Control-Max-Age": ["600"],
    }
    assert vary_names(r) == ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"]


def test_refused_origin_preflight_is_403_without_allow_headers_and_never_reaches_the_app() -> None:  # R23
    app = Recorder()
    r = client(app).options("/items/1", headers={"Origin": OTHER, "Access-Control-Request-Method": "PUT"})
    assert app.calls == []
    assert r.status == "403 Forbidden"
    assert r.headers["Content-Length"] == "0"
    assert r.data == b""
    assert cors_fields(r) == {}
    assert vary_names(r) == ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"]


@pytest.mark.parametrize(
    ("headers", "allowed_headers"),
    [
        ({"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}, []),  # method not allowed
        ({"Origin": ORIGIN, "Access-Control-Request-Method": "patch"}, []),  # R18: methods are case-sensitive
        ({"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-other,X-Token"},
         ["X-Token"]),  # R21
    ],
)
def test_refused_method_or_header_gets_an_ok_answer_that_names_only_what_is_allowed(
    headers: dict[str, str], allowed_headers: list[str]
) -> None:  # R23 revised: the browser's console then names the method or header, not the origin
    app = Recorder()
    r = client(app).options("/items/1", headers=headers)
    assert app.calls == []
    assert r.status_code == POLICY.preflight_status and r.data == b""
    expected = {
        "Access-Control-Allow-Origin": [ORIGIN],
        "Access-Control-Allow-Credentials": ["true"],
        "Access-Control-Allow-Methods": ["PUT, PATCH"],
    }
    if allowed_headers:
        expected["Access-Control-Allow-Headers"] = [", ".join(allowed_headers)]
    assert cors_fields(r) == expected  # no Max-Age: nothing about a refusal is worth caching
    assert vary_names(r) == ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"]


def test_preflight_status_200_sends_content_length_zero() -> None:  # R16: 200 for legacy clients
    app = Recorder()
    r = client(app, POLICY.replace(preflight_status=200)).options(
        "/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    )
    assert (r.status, r.headers["Content-Length"], r.data) == ("200 OK", "0", b"")
    assert app.calls == []


def test_private_network_preflight() -> None:  # R26
    policy = POLICY.replace(allow_private_network=True)
    r = client(Recorder(), policy).options(
        "/",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Private-Network": "true"},
    )
    assert r.headers["Access-Control-Allow-Private-Network"] == "true"
    assert "Access-Control-Request-Private-Network" in vary_names(r)


def test_options_with_origin_but_no_request_method_reaches_the_app() -> None:  # R1: not a preflight
    app = Recorder()
    r = client(app).options("/", headers={"Origin": ORIGIN})
    assert len(app.calls) == 1
    assert r.data == b"app body"
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Methods" not in r.headers  # R29


def test_options_without_origin_reaches_the_app() -> None:  # R2: no Origin, not a preflight
    app = Recorder()
    r = client(app).options("/", headers={"Access-Control-Request-Method": "PUT"})
    assert len(app.calls) == 1
    assert cors_fields(r) == {}
    assert vary_names(r) == ["Origin"]


# --- actual responses -----------------------------------------------------------------------------


def test_allowed_actual_request_gets_the_actual_headers() -> None:  # R10, R12, R28, R29, R30
    r = client(Recorder()).get("/", headers={"Origin": ORIGIN})
    assert r.data == b"app body"
    assert cors_fields(r) == {
        "Access-Control-Allow-Origin": [ORIGIN],
        "Access-Control-Allow-Credentials": ["true"],
        "Access-Control-Expose-Headers": ["X-Total"],
    }
    assert vary_names(r) == ["Origin"]


def test_request_without_origin_gets_only_vary_origin() -> None:  # R2, R30
    r = client(Recorder()).get("/")
    assert cors_fields(r) == {}
    assert vary_names(r) == ["Origin"]


def test_static_policy_sends_star_on_every_response_and_no_vary() -> None:  # R31
    c = client(Recorder(), Policy("*"))
    for headers in ({}, {"Origin": OTHER}):
        r = c.get("/", headers=headers)
        assert cors_fields(r) == {"Access-Control-Allow-Origin": ["*"]}
        assert vary_names(r) == []


@pytest.mark.parametrize("status", ["301 Moved Permanently", "302 Found", "304 Not Modified", "400 Bad Request",
                                    "401 Unauthorized", "404 Not Found", "500 Internal Server Error", "503 Service Unavailable"])
def test_every_status_gets_the_cors_headers(status: str) -> None:  # R27, R34
    app = Recorder(status, [("Location", "/elsewhere")] if status.startswith("3") else [])
    r = client(app).get("/", headers={"Origin": ORIGIN})
    assert r.status == status
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert vary_names(r) == ["Origin"]


def test_refused_origin_gets_no_cors_headers_but_vary() -> None:  # R23, R30
    r = client(Recorder()).get("/", headers={"Origin": OTHER})
    assert cors_fields(r) == {}
    assert vary_names(r) == ["Origin"]


def test_origins_joined_by_the_server_are_refused() -> None:  # R7: WSGI servers join repeated Origin fields with ','
    r = client(Recorder()).get("/", environ_overrides={"HTTP_ORIGIN": f"{ORIGIN},{ORIGIN}"})
    assert cors_fields(r) == {}


# --- the app's own headers --------------------------------------------------------------------------


def test_app_set_cors_headers_are_replaced_by_exactly_one_of_ours() -> None:  # R11
    app = Recorder(
        headers=[
            ("access-control-allow-origin", "*"),
            ("Access-Control-Allow-Origin", OTHER),
            ("Access-Control-Allow-Methods", "DELETE"),
            ("X-Kept", "yes"),
        ]
    )
    r = client(app).get("/", headers={"Origin": ORIGIN})
    assert r.headers.getlist("Access-Control-Allow-Origin") == [ORIGIN]
    assert "Access-Control-Allow-Methods" not in r.headers  # R29: removed, not only replaced
    assert r.headers["X-Kept"] == "yes"


def test_app_set_cors_headers_are_removed_when_the_origin_is_refused() -> None:  # R23
    app = Recorder(headers=[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")])
    r = client(app).get("/", headers={"Origin": OTHER})
    assert cors_fields(r) == {}


@pytest.mark.parametrize(
    ("app_vary", "expected"),
    [
        ([("Vary", "Accept-Encoding")], ["Accept-Encoding", "Origin"]),
        ([("Vary", "Cookie"), ("vary", "Accept-Language, cookie")], ["Cookie", "Accept-Language", "Origin"]),
        ([("Vary", "origin")], ["origin"]),  # case-insensitive dedupe keeps the app's spelling
        ([("VARY", " Accept ,, Origin ")], ["Accept", "Origin"]),
        ([("Vary", "*")], ["*"]),  # R33: '*' already covers everything
        ([("Vary", "*, Cookie")], ["*", "Cookie"]),  # the app's names are never dropped
    ],
)
def test_vary_is_merged_into_one_field(app_vary: Headers, expected: list[str]) -> None:  # R30, R33
    r = client(Recorder(headers=app_vary)).get("/", headers={"Origin": ORIGIN})
    assert vary_names(r) == expected
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_vary_is_merged_on_responses_without_origin_too() -> None:  # R30
    r = client(Recorder(headers=[("Vary", "Accept-Encoding")])).get("/")
    assert vary_names(r) == ["Accept-Encoding", "Origin"]


def test_the_apps_header_list_is_not_mutated() -> None:
    shared: Headers = [("Content-Type", "text/plain")]

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", shared)  # some apps pass the same list object on every call
        return [b""]

    c = client(app)
    for _ in range(3):
        c.get("/", headers={"Origin": ORIGIN})
    assert shared == [("Content-Type", "text/plain")]


# --- scope ----------------------------------------------------------------------------------------


def test_paths_outside_a_policy_set_are_untouched() -> None:
    policies = PolicySet({"/api/*": POLICY, "/caf\u00e9/*": Policy("*")})
    app = Recorder(headers=[("Access-Control-Allow-Origin", "https://set-by-app.example")])
    c = client(app, policies)
    outside = c.get("/static/x.css", headers={"Origin": ORIGIN})
    assert outside.headers.getlist("Access-Control-Allow-Origin") == ["https://set-by-app.example"]
    assert "Vary" not in outside.headers
    inside = c.get("/api/x", headers={"Origin": ORIGIN})
    assert inside.headers.getlist("Access-Control-Allow-Origin") == [ORIGIN]
    # PEP 3333: PATH_INFO holds the URL's bytes decoded as latin-1; the rule is matched against the UTF-8 text.
    accented = c.get("/caf%C3%A9/menu", headers={"Origin": OTHER})
    assert accented.headers.getlist("Access-Control-Allow-Origin") == ["*"]


def test_preflight_outside_a_policy_set_reaches_the_app() -> None:
    app = Recorder()
    client(app, PolicySet({"/api/*": POLICY})).options(
        "/other", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    )
    assert len(app.calls) == 1


def test_policy_must_be_a_policy() -> None:
    with pytest.raises(TypeError, match="Policy or PolicySet"):
        CORSMiddleware(Recorder(), {"origins": [ORIGIN]})  # type: ignore[arg-type]


# --- bodies: streaming, close(), file_wrapper -----------------------------------------------------


class TrackedBody:
    """A streamed body that records how far it was read and whether close() was called."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.yielded = 0
        self.closed = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.yielded += 1
            yield chunk

    def close(self) -> None:
        self.closed += 1


def test_streamed_body_is_returned_untouched_and_closed_once() -> None:
    body = TrackedBody([b"a", b"b", b"c"])

    def app(environ: dict[str, Any], start_response: Any) -> TrackedBody:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    middleware = CORSMiddleware(app, POLICY)
    environ = _environ(HTTP_ORIGIN=ORIGIN)
    result = middleware(environ, lambda status, headers, exc_info=None: None)
    assert result is body  # the very object: nothing buffered, close() and any file_wrapper kept
    r = Client(middleware).get("/", headers={"Origin": ORIGIN})
    assert r.data == b"abc"
    assert body.closed == 0
    r.close()  # the client passes close() on to the app's iterable, through us
    assert body.closed == 1


def test_file_wrapper_passes_through() -> None:
    class FileWrapper:
        def __init__(self, filelike: Any, block_size: int = 8192) -> None:
            self.filelike = filelike

        def __iter__(self) -> Iterator[bytes]:
            return iter(lambda: self.filelike.read(4), b"")

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return environ["wsgi.file_wrapper"](io.BytesIO(b"file contents"))

    seen: list[Headers] = []
    result = CORSMiddleware(app, POLICY)(_environ(HTTP_ORIGIN=ORIGIN, **{"wsgi.file_wrapper": FileWrapper}), _start(seen))
    assert type(result) is FileWrapper  # a server can still recognise it and use sendfile
    assert b"".join(result) == b"file contents"
    assert ("Access-Control-Allow-Origin", ORIGIN) in seen[0]


def test_lazy_generator_app_gets_headers_when_it_starts() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Vary", "Accept")])  # PEP 3333 allows this on the first iteration
        yield b"one"
        yield b"two"

    r = client(app).get("/", headers={"Origin": ORIGIN})
    assert r.data == b"onetwo"
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert vary_names(r) == ["Accept", "Origin"]


# --- errors (PEP 3333 exc_info) --------------------------------------------------------------------


class Boom(Exception):
    pass


def _environ(**extra: Any) -> dict[str, Any]:
    environ: dict[str, Any] = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    environ.update(extra)
    return environ


def _start(seen: list[Headers], log: list[tuple[str, Any]] | None = None) -> Any:
    """A start_response that, like a server whose headers are not sent yet, accepts a second call with exc_info."""

    def start_response(status: str, headers: Headers, exc_info: Any = None) -> Any:
        if log is not None:
            log.append((status, exc_info))
        seen.append(headers)
        return lambda data: None

    return start_response


def test_app_raising_gives_a_cors_500_then_the_exception_again() -> None:  # R27 on our own 500
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise Boom("broken")

    seen: list[Headers] = []
    log: list[tuple[str, Any]] = []
    body = CORSMiddleware(app, POLICY)(_environ(HTTP_ORIGIN=ORIGIN), _start(seen, log))
    (status, exc_info), = log
    assert status == "500 Internal Server Error"
    assert isinstance(exc_info[1], Boom)  # PEP 3333: an error page is started with exc_info
    headers = dict(seen[0])
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Vary"] == "Origin"
    iterator = iter(body)
    page = next(iterator)
    assert headers["Content-Length"] == str(len(page))
    with pytest.raises(Boom, match="broken"):  # the server sees it and logs it as for any failing app
        next(iterator)
    body.close()  # type: ignore[attr-defined]  # already raised: close() is quiet


def test_error_body_raises_from_close_when_the_server_stops_early() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise Boom("broken")

    body = CORSMiddleware(app, POLICY)(_environ(), _start([]))
    next(iter(body))
    with pytest.raises(Boom):
        body.close()  # type: ignore[attr-defined]


def test_app_raising_after_start_response_gets_the_500_with_replaced_headers() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json"), ("Access-Control-Allow-Origin", "*")])
        raise Boom("late")

    seen: list[Headers] = []
    log: list[tuple[str, Any]] = []
    CORSMiddleware(app, POLICY)(_environ(HTTP_ORIGIN=ORIGIN), _start(seen, log))
    assert [status for status, _ in log] == ["200 OK", "500 Internal Server Error"]
    assert dict(seen[1])["Access-Control-Allow-Origin"] == ORIGIN
    assert ("Access-Control-Allow-Origin", "*") not in seen[1]


def test_headers_already_sent_means_the_server_reraises() -> None:  # PEP 3333: start_response re-raises exc_info
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        write = start_response("200 OK", [])
        write(b"partial")  # the legacy write() callable: headers are on the wire now
        raise Boom("after write")

    sent: list[bytes] = []

    def start_response(status: str, headers: Headers, exc_info: Any = None) -> Any:
        if exc_info and sent:
            raise exc_info[1].with_traceback(exc_info[2])
        return sent.append

    with pytest.raises(Boom, match="after write"):
        CORSMiddleware(app, POLICY)(_environ(HTTP_ORIGIN=ORIGIN), start_response)


def test_apps_own_error_page_with_exc_info_gets_the_cors_headers() -> None:  # R27
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        try:
            raise Boom("handled by the app")
        except Boom:
            start_response("502 Bad Gateway", [("Content-Type", "text/plain")], sys.exc_info())  # PEP 3333 error page
        return [b"upstream failed"]

    seen: list[Headers] = []
    log: list[tuple[str, Any]] = []
    body = CORSMiddleware(app, POLICY)(_environ(HTTP_ORIGIN=ORIGIN), _start(seen, log))
    assert [status for status, _ in log] == ["200 OK", "502 Bad Gateway"]
    assert isinstance(log[1][1][1], Boom)  # the app's exc_info reaches the server unchanged
    assert dict(seen[1])["Access-Control-Allow-Origin"] == ORIGIN
    assert list(body) == [b"upstream failed"]


def test_werkzeug_client_propagates_the_apps_exception() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise Boom("visible in tests")

    # werkzeug's test start_response re-raises any exc_info, so tests see the real error, as without us.
    with pytest.raises(Boom, match="visible in tests"):
        client(app).get("/", headers={"Origin": ORIGIN})


def test_lazy_app_failing_before_its_first_chunk_gets_the_cors_500() -> None:
    closed: list[bool] = []

    class LazyFailing:
        def __iter__(self) -> Iterator[bytes]:
            raise Boom("lazy")

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Any) -> LazyFailing:
        return LazyFailing()

    seen: list[Headers] = []
    log: list[tuple[str, Any]] = []
    body = iter(CORSMiddleware(app, POLICY)(_environ(HTTP_ORIGIN=ORIGIN), _start(seen, log)))
    assert next(body).startswith(b"Internal Server Error")
    assert log[0][0] == "500 Internal Server Error"
    assert dict(seen[0])["Access-Control-Allow-Origin"] == ORIGIN
    with pytest.raises(Boom):
        next(body)
    assert closed == [True]


def test_base_exceptions_are_not_caught() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise KeyboardInterrupt

    log: list[tuple[str, Any]] = []
    with pytest.raises(KeyboardInterrupt):
        CORSMiddleware(app, POLICY)(_environ(HTTP_ORIGIN=ORIGIN), _start([], log))
    assert log == []


def test_repr_names_app_and_policy() -> None:
    assert re.search(r"CORSMiddleware\(.*Policy\(origins=", repr(CORSMiddleware(Recorder(), POLICY)))


@pytest.mark.parametrize("flag", ["paste.throw_errors", "x-wsgiorg.throw_errors"])
def test_throw_errors_flag_lets_the_exception_through_untouched(flag: str) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise Boom("raw")

    log: list[tuple[str, Any]] = []
    with pytest.raises(Boom, match="raw"):
        CORSMiddleware(app, POLICY)(_environ(HTTP_ORIGIN=ORIGIN, **{flag: True}), _start([], log))
    assert log == []  # no error page started: the outer layer (e.g. WebTest) makes its own


def test_werkzeug_debugger_inside_gets_cors_headers_on_its_page() -> None:
    from werkzeug.debug import DebuggedApplication

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise Boom("debug me")

    r = Client(CORSMiddleware(DebuggedApplication(app, evalex=True), POLICY)).get("/", headers={"Origin": ORIGIN})
    assert r.status_code == 500
    assert b"debug me" in r.data
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN  # R27


def test_environ_helpers_read_the_request_as_pep_3333_gives_it() -> None:
    from cors_wsgi.environ import decoded_path, request_meta

    assert decoded_path({"PATH_INFO": "/caf\u00c3\u00a9"}) == "/caf\u00e9"  # UTF-8 bytes that arrived as latin-1
    assert decoded_path({"PATH_INFO": "/\u00ff"}) == "/\ufffd"  # not UTF-8: replaced, as werkzeug does
    assert decoded_path({"PATH_INFO": ""}) == "/"
    meta = request_meta(
        _environ(REQUEST_METHOD="OPTIONS", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
                 HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-a", HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK="true"),
        "/p",
    )
    assert meta == ("OPTIONS", "/p", ORIGIN, "PUT", "x-a", "true", None)
    assert meta.origin_count is None  # WSGI cannot count repeated fields


def test_raw_middleware_around_flask_puts_cors_on_its_error_pages() -> None:  # R27
    flask = pytest.importorskip("flask")
    app = flask.Flask("raw")

    @app.route("/fails")
    def fails() -> str:
        raise Boom("view failed")

    app.wsgi_app = CORSMiddleware(app.wsgi_app, POLICY)  # type: ignore[method-assign]
    c = app.test_client()
    for path, status in (("/fails", 500), ("/no-such-route", 404)):
        r = c.get(path, headers={"Origin": ORIGIN})
        assert r.status_code == status  # Flask's own error pages...
        assert r.headers["Access-Control-Allow-Origin"] == ORIGIN  # ...with the CORS headers
    preflight = c.options("/no-such-route", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert preflight.status_code == 200  # answered before Flask's routing


def test_requests_without_origin_reuse_the_cores_shared_decision() -> None:  # R2, R30
    from cors_core import RequestMeta, decide

    middleware = CORSMiddleware(Recorder(), POLICY)
    shared = middleware._no_origin
    assert shared is not None and shared.kind.value == "not-cors"
    for meta in (RequestMeta("POST", "/a"), RequestMeta("OPTIONS", "/b", None, "PUT", "x-token"), RequestMeta("GET", "/c", None)):
        assert decide(meta, POLICY) is shared  # what the shortcut relies on: one answer for every such request
    assert CORSMiddleware(Recorder(), PolicySet({"/api/*": POLICY}))._no_origin is None  # depends on the path there
    r = Client(middleware).get("/", headers={"Access-Control-Request-Method": "PUT"})
    assert cors_fields(r) == {} and vary_names(r) == ["Origin"]
