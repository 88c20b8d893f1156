"""``python -m cors_core demo`` as a subprocess: URLs on loopback, a live API, a clean stop."""

from __future__ import annotations

import http.client
import json
import signal
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cors_core import Policy, PolicySet
from cors_core.cli.demo import RequestLog

from ._support import Demo, middleware, needs_toml, run_cli


def _request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture
def demo() -> Iterator[Demo]:
    middleware()
    d = Demo()
    try:
        yield d
    finally:
        d.kill()


def test_urls_are_on_loopback_and_the_page_is_served(demo: Demo) -> None:
    assert demo.page.startswith("http://127.0.0.1:") and demo.api.startswith("http://127.0.0.1:")
    assert demo.page != demo.api
    status, headers, body = _request(demo.page + "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"cors-core demo" in body


def test_matrix_has_the_oracle_expectations(demo: Demo) -> None:
    _, _, body = _request(demo.page + "/matrix.json")
    data = json.loads(body)
    assert data["page"] == demo.page and data["api"] == demo.api
    expected = {row["id"]: row["expected"] for row in data["rows"]}
    assert expected["json-put"] == "allowed" and expected["refused-method"] == "blocked"
    assert expected["public-credentials"] == "blocked" and expected["no-policy"] == "blocked"
    refused = next(r for r in data["rows"] if r["id"] == "refused-method")
    assert refused["fix"] == ['allow_methods = ["PUT", "PATCH", "DELETE"]']


def test_api_answers_through_the_middleware_and_the_log_records_why(demo: Demo) -> None:
    ok_status, ok, _ = _request(
        demo.api + "/api/items/1?run=t1&row=a",
        "OPTIONS",
        {"Origin": demo.page, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"},
    )
    assert ok_status == 200
    assert ok["access-control-allow-origin"] == demo.page and ok["access-control-allow-credentials"] == "true"
    bad_status, bad, _ = _request(
        demo.api + "/api/items/1?run=t1&row=b", "OPTIONS", {"Origin": demo.page, "Access-Control-Request-Method": "DELETE"}
    )
    # R23 revised: the origin is allowed, so an ok answer that lists the allowed methods and not DELETE
    assert 200 <= bad_status <= 299 and bad["access-control-allow-origin"] == demo.page
    assert "DELETE" not in bad["access-control-allow-methods"].split(", ")
    assert bad["x-cors-reason"] == "method-not-allowed; name=DELETE"
    _, _, body = _request(demo.page + "/log.json?run=t1")
    log = {e["row"]: e for e in json.loads(body)}
    assert log["a"]["reason"] == "allowed" and log["a"]["status"] == 200
    assert log["b"]["reason"] == "method-not-allowed" and log["b"]["fix"] == "add 'DELETE' to allow_methods"


def test_the_log_explains_a_non_ascii_path_by_the_rule_the_middleware_used() -> None:
    """PATH_INFO holds the URL's UTF-8 bytes as latin-1 (PEP 3333): the log decodes it as the middleware does."""
    policy = PolicySet({"/café/*": Policy(["https://a.example.com"])})
    log = RequestLog(policy)
    app = log.wrap(middleware()(lambda environ, start_response: start_response("200 OK", []) or [b""], policy))
    path_info = "/café/1".encode().decode("latin-1")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path_info, "QUERY_STRING": "run=u", "HTTP_ORIGIN": "https://a.example.com"}
    list(app(environ, lambda status, headers, exc_info=None: None))
    (entry,) = log.for_run("u")
    assert ["Access-Control-Allow-Origin", "https://a.example.com"] in entry["headers"]  # the middleware allowed it
    assert entry["path"] == "/café/1" and entry["reason"] == "allowed"


def test_probe_agrees_with_every_row(demo: Demo) -> None:
    _, _, body = _request(demo.page + "/matrix.json")
    for row in json.loads(body)["rows"]:
        args = ["probe", demo.api + row["path"], "--origin", demo.page, "--method", row["method"]]
        for name, value in row["headers"].items():
            args += ["--header", f"{name}: {value}"]
        if row["credentials"]:
            args.append("--credentials")
        r = run_cli(*args)
        assert r.returncode == (0 if row["expected"] == "allowed" else 1), (row, r.stdout)


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["foreground", "background-job"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_stops_cleanly(sig: int, sigint_ignored: bool) -> None:
    """Also when started as a background job or by a CI runner: SIGINT inherited ignored still stops it."""
    middleware()
    d = Demo(sigint_ignored=sigint_ignored)
    status, _, _ = _request(d.api + "/api/hello", headers={"Origin": d.page})
    assert status == 200
    code, out = d.stop(sig)
    assert code == 0
    assert "stopped" in out
    assert "GET     /api/hello" in out  # the request was logged live


@needs_toml
def test_own_policy_file(tmp_path: Path) -> None:
    middleware()
    policy = tmp_path / "p.toml"
    policy.write_text('origins = ["http://127.0.0.1:*"]\nallow_methods = ["DELETE"]\n')
    d = Demo("--policy", str(policy), "--quiet")
    try:
        assert "with the given policy" in d.banner
        _, _, body = _request(d.page + "/matrix.json")
        expected = {row["id"]: row["expected"] for row in json.loads(body)["rows"]}
        assert expected["refused-method"] == "allowed" and expected["json-put"] == "blocked"
        status, headers, _ = _request(d.api + "/anything", "OPTIONS", {"Origin": d.page, "Access-Control-Request-Method": "DELETE"})
        assert status == Policy("*").preflight_status and headers["access-control-allow-methods"] == "DELETE"
    finally:
        d.stop()


def test_json_banner_and_loopback_only() -> None:
    middleware()
    d = Demo("--json", marker="}")
    try:
        info: dict[str, Any] = json.loads(d.banner.splitlines()[0])
        assert info["page"].startswith("http://127.0.0.1:") and info["api"].startswith("http://127.0.0.1:")
        _request(d.api + "/partner/report", headers={"Origin": d.page})
    finally:
        code, out = d.stop()
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]  # every line is JSON, the request log included
    assert lines[-1]["path"] == "/partner/report" and lines[-1]["reason"] == "origin-not-allowed"
    r = run_cli("demo", "--host", "0.0.0.0", "--no-browser")
    assert r.returncode == 2


def test_request_log_escapes_what_a_request_sends(demo: Demo) -> None:
    """The live log prints request paths escaped: a request cannot put terminal control sequences on the screen."""
    _request(demo.api + "/api/%1b[2J%1b[32mverdict", headers={"Origin": demo.page})
    code, out = demo.stop()
    assert code == 0
    assert "\x1b" not in out and "/api/\\x1b[2J" in out


def test_busy_port_is_a_clear_error(demo: Demo) -> None:
    port = urllib.parse.urlsplit(demo.api).port
    r = run_cli("demo", "--no-browser", "--port", "0", "--api-port", str(port))
    assert r.returncode == 2 and "cannot listen" in r.stderr


def test_runs_from_a_source_checkout_without_install() -> None:
    """The README's first command, from a fresh clone: no site-packages, no PYTHONPATH (-S -E)."""
    d = Demo("--json", marker="}", python_flags=("-S", "-E"))
    try:
        info = json.loads(d.banner.splitlines()[0])
        status, headers, _ = _request(info["api"] + "api/hello", headers={"Origin": info["page"].rstrip("/")})
        assert status == 200 and headers["access-control-allow-origin"] == info["page"].rstrip("/")
    finally:
        code, _ = d.stop()
    assert code == 0
