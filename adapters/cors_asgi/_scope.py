"""Reading a request off an ASGI scope: the path a PolicySet sees and the ``RequestMeta`` the core needs.

ASGI servers pass the header fields as they arrived, one pair per field, so a repeated Origin is
counted (R7) instead of being joined, and no ``_``/``-`` folding can make one header pass for another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cors_core import RequestMeta

_new_meta: Any = tuple.__new__  # builds the NamedTuple without its keyword-parsing __new__
#: Every spelling of the name Origin (ASGI servers should, but need not, lower-case names): one set lookup per
#: header finds it case-insensitively, about as fast as comparing with b"origin" alone.
ORIGIN_NAMES = frozenset("".join(c.upper() if bits >> i & 1 else c for i, c in enumerate("origin")).encode() for bits in range(64))


def route_path(scope: Mapping[str, Any]) -> str:
    """The path below the application's mount point (``root_path``), as WSGI's PATH_INFO is; ``/`` when empty.

    Servers differ on whether ``path`` already contains ``root_path`` (the ASGI spec says it does),
    so the prefix is removed only when it is there and ends at a segment boundary.
    """
    path: str = scope.get("path") or "/"
    root: str = scope.get("root_path") or ""
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        path = path[len(root) :]
    return path or "/"


def request_meta(headers: Iterable[tuple[bytes, bytes]], method: str, path: str) -> RequestMeta:
    """The core's view of one request: method, *path*, the raw CORS request fields and how many Origin fields came.

    The preflight fields are read only for OPTIONS, since no other request can be a preflight (R1).
    Repeated Access-Control-Request-* fields are joined with ``,`` as HTTP list fields are (RFC 9110 5.3).
    """
    origin = None
    count = 0
    if method != "OPTIONS":
        for name, value in headers:
            if name in ORIGIN_NAMES:
                count += 1
                if origin is None:
                    origin = value.decode("latin-1")
        meta: RequestMeta = _new_meta(RequestMeta, (method, path, origin, None, None, None, count or None))
        return meta
    fields: dict[bytes, str] = {}
    for name, value in headers:
        name = name.lower()
        if name == b"origin":
            count += 1
            if origin is None:
                origin = value.decode("latin-1")
        elif name.startswith(b"access-control-request-"):
            text = value.decode("latin-1")
            fields[name] = f"{fields[name]},{text}" if name in fields else text
    get = fields.get
    meta = _new_meta(
        RequestMeta,
        (
            method,
            path,
            origin,
            get(b"access-control-request-method"),
            get(b"access-control-request-headers"),
            get(b"access-control-request-private-network"),
            count or None,
        ),
    )
    return meta
