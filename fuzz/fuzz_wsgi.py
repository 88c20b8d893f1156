#!/usr/bin/env python3
"""Fuzzing the WSGI adapter's header surgery: ``cors_wsgi.CORSMiddleware`` around an app with arbitrary headers.

Each input picks a policy (those of fuzz_decide), a request, and the status and header list the
application answers with (app-set CORS headers and ``Vary`` in any spelling, ``*``, empty items).
Invariants, against ``decide()`` for the same request (the adapter contract in docs/wsgi.md):

* out of scope: the application's headers pass through untouched;
* preflight: the application never runs, the answer is the decision's status and headers;
* otherwise: every CORS response header the app set is replaced by the decision's (one field each,
  R11), the app's other headers keep their order, and there is at most one ``Vary`` holding the
  app's names and, unless the app said ``*``, the decision's (R30, R33).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _input import Reader
from fuzz_decide import HEADER_LISTS, METHODS, ORIGINS, PATHS, _policies

APP_NAMES = (
    "Vary",
    "vary",
    "VARY",
    "Access-Control-Allow-Origin",
    "access-control-allow-credentials",
    "Access-Control-Max-Age",
    "Access-Control-Expose-Headers",
    "Content-Type",
    "X-Total",
    "X-CORS-Reason",
    "Set-Cookie",
)
APP_VALUES = ("*", "Origin", "origin", "Accept-Encoding", "Origin, Accept", " , ,", "", "https://evil.example", "true", "text/plain")


def _items(values: list[str]) -> list[str]:
    return [i.strip(" \t").lower() for v in values for i in v.split(",") if i.strip(" \t")]


def read_case(r: Reader) -> tuple[object, str, str, dict[str, str | None], int, list[tuple[str, str]]]:
    """The policy, request (method, path, CGI-style fields) and the app's answer (status, headers) an input describes.

    Shared with fuzz_asgi, so that both adapters are checked on the same cases.
    """
    target = r.choice(_policies()[0])
    method = r.pick_or_text(("GET", "OPTIONS", "POST"))
    path = r.choice(PATHS)
    fields = {
        "HTTP_ORIGIN": None if r.byte() % 5 == 0 else r.pick_or_text(ORIGINS),
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": None if r.byte() % 3 == 0 else r.pick_or_text(METHODS),
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": None if r.byte() % 2 == 0 else r.choice(HEADER_LISTS),
    }
    app_status = r.choice((200, 204, 304, 404, 500))
    app_headers = [(r.choice(APP_NAMES), r.choice(APP_VALUES)) for _ in range(r.byte() % 6)]
    return target, method, path, fields, app_status, app_headers


def verify(d: object, ran: bool, status: int, headers: list[tuple[str, str]], app_status: int, app_headers: list[tuple[str, str]]) -> None:
    """The adapter contract: what an adapter answered (*status*, *headers*, whether the app *ran*) for decision *d*."""
    from cors_core import CORS_RESPONSE_HEADERS, Decision, RequestKind

    assert isinstance(d, Decision)
    if d.kind is RequestKind.OUT_OF_SCOPE:
        assert ran and headers == app_headers, headers
        return
    if d.kind is RequestKind.PREFLIGHT:
        got = {(n.lower(), v) for n, v in headers}  # names compare case-insensitively (ASGI sends them lower-cased)
        assert not ran and status == d.status and all((n.lower(), v) in got for n, v in d.items()), (status, headers)
        return
    assert ran and status == app_status
    owned = {n.lower() for n in CORS_RESPONSE_HEADERS}
    ours = {n.lower() for n in d} | owned | {"vary"}
    for name in CORS_RESPONSE_HEADERS:
        values = [v for n, v in headers if n.lower() == name.lower()]
        assert values == ([d[name]] if name in d else []), (name, values, dict(d))
    others = [(n, v) for n, v in headers if n.lower() not in ours]
    assert others == [(n, v) for n, v in app_headers if n.lower() not in ours], (others, app_headers)
    vary = [v for n, v in headers if n.lower() == "vary"]
    assert len(vary) <= 1, vary
    app_vary = _items([v for n, v in app_headers if n.lower() == "vary"])
    want = set(app_vary) | (set() if "*" in app_vary else {v.lower() for v in d.vary})
    assert set(_items(vary)) == want, (vary, app_vary, d.vary)
    assert len(_items(vary)) == len(want), f"duplicate names in {vary}"


def check(data: bytes) -> None:
    """Raise AssertionError if the adapter's answer breaks the contract for the input built from *data*."""
    from cors_wsgi import CORSMiddleware

    from cors_core import RequestMeta, decide

    target, method, path, fields, app_status, app_headers = read_case(Reader(data))
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(),
        **{k: v for k, v in fields.items() if v is not None},
    }
    ran: list[bool] = []
    got: list[object] = []

    def app(env: dict[str, object], start_response: object) -> list[bytes]:
        ran.append(True)
        start_response(f"{app_status} X", list(app_headers))  # type: ignore[operator]
        return [b"body"]

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> object:
        got[:] = [int(status.split()[0]), list(headers)]
        return lambda _: None

    b"".join(CORSMiddleware(app, target)(environ, start_response))  # type: ignore[arg-type]
    status, headers = got
    meta = RequestMeta(
        method, path, fields["HTTP_ORIGIN"], fields["HTTP_ACCESS_CONTROL_REQUEST_METHOD"], fields["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"]
    )
    verify(decide(meta, target), bool(ran), status, headers, app_status, app_headers)  # type: ignore[arg-type]


if __name__ == "__main__":
    from _atheris import fuzz

    fuzz(check)
