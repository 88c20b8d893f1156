#!/usr/bin/env python3
"""Fuzzing the ASGI adapter: ``cors_asgi.CORSMiddleware`` around an app with arbitrary headers, on fuzz_wsgi's cases.

Each input is a fuzz_wsgi case (policy, request, the application's status and headers), followed by
how the ASGI server delivers it: how many Origin fields (one or two, R7) and whether the header names
keep the client's capitals. The invariants are fuzz_wsgi's adapter contract, against ``decide()`` for
the same request with the Origin count the adapter can see; in addition the messages after
``http.response.start`` must pass untouched.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _input import Reader
from fuzz_wsgi import read_case, verify

_FIELD_NAMES = {
    "HTTP_ORIGIN": "Origin",
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "Access-Control-Request-Method",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "Access-Control-Request-Headers",
}
_BODY = ({"type": "http.response.body", "body": b"bo", "more_body": True}, {"type": "http.response.body", "body": b"dy"})


def check(data: bytes) -> None:
    """Raise AssertionError if the adapter's answer breaks the contract for the input built from *data*."""
    from cors_asgi import CORSMiddleware

    from cors_core import RequestMeta, decide

    r = Reader(data)
    target, method, path, fields, app_status, app_headers = read_case(r)
    delivery = r.byte()
    origins = 2 if delivery & 1 and fields["HTTP_ORIGIN"] is not None else 1
    spell = (lambda n: n) if delivery & 2 else str.lower
    raw: list[tuple[bytes, bytes]] = []
    for key, value in fields.items():
        if value is not None:
            for _ in range(origins if key == "HTTP_ORIGIN" else 1):
                raw.append((spell(_FIELD_NAMES[key]).encode("latin-1", "replace"), value.encode("latin-1", "replace")))
    ran: list[bool] = []
    sent: list[dict[str, Any]] = []
    app_raw = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in app_headers]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        ran.append(True)
        await send({"type": "http.response.start", "status": app_status, "headers": app_raw})
        for message in _BODY:
            await send(dict(message))

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": raw}
    asyncio.run(CORSMiddleware(app, target)(scope, receive, send))  # type: ignore[arg-type]
    start = sent[0]
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in start["headers"]]
    assert all(n == n.lower() for n, _ in headers if (n, _) not in app_headers), headers  # ASGI: lower-case names
    text = {k: None if v is None else v.encode("latin-1", "replace").decode("latin-1") for k, v in fields.items()}
    meta = RequestMeta(
        method,
        path,
        text["HTTP_ORIGIN"],
        text["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] if method == "OPTIONS" else None,
        text["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] if method == "OPTIONS" else None,
        None,
        origins if text["HTTP_ORIGIN"] is not None else None,
    )
    decision = decide(meta, target)  # type: ignore[arg-type]
    verify(decision, bool(ran), start["status"], headers, app_status, app_headers)
    if ran:
        assert sent[1:] == list(_BODY), sent[1:]
    else:
        assert sent[1:] == [{"type": "http.response.body", "body": b""}], sent[1:]


if __name__ == "__main__":
    from _atheris import fuzz

    fuzz(check)
