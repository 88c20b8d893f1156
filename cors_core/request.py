"""The framework-free description of one request that ``decide()`` needs, and how it was classified."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, NamedTuple

_new_tuple: Any = tuple.__new__  # builds the NamedTuple without its keyword-parsing __new__


class RequestKind(enum.Enum):
    """How the request was classified (Fetch "HTTP requests", R1/R2)."""

    #: No policy applies to the request's path: the adapter does nothing at all.
    OUT_OF_SCOPE = "out-of-scope"
    #: No Origin header: not a CORS request.
    NOT_CORS = "not-cors"
    #: A CORS request that the application answers (anything but a preflight).
    ACTUAL = "actual"
    #: OPTIONS with Origin and Access-Control-Request-Method: the CORS layer answers it itself.
    PREFLIGHT = "preflight"


class RequestMeta(NamedTuple):
    """What an adapter reads off a request, unparsed.

    Header values are the raw field values as the server gave them (``None`` when absent);
    ``origin_count`` is how many Origin fields arrived, where the framework can tell (``None``
    when it cannot; WSGI servers join repeated fields with ``,``, which the core refuses anyway).
    ``path`` is the decoded URL path, used only to pick a policy from a :class:`PolicySet`.
    """

    method: str
    path: str = "/"
    origin: str | None = None
    request_method: str | None = None
    request_headers: str | None = None
    request_private_network: str | None = None
    origin_count: int | None = None

    @classmethod
    def from_cgi(cls, variables: Mapping[str, Any], path: str, method: str | None = None) -> RequestMeta:
        """The request as CGI-style variables hold it (``REQUEST_METHOD``, ``HTTP_ORIGIN``, ... as in RFC 3875).

        That is a WSGI environ (PEP 3333) or Django's ``request.META``. *method* overrides
        ``REQUEST_METHOD`` when the framework has its own idea of it. The preflight fields are read
        only for OPTIONS, since no other request can be a preflight (R1). The Origin count is
        unknown: WSGI servers join repeated fields with ``,``, which decide() refuses (R7).
        """
        get = variables.get
        method = method or variables["REQUEST_METHOD"]
        if method != "OPTIONS":
            meta: RequestMeta = _new_tuple(cls, (method, path, get("HTTP_ORIGIN"), None, None, None, None))
            return meta
        meta = _new_tuple(
            cls,
            (
                method,
                path,
                get("HTTP_ORIGIN"),
                get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
                get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
                None,
            ),
        )
        return meta
