"""Refusals and report-only differences on the ``cors_core`` loggers, through real WSGI and Flask apps (caplog).

R23 refusals (origin, method, header) are logged with structured fields, escaped, and bounded in number;
a report-only candidate never changes a response but is logged (and its callback told) where it disagrees.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from _log_inputs import HOSTILE_ORIGINS, PRINTABLE
from cors_wsgi import CORSMiddleware
from cors_wsgi import middleware as wsgi_middleware
from werkzeug.test import Client, EnvironBuilder

from cors_core import Decision, Policy, PolicySet, refusal_log

ORIGIN = "https://app.example"
OTHER = "https://other.example"
POLICY = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"])


def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@pytest.fixture(autouse=True)
def fresh_logs() -> Iterator[None]:
    """Each test starts with nothing left out by an earlier one."""
    logs = [wsgi_middleware.LOG]
    flask_log = pytest.importorskip("cors_flask._log").LOG
    logs.append(flask_log)
    for log in logs:
        log.reset()
    yield
    for log in logs:
        log.reset()


def call(wsgi_app: Any, method: str = "GET", path: str = "/api/items", **headers: str) -> tuple[str, dict[str, str]]:
    """One request, its headers set in the environ as a server would (no client-side validation of the bytes)."""
    environ = EnvironBuilder(method=method, path=path).get_environ()
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, fields: list[tuple[str, str]], exc_info: object = None) -> None:
        seen["status"], seen["headers"] = status, dict(fields)

    body = wsgi_app(environ, start_response)
    b"".join(body)
    return seen["status"], seen["headers"]


def records(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def test_refusals_are_logged_with_structured_fields(caplog: pytest.LogCaptureFixture) -> None:
    """R23: origin, method and header refusals each give one record on cors_core.wsgi naming the rule that applied."""
    caplog.set_level(logging.INFO, logger="cors_core")
    wrapped = CORSMiddleware(app, PolicySet({"/api/*": POLICY}))
    call(wrapped, origin=OTHER)
    call(wrapped, "OPTIONS", origin=ORIGIN, access_control_request_method="DELETE")
    call(wrapped, "OPTIONS", origin=ORIGIN, access_control_request_method="PUT", access_control_request_headers="x-token,x-unlisted")
    call(wrapped, origin=ORIGIN)  # allowed: not logged
    call(wrapped)  # no Origin: not a CORS request, not logged
    got = records(caplog, "cors_core.wsgi")
    assert [r.cors_reason for r in got] == ["origin-not-allowed", "method-not-allowed", "header-not-allowed"]  # type: ignore[attr-defined]
    assert [r.cors_name for r in got] == ["", "'DELETE'", "'x-unlisted'"]  # type: ignore[attr-defined]
    assert [r.cors_kind for r in got] == ["actual", "preflight", "preflight"]  # type: ignore[attr-defined]
    for r in got:
        assert r.levelno == logging.INFO and r.cors_path == "'/api/items'"  # type: ignore[attr-defined]
        assert r.cors_policy == "CORSMiddleware rule '/api/*'"  # type: ignore[attr-defined]
    assert got[0].cors_origin == f"'{OTHER}'" and got[0].cors_method == "'GET'"  # type: ignore[attr-defined]
    assert "request header 'x-unlisted' is not allowed" in got[2].getMessage()


def test_nothing_is_logged_or_built_while_the_level_is_off(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.WARNING, logger="cors_core")
    built: list[object] = []
    monkeypatch.setattr(refusal_log, "_fields", lambda *a: built.append(a))  # must never be reached
    wrapped = CORSMiddleware(app, POLICY)
    for _ in range(3):
        call(wrapped, origin=OTHER)
    assert records(caplog, "cors_core.wsgi") == [] and built == []


@pytest.mark.parametrize("origin", HOSTILE_ORIGINS)
def test_no_request_byte_breaks_out_of_the_record(caplog: pytest.LogCaptureFixture, origin: str) -> None:
    """CVE-2024-1681 class: CR/LF, ANSI escapes, quotes, NUL and non-ASCII are escaped and cut, message and fields."""
    caplog.set_level(logging.INFO, logger="cors_core")
    call(CORSMiddleware(app, POLICY), path="/p\r\nath\x1b", origin=origin)
    [record] = records(caplog, "cors_core.wsgi")
    texts = [record.getMessage(), *(str(v) for k, v in vars(record).items() if k.startswith("cors_"))]
    for text in texts:
        assert set(text) <= PRINTABLE and len(text) < 1000, text
    quoted = record.cors_origin  # type: ignore[attr-defined]
    assert quoted.startswith("'") and quoted.endswith("'") and "'" not in quoted[1:-1].replace("\\'", "")


def test_volume_is_bounded_per_reason_and_origin(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under attack: one record per (reason, origin) per interval, the next one counting what was left out."""
    caplog.set_level(logging.INFO, logger="cors_core")
    now = [1000.0]
    monkeypatch.setattr(refusal_log, "_clock", lambda: now[0])
    wrapped = CORSMiddleware(app, POLICY)
    for _ in range(500):
        call(wrapped, origin=OTHER)
        call(wrapped, "OPTIONS", origin=ORIGIN, access_control_request_method="DELETE")
    assert len(records(caplog, "cors_core.wsgi")) == 2
    now[0] += refusal_log.DEFAULT_INTERVAL
    call(wrapped, origin=OTHER)
    last = records(caplog, "cors_core.wsgi")[-1]
    assert last.cors_suppressed == 499 and "499 more like it were not logged" in last.getMessage()  # type: ignore[attr-defined]


def test_distinct_origins_use_bounded_memory(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO, logger="cors_core")
    monkeypatch.setattr(refusal_log, "_clock", lambda: 5.0)
    wrapped = CORSMiddleware(app, POLICY)
    log = wsgi_middleware.LOG
    for n in range(refusal_log.DEFAULT_MAX_KEYS + 2000):
        call(wrapped, origin=f"https://a{n}.example")
    assert log.remembered() <= refusal_log.DEFAULT_MAX_KEYS + 1
    assert len(records(caplog, "cors_core.wsgi")) == refusal_log.DEFAULT_MAX_KEYS + 1  # then one shared slot


def test_report_only_never_changes_a_response_and_reports_both_ways(caplog: pytest.LogCaptureFixture) -> None:
    """The enforced policy alone shapes the answer; the candidate's disagreements are logged and passed to on_report."""
    caplog.set_level(logging.WARNING, logger="cors_core")  # report-only records are WARNING: shown by default
    candidate = Policy([OTHER], allow_methods=["PUT", "DELETE"])
    told: list[tuple[Decision, Decision]] = []
    plain = CORSMiddleware(app, POLICY)
    wrapped = CORSMiddleware(app, POLICY, report_only=candidate, on_report=lambda e, c: told.append((e, c)))
    requests: list[dict[str, str]] = [
        {"origin": ORIGIN},  # allowed, the candidate would refuse
        {"origin": OTHER},  # refused, the candidate would allow
        {},  # not CORS: never compared
        {"origin": "https://third.example"},  # both refuse: no report
    ]
    for headers in requests:
        assert call(wrapped, **headers) == call(plain, **headers)
    preflight = {"origin": OTHER, "access_control_request_method": "DELETE"}
    assert call(wrapped, "OPTIONS", **preflight) == call(plain, "OPTIONS", **preflight)
    assert [(e.reason, c.reason) for e, c in told] == [
        ("allowed", "origin-not-allowed"),
        ("origin-not-allowed", "allowed"),
        ("origin-not-allowed", "allowed"),
    ]
    got = records(caplog, "cors_core.wsgi")  # the callback hears of every one; the log of one per (change, reason, origin)
    assert [r.cors_report for r in got] == ["would-refuse", "would-allow"]  # type: ignore[attr-defined]
    assert all(r.levelno == logging.WARNING for r in got)
    assert "the candidate policy would refuse 'GET' '/api/items' from origin 'https://app.example'" in got[0].getMessage()


def test_report_only_is_checked_at_start_up() -> None:
    with pytest.raises(TypeError, match="report_only must be a cors_core Policy"):
        CORSMiddleware(app, POLICY, report_only={"origins": [ORIGIN]})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on_report is only called with a report-only policy"):
        CORSMiddleware(app, POLICY, on_report=print)


def test_a_failing_on_report_does_not_break_the_response(caplog: pytest.LogCaptureFixture) -> None:
    def broken(enforced: Decision, candidate: Decision) -> None:
        raise RuntimeError("metrics down")

    wrapped = CORSMiddleware(app, POLICY, report_only=Policy([OTHER]), on_report=broken)
    status, headers = call(wrapped, origin=ORIGIN)
    assert status == "200 OK" and headers["Access-Control-Allow-Origin"] == ORIGIN
    assert any("on_report raised" in r.getMessage() for r in records(caplog, "cors_core.wsgi"))


# Flask: the same records on cors_core.flask, naming CORS(app), a blueprint or a @cross_origin view.

flask = pytest.importorskip("flask")


def flask_app() -> Any:
    from cors_flask import CORS, cross_origin

    application = flask.Flask(__name__)
    blueprint = flask.Blueprint("partners", __name__, url_prefix="/partners")

    @application.route("/api/items", methods=["GET", "PUT"])
    def items() -> str:
        return "items"

    @application.route("/view")
    @cross_origin(origins=[ORIGIN])
    def view() -> str:
        return "view"

    @blueprint.route("/feed")
    def feed() -> str:
        return "feed"

    CORS(blueprint, origins=["https://partner.example"])
    application.register_blueprint(blueprint)
    CORS(application, origins=[ORIGIN], methods=["GET", "PUT"], report_only=Policy([ORIGIN, OTHER], allow_methods=["PUT"]))
    return application


def test_flask_refusals_name_where_the_policy_was_configured(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cors_core.flask")
    client = Client(flask_app())
    client.get("/api/items", headers={"Origin": "https://third.example"})
    client.get("/view", headers={"Origin": "https://fourth.example"})  # another origin: not left out by the bound
    client.get("/partners/feed", headers={"Origin": ORIGIN})
    client.options("/api/items", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"})
    got = [(r.cors_reason, r.cors_policy) for r in records(caplog, "cors_core.flask") if not hasattr(r, "cors_report")]  # type: ignore[attr-defined]
    assert got == [
        ("origin-not-allowed", "CORS(app)"),
        ("origin-not-allowed", "@cross_origin view 'view'"),
        ("origin-not-allowed", "CORS(blueprint 'partners')"),
        ("method-not-allowed", "CORS(app)"),
    ]


def test_flask_report_only(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cors_core.flask")
    client = Client(flask_app())
    response = client.get("/api/items", headers={"Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in response.headers  # the candidate allows OTHER; the enforced policy decides
    [record] = records(caplog, "cors_core.flask")
    assert record.cors_report == "would-allow" and record.cors_origin == f"'{OTHER}'"  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="report_only covers the whole app"):
        from cors_flask import CORS

        CORS(flask.Blueprint("b", __name__), report_only=POLICY)
