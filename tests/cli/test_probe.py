"""``python -m cors_core probe`` against right and deliberately wrong servers on loopback."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterable
from typing import Any

from cors_core import Policy

from ._support import middleware, run_cli, serve

ORIGIN = "https://app.example.com"
Start = Callable[..., Any]


class Recording:
    """An application that answers 200 and remembers the methods it was called with."""

    def __init__(self, headers: list[tuple[str, str]] | Callable[[dict[str, Any]], list[tuple[str, str]]] = ()) -> None:
        self.methods: list[str] = []
        self._headers = headers

    def __call__(self, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        self.methods.append(environ["REQUEST_METHOD"])
        extra = self._headers(environ) if callable(self._headers) else list(self._headers)
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Request-Id", "7"), ("X-Internal", "1"), *extra])
        return [b"ok"]


def _policy() -> Policy:
    return Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["Content-Type"], expose_headers=["X-Request-Id"], allow_credentials=True)


def _probe(url: str, *args: str) -> tuple[int, dict[str, Any]]:
    r = run_cli("probe", url, "--origin", ORIGIN, "--json", *args)
    assert r.returncode != 2, r.stderr
    return r.returncode, json.loads(r.stdout)


def test_right_server_preflighted_credentialed_put() -> None:
    app = Recording()
    with serve(middleware()(app, _policy())) as base:
        rc, data = _probe(base + "/items/1", "--method", "PUT", "--header", "Content-Type: application/json", "--credentials")
    assert rc == 0
    pre, actual = data["steps"]
    assert pre["step"] == "preflight" and pre["status"] == _policy().preflight_status and pre["browser"] == "ok"
    assert pre["request"]["headers"]["Access-Control-Request-Headers"] == "content-type"
    assert actual["browser"] == "ok" and actual["problems"] == []
    assert "x-request-id" in actual["readable_headers"] and "x-internal" not in actual["readable_headers"]
    assert app.methods == ["PUT"]  # the middleware answered the preflight itself


def test_simple_request_sends_no_preflight() -> None:
    app = Recording()
    with serve(middleware()(app, _policy())) as base:
        rc, data = _probe(base + "/x", "--header", "Content-Type: text/plain")
    assert rc == 0
    assert [s["step"] for s in data["steps"]] == ["actual"]
    assert app.methods == ["GET"]


def test_refused_method_stops_at_the_preflight() -> None:
    """R23: a refused preflight carries no Allow-* headers; the browser never sends the DELETE."""
    app = Recording()
    with serve(middleware()(app, _policy())) as base:
        rc, data = _probe(base + "/items/1", "--method", "DELETE")
        text = run_cli("probe", base + "/items/1", "--origin", ORIGIN, "--method", "DELETE")
    assert rc == 1
    [pre] = data["steps"]
    assert pre["status"] == 403 and pre["browser"] == "blocked"
    assert app.methods == []
    assert "BLOCKED" in text.stdout and "actual request was not sent" in text.stdout


def test_refused_method_from_a_hand_written_server() -> None:
    def preflight_lists_get_only(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        start_response(
            "204 No Content",
            [
                ("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN", "")),
                ("Access-Control-Allow-Methods", "GET, POST"),
                ("Vary", "Origin"),
            ],
        )
        return []

    with serve(preflight_lists_get_only) as base:
        rc, data = _probe(base + "/", "--method", "PATCH")
    assert rc == 1
    assert "'PATCH' is not in Access-Control-Allow-Methods" in data["steps"][0]["reason"]


def test_echoed_origin_without_vary_is_flagged() -> None:
    """R30: a browser reads it, but a shared cache may hand the answer to another origin."""
    app = Recording(lambda environ: [("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN", ""))])
    with serve(app) as base:
        rc, data = _probe(base + "/")
        text = run_cli("probe", base + "/", "--origin", ORIGIN)
    assert rc == 3
    [actual] = data["steps"]
    assert actual["browser"] == "ok"
    assert len(actual["problems"]) == 1 and "Vary does not list Origin" in actual["problems"][0]
    assert text.returncode == 3 and "problem: " in text.stdout and "R30" in text.stdout


def test_vary_star_or_origin_satisfies_the_check() -> None:
    app = Recording(lambda environ: [("Access-Control-Allow-Origin", environ["HTTP_ORIGIN"]), ("Vary", "Accept-Encoding, origin")])
    with serve(app) as base:
        assert _probe(base + "/")[0] == 0


def test_star_with_credentials() -> None:
    """R12 / Fetch CORS check: '*' never satisfies a credentialed request."""
    app = Recording([("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")])
    with serve(app) as base:
        rc, data = _probe(base + "/", "--credentials")
        plain_rc, _ = _probe(base + "/")
    assert rc == 1
    [actual] = data["steps"]
    assert actual["browser"] == "blocked"
    assert any("'*' but the request is credentialed" in p for p in actual["problems"])
    assert plain_rc == 0  # without credentials the browser accepts '*'


def test_credentials_value_must_be_exactly_true() -> None:
    """R13: 'True' is not 'true'."""
    app = Recording(
        lambda e: [("Access-Control-Allow-Origin", e["HTTP_ORIGIN"]), ("Access-Control-Allow-Credentials", "True"), ("Vary", "Origin")]
    )
    with serve(app) as base:
        rc, data = _probe(base + "/", "--credentials")
    assert rc == 1
    assert "Access-Control-Allow-Credentials is not 'true'" in data["steps"][0]["reason"]


def test_redirected_preflight_is_blocked() -> None:
    """R16: browsers never follow a redirect answering a preflight."""

    def redirect(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        start_response("301 Moved", [("Location", "/elsewhere"), ("Access-Control-Allow-Origin", "*")])
        return []

    with serve(redirect) as base:
        rc, data = _probe(base + "/", "--method", "PUT")
    assert rc == 1 and "redirect" in data["steps"][0]["reason"]


def test_unreachable_server_and_bad_urls_exit_2() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run_cli("probe", f"http://127.0.0.1:{port}/", "--origin", ORIGIN, "--timeout", "2")
    assert r.returncode == 2 and "cannot reach" in r.stderr
    assert run_cli("probe", "ftp://127.0.0.1/", "--origin", ORIGIN).returncode == 2
