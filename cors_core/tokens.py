"""HTTP tokens, methods and header names as the Fetch Standard defines them."""

from __future__ import annotations

import re

#: RFC 9110 ``token`` (one or more tchar).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

#: Methods that Fetch byte-uppercases (Fetch "normalize a method"); every other method keeps its case.
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})

#: Fetch "CORS-safelisted method": never needs Access-Control-Allow-Methods.
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})

#: Fetch "forbidden method": a browser never sends these, so allowing them means nothing.
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

#: Fetch "forbidden request-header" names (lowercase); a script cannot set them.
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "access-control-request-private-network",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
FORBIDDEN_REQUEST_HEADER_PREFIXES = ("proxy-", "sec-")

#: Fetch "forbidden response-header name": never exposed to scripts.
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})

#: Fetch "CORS-safelisted response-header name" (without any Access-Control-Expose-Headers).
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)

#: Fetch "CORS non-wildcard request-header name": ``*`` never covers it.
NON_WILDCARD_REQUEST_HEADER = "authorization"


def is_token(value: str) -> bool:
    """True if *value* is an RFC 9110 token (the syntax of methods and header names)."""
    return _TOKEN.fullmatch(value) is not None


def normalize_method(method: str) -> str:
    """Fetch "normalize a method": uppercase only the six normalised methods."""
    upper = method.upper()
    return upper if upper in NORMALIZED_METHODS else method


def is_forbidden_request_header(name: str) -> bool:
    """True if a script may never set the header *name* (Fetch "forbidden request-header")."""
    lower = name.lower()
    return lower in FORBIDDEN_REQUEST_HEADERS or lower.startswith(FORBIDDEN_REQUEST_HEADER_PREFIXES)
