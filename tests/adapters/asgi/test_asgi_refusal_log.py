"""Refusals and report-only differences on ``cors_core.asgi``, through real Starlette and FastAPI apps (caplog).

The same records as every adapter's (tests/adapters/test_refusal_log.py): R23 refusals with structured,
escaped fields, bounded in number; a report-only candidate never changes a response, is logged where it
disagrees, and its callback hears of both decisions and can never break the answer.
Requests are driven with the scope a server builds, so that bytes a client library would refuse to send
(CR/LF, ESC) reach the middleware as they would from a raw socket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from _log_inputs import HOSTILE_ORIGINS, PRINTABLE
from cors_asgi import CORSMiddleware
from cors_asgi import middleware as asgi_middleware
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from cors_core import Decision, Policy, PolicySet, refusal_log

ORIGIN = "https://app.example"
OTHER = "https://other.example"
POLICY = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"])


@pytest.fixture(autouse=True)
def fresh_log() -> Iterator[None]:
    """Each test starts with nothing left out by an earlier one."""
    asgi_middleware.LOG.reset()
    yield
    asgi_middleware.LOG.reset()


def starlette_app(policy: Policy | PolicySet | None = POLICY, **options: Any) -> Starlette:
    async def items(request: Any) -> PlainTextResponse:
        return PlainTextResponse("items")

    middleware = [Middleware(CORSMiddleware, policy=policy, **options)] if policy is not None else [Middleware(CORSMiddleware, **options)]
    return Starlette(routes=[Route("/api/items", items, methods=["GET", "PUT"])], middleware=middleware)


def call(app: Any, method: str = "GET", path: str = "/api/items", **headers: str) -> tuple[int, dict[str, str]]:
    """One request through *app*, its header bytes as a server hands them over (latin-1, unvalidated)."""
    raw = [(name.replace("_", "-").encode(), value.encode("utf-8")) for name, value in headers.items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http", "path": path,
             "raw_path": path.encode("utf-8"), "root_path": "", "query_string": b"", "headers": raw, "client": ("127.0.0.1", 5),
             "server": ("127.0.0.1", 80)}  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in sent[0]["headers"]}


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "cors_core.asgi"]


def test_refusals_are_logged_with_structured_fields(caplog: pytest.LogCaptureFixture) -> None:
    """R23: origin, method and header refusals each give one record on cors_core.asgi naming the rule that applied."""
    caplog.set_level(logging.INFO, logger="cors_core")
    app = starlette_app(PolicySet({"/api/*": POLICY}))
    call(app, origin=OTHER)
    call(app, "OPTIONS", origin=ORIGIN, access_control_request_method="DELETE")
    call(app, "OPTIONS", origin=ORIGIN, access_control_request_method="PUT", access_control_request_headers="x-token,x-unlisted")
    call(app, origin=ORIGIN)  # allowed: not logged
    call(app)  # no Origin: not a CORS request, not logged
    got = records(caplog)
    assert [r.cors_reason for r in got] == ["origin-not-allowed", "method-not-allowed", "header-not-allowed"]  # type: ignore[attr-defined]
    assert [r.cors_name for r in got] == ["", "'DELETE'", "'x-unlisted'"]  # type: ignore[attr-defined]
    assert [r.cors_kind for r in got] == ["actual", "preflight", "preflight"]  # type: ignore[attr-defined]
    for r in got:
        assert r.levelno == logging.INFO and r.cors_path == "'/api/items'"  # type: ignore[attr-defined]
        assert r.cors_policy == "CORSMiddleware rule '/api/*'" and r.cors_suppressed == 0  # type: ignore[attr-defined]
    assert got[0].cors_origin == f"'{OTHER}'" and got[0].cors_method == "'GET'"  # type: ignore[attr-defined]
    assert "request header 'x-unlisted' is not allowed" in got[2].getMessage()


def test_fastapi_with_starlette_keywords_logs_on_the_same_logger(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cors_core.asgi")
    app = FastAPI()

    @app.get("/api/items")
    def items() -> dict[str, str]:
        return {"ok": "yes"}

    app.add_middleware(CORSMiddleware, allow_origins=[ORIGIN])
    client = TestClient(app)
    response = client.get("/api/items", headers={"Origin": OTHER})
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers
    [record] = records(caplog)
    assert record.cors_reason == "origin-not-allowed" and record.cors_policy == "CORSMiddleware"  # type: ignore[attr-defined]
    assert f"from origin '{OTHER}'" in record.getMessage()


def test_nothing_is_logged_or_built_while_the_level_is_off(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.WARNING, logger="cors_core")
    built: list[object] = []
    monkeypatch.setattr(refusal_log, "_fields", lambda *a: built.append(a))  # must never be reached
    app = starlette_app()
    for _ in range(3):
        call(app, origin=OTHER)
        call(app, "OPTIONS", origin=OTHER, access_control_request_method="PUT")
    assert records(caplog) == [] and built == []


@pytest.mark.parametrize("origin", HOSTILE_ORIGINS)
def test_no_request_byte_breaks_out_of_the_record(caplog: pytest.LogCaptureFixture, origin: str) -> None:
    """CVE-2024-1681 class: CR/LF, ANSI escapes, quotes, NUL and non-ASCII are escaped and cut, message and fields."""
    caplog.set_level(logging.INFO, logger="cors_core")
    call(starlette_app(PolicySet({"/*": POLICY})), path="/p\r\nath\x1b", origin=origin)
    [record] = records(caplog)
    texts = [record.getMessage(), *(str(v) for k, v in vars(record).items() if k.startswith("cors_"))]
    for text in texts:
        assert set(text) <= PRINTABLE and len(text) < 1000, text
    quoted = record.cors_origin  # type: ignore[attr-defined]
    assert quoted.startswith("'") and quoted.endswith("'") and "'" not in quoted[1:-1].replace("\\'", "")
    assert "\\x0d\\x0a" in record.cors_path and "\\x1b" in record.cors_path  # type: ignore[attr-defined]


def test_volume_is_bounded_per_reason_and_origin(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under attack: one record per (reason, origin) per interval, the next one counting what was left out."""
    caplog.set_level(logging.INFO, logger="cors_core")
    now = [1000.0]
    monkeypatch.setattr(refusal_log, "_clock", lambda: now[0])
    app = starlette_app()
    for _ in range(300):
        call(app, origin=OTHER)
        call(app, "OPTIONS", origin=ORIGIN, access_control_request_method="DELETE")
    assert len(records(caplog)) == 2
    now[0] += refusal_log.DEFAULT_INTERVAL
    call(app, origin=OTHER)
    last = records(caplog)[-1]
    assert last.cors_suppressed == 299 and "299 more like it were not logged" in last.getMessage()  # type: ignore[attr-defined]


def test_distinct_origins_use_bounded_memory(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO, logger="cors_core")
    monkeypatch.setattr(refusal_log, "_clock", lambda: 5.0)
    app = starlette_app()
    for n in range(refusal_log.DEFAULT_MAX_KEYS + 500):
        call(app, origin=f"https://a{n}.example")
    assert asgi_middleware.LOG.remembered() <= refusal_log.DEFAULT_MAX_KEYS + 1
    assert len(records(caplog)) == refusal_log.DEFAULT_MAX_KEYS + 1  # then one shared slot


def test_refused_websocket_handshakes_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.close()

    caplog.set_level(logging.INFO, logger="cors_core")
    app = Starlette(
        routes=[WebSocketRoute("/ws", echo)], middleware=[Middleware(CORSMiddleware, policy=POLICY, websocket_origin_check=True)]
    )
    with pytest.raises(WebSocketDisconnect), TestClient(app).websocket_connect("/ws", headers={"Origin": OTHER}):
        pass
    [record] = records(caplog)
    assert record.cors_reason == "origin-not-allowed" and record.cors_policy == "CORSMiddleware (WebSocket)"  # type: ignore[attr-defined]


REQUESTS: list[tuple[str, dict[str, str]]] = [
    ("GET", {"origin": ORIGIN}),  # allowed, the candidate would refuse
    ("GET", {"origin": OTHER}),  # refused, the candidate would allow
    ("GET", {}),  # not CORS: never compared
    ("GET", {"origin": "https://third.example"}),  # both refuse: no report
    ("OPTIONS", {"origin": OTHER, "access_control_request_method": "DELETE"}),  # refused origin, allowed by the candidate
]


def test_report_only_never_changes_a_response_and_reports_both_ways(caplog: pytest.LogCaptureFixture) -> None:
    """The enforced policy alone shapes the answer; the candidate's disagreements are logged and passed to on_report."""
    caplog.set_level(logging.WARNING, logger="cors_core")  # report-only records are WARNING: shown by default
    candidate = Policy([OTHER], allow_methods=["PUT", "DELETE"])
    told: list[tuple[Decision, Decision]] = []
    plain = starlette_app()
    wrapped = starlette_app(report_only=candidate, on_report=lambda e, c: told.append((e, c)))
    for method, headers in REQUESTS:
        assert call(wrapped, method, **headers) == call(plain, method, **headers)
    assert [(e.reason, c.reason) for e, c in told] == [
        ("allowed", "origin-not-allowed"),
        ("origin-not-allowed", "allowed"),
        ("origin-not-allowed", "allowed"),
    ]
    assert [e.kind.value for e, _ in told] == ["actual", "actual", "preflight"]
    got = records(caplog)  # the callback hears of every one; the log of one per (change, reason, origin)
    assert [r.cors_report for r in got] == ["would-refuse", "would-allow"]  # type: ignore[attr-defined]
    assert [(r.cors_enforced, r.cors_candidate) for r in got] == [("allowed", "origin-not-allowed"), ("origin-not-allowed", "allowed")]  # type: ignore[attr-defined]
    assert all(r.levelno == logging.WARNING for r in got)
    assert "the candidate policy would refuse 'GET' '/api/items' from origin 'https://app.example'" in got[0].getMessage()


def test_report_only_with_starlette_keywords_and_a_policy_set_candidate(caplog: pytest.LogCaptureFixture) -> None:
    """FastAPI's add_middleware with Starlette's keywords takes report_only= too; a PolicySet candidate sees the path."""
    caplog.set_level(logging.WARNING, logger="cors_core")
    told: list[tuple[str, str]] = []
    app = FastAPI()

    @app.get("/api/items")
    def items() -> dict[str, str]:
        return {"ok": "yes"}

    app.add_middleware(
        CORSMiddleware,
        allow_origins=[ORIGIN, OTHER],
        report_only=PolicySet({"/api/*": Policy([ORIGIN])}),
        on_report=lambda e, c: told.append((e.reason, c.reason)),
    )
    response = TestClient(app).get("/api/items", headers={"Origin": OTHER})
    assert response.headers["access-control-allow-origin"] == OTHER  # enforced: Starlette's keywords allow it
    assert told == [("allowed", "origin-not-allowed")]
    [record] = records(caplog)
    assert record.cors_report == "would-refuse" and record.cors_policy == "CORSMiddleware"  # type: ignore[attr-defined]


def test_report_only_candidate_with_an_async_origin_check_is_awaited() -> None:
    asked: list[str] = []

    async def check(origin: str) -> bool:
        asked.append(origin)
        return origin.endswith(".partner.example")

    told: list[tuple[str, str]] = []
    app = starlette_app(report_only=Policy([ORIGIN], origin_check=check), on_report=lambda e, c: told.append((e.reason, c.reason)))
    status, headers = call(app, origin="https://a.partner.example")
    assert status == 200 and "access-control-allow-origin" not in headers  # enforced: refused
    assert asked == ["https://a.partner.example"] and told == [("origin-not-allowed", "allowed")]


def test_a_failing_on_report_does_not_break_the_response(caplog: pytest.LogCaptureFixture) -> None:
    def broken(enforced: Decision, candidate: Decision) -> None:
        raise RuntimeError("metrics down")

    app = starlette_app(report_only=Policy([OTHER]), on_report=broken)
    for _ in range(3):
        status, headers = call(app, origin=ORIGIN)
        assert status == 200 and headers["access-control-allow-origin"] == ORIGIN
    failures = [r for r in records(caplog) if "on_report raised" in r.getMessage()]
    assert len(failures) == 1 and failures[0].levelno == logging.ERROR  # bounded too


def test_report_only_is_checked_at_start_up() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        return None

    with pytest.raises(TypeError, match="report_only must be a cors_core Policy"):
        CORSMiddleware(app, POLICY, report_only={"origins": [ORIGIN]})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on_report is only called with a report-only policy"):
        CORSMiddleware(app, POLICY, on_report=print)
    with pytest.raises(TypeError, match="on_report must be a function"):
        CORSMiddleware(app, allow_origins=[ORIGIN], report_only=POLICY, on_report="metrics.count")  # type: ignore[arg-type]
