"""cors_asgi.CORSMiddleware in process: plain ASGI apps, Starlette and FastAPI apps through Starlette's TestClient."""

from __future__ import annotations

import asyncio
import re
import warnings
from typing import Any

import pytest
from cors_asgi import CORSMiddleware
from cors_asgi._scope import route_path
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from cors_core import Policy, PolicyError, PolicySet, RequestMeta, UninspectableOriginCheck, decide

ORIGIN = "https://app.example"
OTHER = "https://evil.example"
POLICY = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"], allow_credentials=True, expose_headers=["X-Total"], max_age=60)
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

Message = dict[str, Any]


async def call(app: Any, scope: dict[str, Any], messages: list[Message] | None = None, sent: list[Message] | None = None) -> list[Message]:
    """Run *app* on one scope with a recording send; *messages* are what receive() returns, in order.

    Pass *sent* to keep what was sent when *app* raises.
    """
    sent = [] if sent is None else sent
    inbox = list(messages or [{"type": "http.request", "body": b"", "more_body": False}])

    async def receive() -> Message:
        return inbox.pop(0) if inbox else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def http_scope(method: str = "GET", path: str = "/", headers: list[tuple[bytes, bytes]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "method": method, "path": path, "root_path": "", "headers": headers or [], **extra}


def header_map(message: Message) -> dict[bytes, list[bytes]]:
    out: dict[bytes, list[bytes]] = {}
    for name, value in message["headers"]:
        out.setdefault(name.lower(), []).append(value)
    return out


class RecordingApp:
    """A raw ASGI app: answers with the given status and headers in several body chunks; records the calls."""

    def __init__(self, status: int = 200, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.status = status
        self.headers = headers if headers is not None else [(b"content-type", b"text/plain")]
        self.calls: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls.append(scope["type"])
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers, "trailers": False})
        await send({"type": "http.response.body", "body": b"one", "more_body": True})
        await send({"type": "http.response.body", "body": b"two", "more_body": False})


def test_preflight_is_answered_before_the_app() -> None:  # R16, R17, decision #1: Content-Length 0 unless 204
    app = RecordingApp()
    scope = http_scope(
        "OPTIONS",
        headers=[(b"origin", ORIGIN.encode()), (b"access-control-request-method", b"PUT"), (b"access-control-request-headers", b"x-token")],
    )
    sent = asyncio.run(call(CORSMiddleware(app, POLICY), scope))
    assert app.calls == []
    start, body = sent
    assert start["status"] == POLICY.preflight_status and body == {"type": "http.response.body", "body": b""}
    headers = header_map(start)
    assert headers[b"access-control-allow-origin"] == [ORIGIN.encode()]
    assert headers[b"access-control-allow-methods"] == [b"PUT"]
    assert headers[b"access-control-allow-headers"] == [b"x-token"]
    assert headers[b"access-control-max-age"] == [b"60"]
    assert headers[b"vary"] == [PREFLIGHT_VARY.encode()]
    assert headers.get(b"content-length") == (None if start["status"] == 204 else [b"0"])
    no_content = asyncio.run(call(CORSMiddleware(app, POLICY.replace(preflight_status=204)), scope))
    assert no_content[0]["status"] == 204 and b"content-length" not in header_map(no_content[0])  # RFC 9110 8.6


def test_refused_preflight_has_no_allow_headers() -> None:  # R17, R23
    scope = http_scope("OPTIONS", headers=[(b"origin", OTHER.encode()), (b"access-control-request-method", b"PUT")])
    start, _ = asyncio.run(call(CORSMiddleware(RecordingApp(), POLICY), scope))
    assert start["status"] == POLICY.refused_preflight_status
    assert not [n for n, _ in start["headers"] if n.startswith(b"access-control-allow")]


@pytest.mark.parametrize("status", [200, 302, 404, 500])
def test_every_status_gets_cors_app_headers_replaced_and_one_vary(status: int) -> None:  # R11, R27, R33
    app_headers = [(b"content-type", b"text/plain"), (b"Vary", b"Accept-Encoding"), (b"access-control-allow-origin", b"*")]
    app = RecordingApp(status, app_headers)
    sent = asyncio.run(call(CORSMiddleware(app, POLICY), http_scope(headers=[(b"origin", ORIGIN.encode())])))
    headers = header_map(sent[0])
    assert sent[0]["status"] == status
    assert headers[b"access-control-allow-origin"] == [ORIGIN.encode()]
    assert headers[b"access-control-allow-credentials"] == [b"true"]
    assert headers[b"access-control-expose-headers"] == [b"X-Total"]
    assert headers[b"vary"] == [b"Accept-Encoding, Origin"]
    assert app.headers == app_headers  # the app's own list is never changed


def test_body_messages_and_extra_keys_pass_untouched() -> None:
    """Only http.response.start changes (its headers); body chunks, more_body and extra keys go through as sent."""
    sent = asyncio.run(call(CORSMiddleware(RecordingApp(), POLICY), http_scope(headers=[(b"origin", ORIGIN.encode())])))
    assert sent[0]["trailers"] is False
    assert sent[1:] == [
        {"type": "http.response.body", "body": b"one", "more_body": True},
        {"type": "http.response.body", "body": b"two", "more_body": False},
    ]


def test_no_origin_gets_vary_only() -> None:  # R2, R30
    sent = asyncio.run(call(CORSMiddleware(RecordingApp(), POLICY), http_scope()))
    headers = header_map(sent[0])
    assert headers[b"vary"] == [b"Origin"] and b"access-control-allow-origin" not in headers


def test_two_origin_fields_are_refused() -> None:  # R7: ASGI keeps repeated fields apart, so they are counted
    scope = http_scope(headers=[(b"origin", ORIGIN.encode()), (b"origin", ORIGIN.encode())])
    headers = header_map(asyncio.run(call(CORSMiddleware(RecordingApp(), POLICY), scope))[0])
    assert b"access-control-allow-origin" not in headers and headers[b"vary"] == [b"Origin"]


def test_header_names_are_matched_case_insensitively() -> None:  # a server that keeps the client's spelling
    scope = http_scope(headers=[(b"Origin", ORIGIN.encode())])
    headers = header_map(asyncio.run(call(CORSMiddleware(RecordingApp(), POLICY), scope))[0])
    assert headers[b"access-control-allow-origin"] == [ORIGIN.encode()]


def test_underscore_spelling_is_not_an_origin() -> None:  # no '_' / '-' folding as in CGI variables
    scope = http_scope(headers=[(b"origin_", ORIGIN.encode()), (b"x-origin", ORIGIN.encode())])
    headers = header_map(asyncio.run(call(CORSMiddleware(RecordingApp(), POLICY), scope))[0])
    assert b"access-control-allow-origin" not in headers


def test_lifespan_and_other_scopes_pass_through() -> None:
    app = RecordingApp()
    middleware = CORSMiddleware(app, POLICY)
    asyncio.run(call(middleware, {"type": "lifespan", "asgi": {"version": "3.0"}}, [{"type": "lifespan.startup"}]))
    asyncio.run(call(middleware, {"type": "websocket", "path": "/ws", "headers": [(b"origin", OTHER.encode())]}))
    assert app.calls == ["lifespan", "websocket"]  # websocket_origin_check is off by default


def test_policy_set_scopes_by_path_below_root_path() -> None:
    policy = PolicySet({"/api/*": POLICY})
    app = RecordingApp()
    origin = [(b"origin", ORIGIN.encode())]
    inside = asyncio.run(call(CORSMiddleware(app, policy), http_scope(path="/mount/api/x", root_path="/mount", headers=origin)))
    outside = asyncio.run(call(CORSMiddleware(app, policy), http_scope(path="/mount/other", root_path="/mount", headers=origin)))
    assert header_map(inside[0])[b"access-control-allow-origin"] == [ORIGIN.encode()]
    assert b"access-control-allow-origin" not in header_map(outside[0]) and b"vary" not in header_map(outside[0])


@pytest.mark.parametrize(
    ("scope", "routed"),
    [
        ({"path": "/mount/api/x", "root_path": "/mount"}, "/api/x"),
        ({"path": "/mount", "root_path": "/mount"}, "/"),
        ({"path": "/mountain", "root_path": "/mount"}, "/mountain"),  # not a segment of /mount: kept whole
        ({"path": "/api/x", "root_path": "/mount"}, "/api/x"),  # a server whose path leaves root_path out
        ({"path": "/api/x", "root_path": ""}, "/api/x"),
        ({"path": "/api/x"}, "/api/x"),  # no root_path key at all
        ({"path": ""}, "/"),
    ],
)
def test_route_path_strips_root_path_only_at_a_segment_boundary(scope: dict[str, Any], routed: str) -> None:
    assert route_path(scope) == routed


def test_policy_set_sees_mountain_under_root_path_mount_whole() -> None:
    policy = PolicySet({"/mountain/*": POLICY})
    origin = [(b"origin", ORIGIN.encode())]
    without_root = {k: v for k, v in http_scope(path="/mountain/x", headers=origin).items() if k != "root_path"}
    for scope in (http_scope(path="/mountain/x", root_path="/mount", headers=origin), without_root):
        sent = asyncio.run(call(CORSMiddleware(RecordingApp(), policy), scope))
        assert header_map(sent[0])[b"access-control-allow-origin"] == [ORIGIN.encode()]


class Boom(RuntimeError):
    pass


def test_exception_before_start_gives_a_500_with_cors_and_is_reraised() -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise Boom("broken")

    sent: list[Message] = []
    with pytest.raises(Boom):
        asyncio.run(call(CORSMiddleware(failing, POLICY), http_scope(headers=[(b"origin", ORIGIN.encode())]), sent=sent))
    assert sent[0]["status"] == 500
    headers = header_map(sent[0])
    assert headers[b"access-control-allow-origin"] == [ORIGIN.encode()] and headers[b"vary"] == [b"Origin"]
    assert sent[1]["body"] == b"Internal Server Error\n"


def test_exception_after_start_is_only_reraised() -> None:
    async def half(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise Boom("mid-stream")

    sent: list[Message] = []
    with pytest.raises(Boom):
        asyncio.run(call(CORSMiddleware(half, POLICY), http_scope(headers=[(b"origin", ORIGIN.encode())]), sent=sent))
    assert [m["type"] for m in sent] == ["http.response.start"]  # no second start


# --- Starlette and FastAPI apps -------------------------------------------------------------------------


def _starlette_app(**options: Any) -> Starlette:
    async def home(request: Any) -> Response:
        return PlainTextResponse("home", headers={"Vary": "Accept-Encoding"})

    async def boom(request: Any) -> Response:
        raise Boom("unhandled")

    async def stream(request: Any) -> Response:
        async def chunks() -> Any:
            yield b"a"
            yield b"b"

        return StreamingResponse(chunks(), media_type="text/plain")

    routes = [Route("/", home), Route("/boom", boom), Route("/stream", stream)]
    app = Starlette(routes=routes)
    app.add_middleware(CORSMiddleware, **options)
    return app


def test_starlette_keywords_mean_what_they_mean_in_starlette() -> None:
    app = _starlette_app(allow_origins=[ORIGIN], allow_headers=["X-Token"], allow_methods=["*"], expose_headers=["X-Total"])
    client = TestClient(app)
    ok = client.options(
        "/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "QUERY", "Access-Control-Request-Headers": "x-token"}
    )
    assert ok.status_code == 200 and ok.headers["content-length"] == "0"  # Starlette answers preflights with 200
    assert ok.headers["access-control-allow-methods"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY"
    assert ok.headers["access-control-allow-headers"] == "Accept, Accept-Language, Content-Language, Content-Type, X-Token"
    assert ok.headers["access-control-max-age"] == "600"  # Starlette's default max_age
    refused = client.options("/", headers={"Origin": OTHER, "Access-Control-Request-Method": "GET"})
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    got = client.get("/", headers={"Origin": ORIGIN})
    assert got.headers["access-control-allow-origin"] == ORIGIN and got.headers["vary"] == "Accept-Encoding, Origin"
    assert got.headers["access-control-expose-headers"] == "X-Total"


@pytest.mark.parametrize("methods", ["*", ["*"]])
def test_starlette_bare_star_methods_is_its_eight_methods(methods: Any) -> None:  # R18, R23 (revised)
    """Starlette tests ``"*" in allow_methods``, so a bare "*" means its eight methods too, not "any method"."""
    client = TestClient(_starlette_app(allow_origins=[ORIGIN], allow_methods=methods))
    eight = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY"
    ok = client.options("/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PATCH"})
    assert ok.status_code == 200 and ok.headers["access-control-allow-methods"] == eight
    for custom in ("FOO", "PROPFIND"):  # refused at the method step: the allowed list, never the requested name
        refused = client.options("/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": custom})
        assert refused.headers["access-control-allow-methods"] == eight and "access-control-max-age" not in refused.headers


def test_starlette_keywords_refused_method_or_header_of_an_allowed_origin_get_200_and_the_lists() -> None:  # D15, R23 (revised)
    """Starlette answers 400; here the console names the method or header, and 400 stays for a refused origin (D7)."""
    client = TestClient(_starlette_app(allow_origins=[ORIGIN], allow_methods=["GET", "PUT"], allow_headers=["X-Token"]))
    unlisted_header = {"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-other"}
    for asked in ({"Access-Control-Request-Method": "PATCH"}, unlisted_header):
        r = client.options("/", headers={"Origin": ORIGIN, **asked})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN
        assert r.headers["access-control-allow-methods"] == "GET, PUT"
        assert r.headers["access-control-allow-headers"] == "Accept, Accept-Language, Content-Language, Content-Type, X-Token"
        assert "access-control-max-age" not in r.headers
    refused = client.options("/", headers={"Origin": OTHER, "Access-Control-Request-Method": "PATCH"})
    assert refused.status_code == 400 and not [n for n in refused.headers if n.startswith("access-control-")]


def test_starlette_allow_headers_are_listed_in_starlettes_order() -> None:  # R21; guide: allow_headers "listed the same way"
    """Starlette sends sorted() names, upper case before lower case: 'X-Token' before 'authorization'."""
    client = TestClient(_starlette_app(allow_origins=[ORIGIN], allow_headers=["authorization", "X-Token"]))
    r = client.options("/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
    assert r.headers["access-control-allow-headers"] == "Accept, Accept-Language, Content-Language, Content-Type, X-Token, authorization"


@pytest.mark.parametrize("keyword", ["allow_origins", "allow_methods", "allow_headers"])
def test_starlette_none_is_a_type_error_as_in_starlette(keyword: str) -> None:  # guide: refused configurations
    options: dict[str, Any] = {"allow_origins": [ORIGIN], keyword: None}
    with pytest.raises(TypeError):  # Starlette's own: "*" in None
        TestClient(Starlette(middleware=[Middleware(StarletteCORSMiddleware, **options)])).get("/")
    with pytest.raises(TypeError, match=f"{keyword}=None: Starlette refuses None there too"):
        TestClient(_starlette_app(**options)).get("/")


def test_starlette_star_headers_echo_authorization_too() -> None:  # Starlette's '*' covers Authorization, unlike R21's
    client = TestClient(_starlette_app(allow_origins=[ORIGIN], allow_headers=["*"]))
    r = client.options(
        "/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "Authorization, X-Token"}
    )
    assert r.status_code == 200 and r.headers["access-control-allow-headers"] == "Authorization, X-Token"


def test_starlette_origin_regex_is_full_matched() -> None:
    client = TestClient(_starlette_app(allow_origin_regex=r"https://[a-z]+\.example\.org"))
    assert (
        client.get("/", headers={"Origin": "https://app.example.org"}).headers["access-control-allow-origin"] == "https://app.example.org"
    )
    assert "access-control-allow-origin" not in client.get("/", headers={"Origin": "https://app.example.org.evil.example"}).headers


def test_starlette_any_depth_subdomain_regex_is_accepted() -> None:  # R8: each round ends at its own '.'
    client = TestClient(_starlette_app(allow_origin_regex=r"https://([a-z0-9-]+\.)+example\.org"))
    assert client.get("/", headers={"Origin": "https://a.b.example.org"}).headers["access-control-allow-origin"] == "https://a.b.example.org"
    assert "access-control-allow-origin" not in client.get("/", headers={"Origin": "https://example.org"}).headers


@pytest.mark.parametrize(
    ("options", "named", "advice"),
    [
        ({"allow_origins": ["*"], "allow_credentials": True}, "allow_origins", "allow_origins=['https://app.example.com']"),
        ({}, "allow_origins", "list origins"),
        ({"allow_origins": "https://app.example"}, "allow_origins", "pass a list"),
        ({"allow_origins": ["https://*.example.com"]}, "allow_origins", "allow_origin_regex="),
        ({"allow_origin_regex": "https://(a"}, "allow_origin_regex", "fix the regular expression"),
        ({"allow_origins": [ORIGIN], "max_age": 10**7}, "max_age", "max_age=600"),
        ({"allow_origins": [ORIGIN], "allow_credentials": "yes"}, "allow_credentials", "allow_credentials=True"),
    ],
)
def test_unsafe_or_wrong_starlette_options_are_refused_at_start_up(options: dict[str, Any], named: str, advice: str) -> None:
    with pytest.raises(PolicyError) as caught:
        CORSMiddleware(RecordingApp(), **options)
    assert f"{named}=" in str(caught.value) and advice in str(caught.value)


def test_policy_and_starlette_keywords_together_are_refused() -> None:
    with pytest.raises(TypeError, match="either policy= or Starlette's keywords"):
        CORSMiddleware(RecordingApp(), POLICY, allow_origins=[ORIGIN])
    with pytest.raises(TypeError, match=r"allow_origins=\[...\]"):
        CORSMiddleware(RecordingApp(), [ORIGIN])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unknown CORSMiddleware keyword"):
        CORSMiddleware(RecordingApp(), allow_origin=[ORIGIN])


def test_starlette_exception_gives_a_readable_500_with_cors() -> None:
    """The error layer Starlette puts outside user middleware sees a started response and only re-raises."""
    client = TestClient(_starlette_app(allow_origins=[ORIGIN]), raise_server_exceptions=False)
    r = client.get("/boom", headers={"Origin": ORIGIN})
    assert r.status_code == 500 and r.text == "Internal Server Error\n"
    assert r.headers["access-control-allow-origin"] == ORIGIN and r.headers["vary"] == "Origin"
    with pytest.raises(Boom):
        TestClient(_starlette_app(allow_origins=[ORIGIN])).get("/boom", headers={"Origin": ORIGIN})


def test_starlette_streaming_response_keeps_its_chunks() -> None:
    client = TestClient(_starlette_app(allow_origins=[ORIGIN]))
    with client.stream("GET", "/stream", headers={"Origin": ORIGIN}) as r:
        assert list(r.iter_raw()) == [b"a", b"b"]
        assert r.headers["access-control-allow-origin"] == ORIGIN


def test_fastapi_add_middleware_with_one_import_changed() -> None:
    app = FastAPI()

    @app.get("/items")
    async def items() -> dict[str, int]:
        return {"count": 1}

    @app.put("/items")
    async def put_items() -> dict[str, bool]:
        return {"ok": True}

    app.add_middleware(
        CORSMiddleware, allow_origins=[ORIGIN], allow_methods=["GET", "PUT"], allow_headers=["Authorization"], allow_credentials=True
    )
    client = TestClient(app)
    pre = client.options(
        "/items", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization"}
    )
    assert pre.status_code == 200 and pre.headers["access-control-allow-credentials"] == "true"
    assert pre.headers["access-control-allow-methods"] == "GET, PUT"
    r = client.put("/items", headers={"Origin": ORIGIN})
    assert r.json() == {"ok": True} and r.headers["access-control-allow-origin"] == ORIGIN
    missing = client.get("/nowhere", headers={"Origin": ORIGIN})
    assert missing.status_code == 404 and missing.headers["access-control-allow-origin"] == ORIGIN  # R27


def test_fastapi_with_a_ready_policy() -> None:
    app = FastAPI()

    @app.get("/")
    async def root() -> str:
        return "x"

    app.add_middleware(CORSMiddleware, policy=Policy("*"))
    r = TestClient(app).get("/", headers={"Origin": OTHER})
    assert r.headers["access-control-allow-origin"] == "*" and "vary" not in r.headers  # R31


# --- async origin_check ---------------------------------------------------------------------------------


def test_async_origin_check_is_awaited_only_for_origins_the_core_asks_about() -> None:
    asked: list[str] = []

    async def check(origin: str) -> bool:
        asked.append(origin)
        await asyncio.sleep(0)
        return origin.endswith(".partner.example")

    policy = Policy([ORIGIN], origin_check=check)
    middleware = CORSMiddleware(RecordingApp(), policy)
    assert middleware.policy is policy

    def acao(origin: str) -> list[bytes] | None:
        sent = asyncio.run(call(middleware, http_scope(headers=[(b"origin", origin.encode())])))
        return header_map(sent[0]).get(b"access-control-allow-origin")

    assert acao("https://a.partner.example") == [b"https://a.partner.example"]
    assert acao(OTHER) is None
    assert acao(ORIGIN) == [ORIGIN.encode()]  # a listed origin never reaches the check
    assert acao("not an origin") is None  # the shape check runs before the user's check
    assert asked == ["https://a.partner.example", OTHER]
    preflight = http_scope("OPTIONS", headers=[(b"origin", b"https://b.partner.example"), (b"access-control-request-method", b"GET")])
    start = asyncio.run(call(middleware, preflight))[0]
    assert start["status"] == policy.preflight_status and header_map(start)[b"access-control-allow-origin"] == [
        b"https://b.partner.example"
    ]


def test_async_origin_check_failure_refuses_and_cacheable_results_are_kept() -> None:
    calls: list[str] = []

    async def check(origin: str) -> bool:
        calls.append(origin)
        if "fail" in origin:
            raise RuntimeError("backend down")
        return True

    middleware = CORSMiddleware(RecordingApp(), PolicySet({"/api/*": Policy(origin_check=check, origin_check_cacheable=True)}))
    for origin in ("https://ok.example", "https://ok.example", "https://fail.example"):
        sent = asyncio.run(call(middleware, http_scope(path="/api/x", headers=[(b"origin", origin.encode())])))
        assert (b"access-control-allow-origin" in header_map(sent[0])) is ("fail" not in origin)
    assert calls == ["https://ok.example", "https://fail.example"]


def test_credentialed_async_origin_check_warns_once_naming_the_users_check() -> None:  # R15: the check is the user's to vet
    """The Policy warns about the uninspectable check; the middleware's stand-in for it must not warn again."""

    async def check(origin: str) -> bool:
        return origin == OTHER

    with pytest.warns(UninspectableOriginCheck, match="origin_check='.*check'"):
        policy = Policy([ORIGIN], origin_check=check, allow_credentials=True)
    app = Starlette(routes=[Route("/", lambda request: PlainTextResponse("home"))])
    app.add_middleware(CORSMiddleware, policy=policy, report_only=policy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = TestClient(app).get("/", headers={"Origin": OTHER})
    assert r.headers["access-control-allow-origin"] == OTHER and r.headers["access-control-allow-credentials"] == "true"
    assert [w.message for w in caught if issubclass(w.category, UninspectableOriginCheck)] == []


def test_sync_origin_check_runs_inline() -> None:
    policy = Policy(origin_check=lambda origin: origin == ORIGIN)
    sent = asyncio.run(call(CORSMiddleware(RecordingApp(), policy), http_scope(headers=[(b"origin", ORIGIN.encode())])))
    assert header_map(sent[0])[b"access-control-allow-origin"] == [ORIGIN.encode()]


# --- WebSocket origin check (cross-site WebSocket hijacking) ----------------------------------------------


def _ws_app(check: bool) -> Starlette:
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/ws", echo)])
    app.add_middleware(CORSMiddleware, policy=Policy([ORIGIN]), websocket_origin_check=check)
    return app


def test_websocket_from_an_allowed_origin_or_without_origin_connects() -> None:
    client = TestClient(_ws_app(True))
    for headers in ({"Origin": ORIGIN}, {}):
        with client.websocket_connect("/ws", headers=headers) as ws:
            assert ws.receive_text() == "hello"


def test_websocket_from_another_origin_is_refused_with_403() -> None:
    from starlette.testclient import WebSocketDenialResponse

    client = TestClient(_ws_app(True))
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect("/ws", headers={"Origin": OTHER}):
            pass
    assert denied.value.status_code == 403


def test_websocket_refusal_without_the_http_response_extension_closes_with_1008() -> None:
    scope = {"type": "websocket", "path": "/ws", "headers": [(b"origin", OTHER.encode())], "extensions": {}}
    app = RecordingApp()
    sent = asyncio.run(call(CORSMiddleware(app, Policy([ORIGIN]), websocket_origin_check=True), scope, [{"type": "websocket.connect"}]))
    assert sent == [{"type": "websocket.close", "code": 1008}] and app.calls == []


def test_websocket_check_is_off_by_default() -> None:
    with TestClient(_ws_app(False)).websocket_connect("/ws", headers={"Origin": OTHER}) as ws:
        assert ws.receive_text() == "hello"


def test_websocket_check_flag_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="websocket_origin_check"):
        CORSMiddleware(RecordingApp(), POLICY, websocket_origin_check="yes")  # type: ignore[arg-type]


def test_repr_names_the_app_and_policy() -> None:
    assert re.match(r"CORSMiddleware\(.*RecordingApp.*Policy\(", repr(CORSMiddleware(RecordingApp(), POLICY)))


def test_headers_given_as_a_generator_are_kept() -> None:
    """ASGI allows any iterable of pairs for the response headers; it must not be consumed by the check."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        pairs = [(b"content-type", b"text/plain"), (b"x-app", b"1")]
        await send({"type": "http.response.start", "status": 200, "headers": (pair for pair in pairs)})
        await send({"type": "http.response.body", "body": b"ok"})

    sent = asyncio.run(call(CORSMiddleware(app, POLICY), http_scope(headers=[(b"origin", ORIGIN.encode())])))
    headers = header_map(sent[0])
    assert headers[b"x-app"] == [b"1"] and headers[b"content-type"] == [b"text/plain"]
    assert headers[b"access-control-allow-origin"] == [ORIGIN.encode()]


def test_only_listed_origins_get_their_encoded_answer_remembered() -> None:  # R7, R10; nothing keyed on what clients send
    policy = Policy([ORIGIN, "https://*.example.com"])
    middleware = CORSMiddleware(RecordingApp(), policy)
    for i in range(200):
        asyncio.run(call(middleware, http_scope(headers=[(b"origin", f"https://evil{i}.example.net".encode())])))
        asyncio.run(call(middleware, http_scope(headers=[(b"origin", f"https://t{i}.example.com".encode())])))
    assert middleware._answers == {}
    for _ in range(2):
        sent = asyncio.run(call(middleware, http_scope(headers=[(b"origin", ORIGIN.encode())])))
        assert header_map(sent[0])[b"access-control-allow-origin"] == [ORIGIN.encode()]
    assert list(middleware._answers) == [ORIGIN.encode()]
    # a repeated Origin field is never answered from the remembered answer (R7)
    twice = header_map(asyncio.run(call(middleware, http_scope(headers=[(b"origin", ORIGIN.encode())] * 2)))[0])
    assert b"access-control-allow-origin" not in twice


@pytest.mark.parametrize("debug", [False, True])
def test_pattern_answers_reflect_each_origin_with_the_policys_other_headers(debug: bool) -> None:  # R8, R10-R12, R28, R30
    policy = Policy(["https://*.example.com"], allow_credentials=True, expose_headers=["X-Total"], debug=debug)
    middleware = CORSMiddleware(RecordingApp(), policy)
    for origin in ("https://a.example.com", "https://b.c.example.com", "https://a.example.com"):
        sent = asyncio.run(call(middleware, http_scope(headers=[(b"origin", origin.encode())])))
        expected = decide(RequestMeta("GET", "/", origin), policy)
        got = {name.decode(): values for name, values in header_map(sent[0]).items() if name != b"content-type"}
        assert got == {name.lower(): [value.encode()] for name, value in expected.items()}
        assert got["access-control-allow-origin"] == [origin.encode()] and got["access-control-allow-credentials"] == [b"true"]
    assert middleware._answers == {}  # each pattern answer is built per request, nothing kept per origin


@pytest.mark.parametrize(
    "options",
    [{"policy": PolicySet({"/*": POLICY})}, {"policy": POLICY, "report_only": Policy([OTHER])}],
    ids=["policy-set", "report-only"],
)
def test_nothing_is_remembered_where_every_request_must_be_decided(options: dict[str, Any]) -> None:
    middleware = CORSMiddleware(RecordingApp(), **options)
    for _ in range(3):
        sent = asyncio.run(call(middleware, http_scope(headers=[(b"origin", ORIGIN.encode())])))
        assert header_map(sent[0])[b"access-control-allow-origin"] == [ORIGIN.encode()]
    assert middleware._answers == {}
