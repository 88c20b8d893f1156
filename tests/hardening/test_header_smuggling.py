"""What reaches a WSGI adapter from the wire, on real servers (waitress, Werkzeug, wsgiref) over loopback.

PEP 3333 builds ``HTTP_*`` keys by upper-casing names and turning '-' into '_', so in the environ
``Access_Control_Request_Method`` and ``Access-Control-Request-Method`` are the same key: an adapter
cannot tell them apart, and only the server can refuse underscore names. These tests pin what each
server does (docs/security.md quotes them), and that whatever it does, no hostile spelling gets an
origin CORS access it would not get otherwise.
"""

from __future__ import annotations

import pytest

from cors_core import Policy

from ._runners import wsgi_app
from ._servers import SERVERS, raw_request, running

ORIGIN = "https://app.example.com"
POLICY = Policy([ORIGIN], allow_methods=["PUT"])

#: Whether the server drops header fields whose name has an underscore (True) or maps them like '-' (False).
DROPS_UNDERSCORE_NAMES = {"waitress": True, "werkzeug": True, "wsgiref": False}


def _ask(kind: str, head: bytes) -> tuple[int, dict[str, str], bool]:
    app, ran = wsgi_app(POLICY)
    with running(app, kind) as port:
        status, fields = raw_request(port, b"%s\r\nHost: 127.0.0.1" % head)
    return status, {n.lower(): v for n, v in fields}, bool(ran)


def _request(method: str, *lines: bytes) -> bytes:
    return b"\r\n".join((method.encode() + b" /resource HTTP/1.1", *lines))


@pytest.mark.parametrize("kind", SERVERS)
def test_underscore_request_method(kind: str) -> None:
    """Dropped by waitress and Werkzeug (an OPTIONS without ACRM is no preflight, R1); wsgiref cannot tell."""
    status, headers, app_ran = _ask(kind, _request("OPTIONS", b"Origin: " + ORIGIN.encode(), b"Access_Control_Request_Method: PUT"))
    if DROPS_UNDERSCORE_NAMES[kind]:
        assert app_ran and status == 200 and "access-control-allow-methods" not in headers
    else:
        assert not app_ran and status == 200 and headers["access-control-allow-methods"] == "PUT"
    assert headers["access-control-allow-origin"] == ORIGIN  # the origin is allowed either way


@pytest.mark.parametrize("kind", SERVERS)
def test_underscore_spelling_never_overrides_the_real_header(kind: str) -> None:
    """ACRM 'PUT' plus a smuggled 'Access_Control_Request_Method: DELETE': never answered as DELETE."""
    status, headers, app_ran = _ask(
        kind,
        _request("OPTIONS", b"Origin: " + ORIGIN.encode(), b"Access-Control-Request-Method: PUT", b"Access_Control_Request_Method: DELETE"),
    )
    assert not app_ran
    if DROPS_UNDERSCORE_NAMES[kind]:
        assert status == 200 and headers["access-control-allow-methods"] == "PUT"
    else:  # wsgiref joins both into 'PUT,DELETE', which is not one token: refused (R18)
        assert status == 403 and "access-control-allow-origin" not in headers


@pytest.mark.parametrize("kind", SERVERS)
@pytest.mark.parametrize(
    ("name", "origin_lines"),
    [
        ("two-origin-fields", (b"Origin: https://evil.example", b"Origin: " + ORIGIN.encode())),
        ("latin-1-byte", (b"Origin: " + ORIGIN.encode() + b"\xe9",)),
        ("nul-byte", (b"Origin: " + ORIGIN.encode() + b"\x00",)),
        ("obsolete-line-folding", (b"Origin: " + ORIGIN.encode(), b" ,https://evil.example")),
        ("bare-cr", (b"Origin: " + ORIGIN.encode() + b"\rX-Injected: 1",)),
        ("underscore-origin", (b"Origin_: " + ORIGIN.encode(),)),
    ],
)
def test_hostile_origin_on_the_wire_gets_no_cors_access(kind: str, name: str, origin_lines: tuple[bytes, ...]) -> None:
    status, headers, _ = _ask(kind, _request("GET", *origin_lines))
    if name == "bare-cr" and kind != "waitress":  # Werkzeug and wsgiref split at the bare CR: the Origin before it is intact
        assert headers.get("access-control-allow-origin") == ORIGIN
        return
    assert "access-control-allow-origin" not in headers, (status, headers)
    assert status in (200, 400)


def test_the_server_table_covers_every_server_and_both_behaviours() -> None:
    """Keep the documented table honest: each server listed, and at least one of each kind of behaviour."""
    assert set(DROPS_UNDERSCORE_NAMES) == set(SERVERS)
    assert set(DROPS_UNDERSCORE_NAMES.values()) == {True, False}
