"""``probe`` follows redirects as a browser does (cors-rules.md §2.7, R27) and never prints what a server could forge."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from cors_core import Policy

from ._support import middleware, run_cli, serve

ORIGIN = "https://app.example.com"
Start = Callable[..., Any]


class Hop:
    """An app that answers *status* with Location *to* and the CORS headers *cors(environ)*; records each request."""

    def __init__(self, status: str, to: str | Callable[[], str], cors: Callable[[dict[str, Any]], list[tuple[str, str]]]) -> None:
        self.status, self.to, self.cors = status, to, cors
        self.seen: list[tuple[str, str | None, str | None]] = []
        self.cookies: list[str | None] = []

    def __call__(self, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        self.seen.append((environ["REQUEST_METHOD"], environ.get("HTTP_ORIGIN"), environ.get("HTTP_AUTHORIZATION")))
        self.cookies.append(environ.get("HTTP_COOKIE"))
        location = self.to() if callable(self.to) else self.to
        start_response(self.status, [("Location", location), ("Content-Length", "0"), *self.cors(environ)])
        return []


def echo(environ: dict[str, Any]) -> list[tuple[str, str]]:
    return [("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN", "")), ("Vary", "Origin")]


def _probe(url: str, *args: str) -> tuple[int, dict[str, Any]]:
    r = run_cli("probe", url, "--origin", ORIGIN, "--json", *args)
    assert r.returncode != 2, r.stderr
    return r.returncode, json.loads(r.stdout)


def test_same_origin_redirect_is_followed_and_the_verdict_is_on_the_final_answer() -> None:
    """R27: the redirect itself passes the CORS check; the Origin stays the page's on a same-origin hop (§2.7 step 6)."""
    final = middleware()(lambda e, s: (s("200 OK", [("Content-Type", "text/plain")]), [b"ok"])[1], Policy([ORIGIN]))
    hop = Hop("302 Found", "/final", echo)

    def app(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        return (final if environ["PATH_INFO"] == "/final" else hop)(environ, start_response)

    with serve(app) as base:
        rc, data = _probe(base + "/start")
    assert rc == 0, data
    assert [s["step"] for s in data["steps"]] == ["redirect", "actual"]
    assert data["steps"][1]["url"] == base + "/final"
    assert data["steps"][1]["request"]["headers"]["Origin"] == ORIGIN


def test_cross_origin_redirect_sends_origin_null() -> None:
    """§2.7: after A redirects to B (neither is the page), the request is tainted: Origin: null; ACAO must then be null or *."""
    final_echo = Hop("200 OK", "", echo)
    with serve(final_echo) as b:
        with serve(Hop("307 Temporary Redirect", b + "/data", echo)) as a:
            rc, data = _probe(a + "/start")
    assert final_echo.seen == [("GET", "null", None)]
    assert rc == 0  # B echoes "null", which the browser accepts for a tainted request
    assert data["steps"][-1]["request"]["headers"]["Origin"] == "null"

    fixed = Hop("200 OK", "", lambda e: [("Access-Control-Allow-Origin", ORIGIN)])  # B allows the page, not null
    with serve(fixed) as b:
        with serve(Hop("302 Found", b + "/data", echo)) as a:
            rc, data = _probe(a + "/start")
            text = run_cli("probe", a + "/start", "--origin", ORIGIN)
    assert rc == 1 and data["steps"][-1]["browser"] == "blocked"
    assert "'null'" in data["steps"][-1]["reason"]
    assert "verdict: BLOCKED" in text.stdout and "verdict: OK" not in text.stdout


def test_redirect_that_fails_the_cors_check_stops_there() -> None:
    """R27: a redirect answer without Access-Control-Allow-Origin fails the fetch; the Location is never requested."""
    target = Hop("200 OK", "", echo)
    with serve(target) as b:
        with serve(Hop("301 Moved Permanently", b + "/", lambda e: [])) as a:
            rc, data = _probe(a + "/")
            text = run_cli("probe", a + "/", "--origin", ORIGIN)
    assert rc == 1 and target.seen == []
    [step] = data["steps"]
    assert step["step"] == "redirect" and step["browser"] == "blocked" and "R27" in step["reason"]
    assert text.returncode == 1 and "verdict: OK" not in text.stdout


def test_at_most_20_redirects() -> None:
    """Fetch "HTTP-redirect fetch": the 21st redirect is a network error."""
    loop = Hop("302 Found", "/again", echo)
    with serve(loop) as base:
        rc, data = _probe(base + "/")
    assert rc == 1 and len(loop.seen) == 21
    assert "more than 20 redirects" in data["steps"][-1]["reason"]


def test_preflight_is_sent_again_to_the_new_origin_with_origin_null() -> None:
    """§2.7 step 7: a fresh preflight goes to the redirect target; Authorization is dropped on a cross-origin hop (step 5)."""
    final = Hop("200 OK", "", echo)
    preflights: list[tuple[str | None, str | None]] = []  # (Origin, Access-Control-Request-Headers)

    def b_app(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "OPTIONS":
            preflights.append((environ.get("HTTP_ORIGIN"), environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")))
            allow = [("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "Authorization")]  # would let it through
            start_response("200 OK", [*echo(environ), *allow, ("Content-Length", "0")])
            return []
        return final(environ, start_response)

    with serve(b_app) as b:
        first = Hop("307 Temporary Redirect", b + "/x", lambda e: [])
        a_app = middleware()(first, Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["Authorization"]))
        with serve(a_app) as a:
            rc, data = _probe(a + "/x", "--method", "PUT", "--header", "Authorization: x")
    assert [s["step"] for s in data["steps"]] == ["preflight", "redirect", "preflight", "actual"]
    assert first.seen == [("PUT", ORIGIN, "x")]  # the first server gets the Authorization the script set
    assert preflights == [("null", None)] and final.seen == [("PUT", "null", None)]  # the second one neither asked for nor sent
    assert rc == 0


def test_the_cookie_is_not_sent_to_the_redirect_target() -> None:
    """--cookie is the first server's cookie: a credentialed request redirected to another origin goes there without it."""
    final = Hop("200 OK", "", lambda e: [*echo(e), ("Access-Control-Allow-Credentials", "true")])  # echoes null
    with serve(final) as b:
        first = Hop("302 Found", b + "/x", lambda e: [])
        with serve(middleware()(first, Policy([ORIGIN], allow_credentials=True))) as a:
            rc, _ = _probe(a + "/x", "--credentials", "--cookie", "sid=1")
    assert first.cookies == ["sid=1"] and final.cookies == [None]
    assert rc == 0


def test_303_turns_a_put_into_a_get() -> None:
    """§2.7 step 4: 303 with a method other than GET/HEAD -> GET."""
    final = Hop("200 OK", "", echo)

    def app(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/done":
            return final(environ, start_response)
        if environ["REQUEST_METHOD"] == "OPTIONS":
            start_response("200 OK", [*echo(environ), ("Access-Control-Allow-Methods", "PUT"), ("Content-Length", "0")])
            return []
        return Hop("303 See Other", "/done", echo)(environ, start_response)

    with serve(app) as base:
        rc, data = _probe(base + "/", "--method", "PUT")
    assert rc == 0 and final.seen == [("GET", ORIGIN, None)]
    assert [s["request"]["method"] for s in data["steps"]] == ["OPTIONS", "PUT", "GET"]


@contextmanager
def hostile_server(head: bytes) -> Iterator[str]:
    """A raw loopback server answering every request with *head* (status line and fields) and no body."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                conn.sendall(head + b"Content-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        sock.close()
        thread.join(timeout=5)


FAKE = b"\x1b[2K\x1b[1A\x1b[32mverdict: OK - the browser lets the script read the response\x1b[0m"


def test_hostile_server_cannot_fake_a_verdict() -> None:
    """A server's header values reach the terminal escaped: no escape sequence, no carriage return, no bidi override."""
    head = (
        b"HTTP/1.1 200 OK\r\n"
        b"Access-Control-Allow-Origin: https://evil.example" + FAKE + b"\r\n"
        b"Access-Control-Allow-Credentials: " + "\u202etrue".encode() + b"\r\n"
        b"Vary: \x1b]0;owned\x07Origin\r\n"
        b"X-CORS-Reason: " + b"\x9b2J" + b"x" * 5000 + b"\r\n"
        b"Access-Control-Expose-Headers: a\rverdict: OK\r\n"  # a bare CR: http.client ends the fields there
    )
    with hostile_server(head) as base:
        r = run_cli("probe", base + "/", "--origin", ORIGIN, "--credentials", "--color", "never")
        j = run_cli("probe", base + "/", "--origin", ORIGIN, "--json")
    assert r.returncode == 1, r.stderr
    assert re.fullmatch(r"[\x20-\x7e\n]*", r.stdout), "only printable ASCII and line ends reach the terminal"
    lines = r.stdout.splitlines()
    assert [ln for ln in lines if ln.startswith("verdict")] == ["verdict: BLOCKED - the browser does not let the script read the response"]
    assert "\\x1b[32mverdict: OK" in r.stdout  # shown, escaped, inside the header line
    assert "characters in all" in r.stdout  # the 5000-byte value is cut
    assert all(len(ln) < 800 for ln in lines)
    assert re.fullmatch(r"[\x20-\x7e\n]*", j.stdout) and json.loads(j.stdout)["allowed"] is False
