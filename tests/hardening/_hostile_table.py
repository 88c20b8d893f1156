"""The hostile-input table: malformed or hostile requests, each with the answer it must get (R5-R10, R18-R23, R35, R36).

``ALLOWED``: Access-Control-Allow-Origin is the Origin bytes, with -Credentials. ``REFUSED``: no
Access-Control-Allow-* header at all (a preflight gets 403). ``STEP_REFUSED``: a preflight from the allowed
origin whose method or a header is refused: an ok status, the Origin and -Credentials, and only what is
allowed. ``NOT_CORS``: not a CORS request, no CORS header. Whether the request is a preflight (answered without the app) follows R1 from the
fields as the application sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cors_core import Policy

ORIGIN = "https://app.example.com"
ALLOWED, REFUSED, NOT_CORS = "allowed", "refused", "not-cors"
#: R23 revised: the origin is allowed but the method or a header is not: an ok answer granting only what is allowed.
STEP_REFUSED = "step-refused"
MIB = 1 << 20

POLICY = Policy(
    [
        ORIGIN,
        "https://*.example.org",
        "http://localhost:*",
        "http://[::1]:8080",
        "https://bücher.example",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "https://trailing.example.",
    ],
    allow_credentials=True,
    allow_methods=["PUT", "DELETE", "patch"],
    allow_headers=["X-Token", "Content-Type"],
    expose_headers=["X-Total"],
    max_age=600,
)


@dataclass(frozen=True)
class Row:
    id: str
    fields: tuple[tuple[str, str], ...]
    expect: str
    method: str = "GET"
    absent: tuple[str, ...] = ()  # header names that must not be in the answer even when allowed


def origin(id: str, value: str, expect: str) -> Row:
    """A simple GET carrying one Origin field."""
    return Row(id, (("Origin", value),), expect)


def preflight(id: str, expect: str, acrm: str | None = "PUT", acrh: str | None = None, *extra: tuple[str, str]) -> Row:
    """An OPTIONS from the allowed origin with these Access-Control-Request-* values."""
    fields = [("Origin", ORIGIN)]
    if acrm is not None:
        fields.append(("Access-Control-Request-Method", acrm))
    if acrh is not None:
        fields.append(("Access-Control-Request-Headers", acrh))
    return Row(id, (*tuple(fields), *extra), expect, "OPTIONS")


_LONG_OK = "https://" + ("a" * 50 + ".") * 19 + "example.org"  # 988 characters: inside the 1024 bound
_LONG_OVER = "https://" + "a" * (1025 - len("https://.example.org")) + ".example.org"  # 1025 characters

ROWS: tuple[Row, ...] = (
    # Origin: exact, patterns, look-alikes (R5, R8)
    origin("exact", ORIGIN, ALLOWED),
    origin("pattern-one-label", "https://a.example.org", ALLOWED),
    origin("pattern-two-labels", "https://a.b.example.org", ALLOWED),
    origin("pattern-apex", "https://example.org", REFUSED),
    origin("pattern-glued-prefix", "https://evilexample.org", REFUSED),
    origin("pattern-as-prefix", "https://a.example.org.evil.net", REFUSED),
    origin("exact-as-prefix", "https://app.example.com.evil.net", REFUSED),
    origin("exact-with-extra-label", "https://evil.app.example.com", REFUSED),
    origin("exact-glued-label", "https://evil-app.example.com", REFUSED),
    origin("scheme-downgrade", "http://app.example.com", REFUSED),
    origin("pattern-scheme-downgrade", "http://a.example.org", REFUSED),
    origin("pattern-other-port", "https://a.example.org:8443", REFUSED),
    origin("upper-case-host", "https://APP.example.com", REFUSED),
    origin("upper-case-scheme", "HTTPS://app.example.com", REFUSED),
    origin("trailing-slash", ORIGIN + "/", REFUSED),
    origin("path", ORIGIN + "/x", REFUSED),
    origin("query", ORIGIN + "?a=1", REFUSED),
    origin("fragment", ORIGIN + "#a", REFUSED),
    origin("userinfo", "https://user:pw@app.example.com", REFUSED),
    origin("userinfo-look-alike", "https://app.example.com@evil.example", REFUSED),
    origin("default-port-explicit", ORIGIN + ":443", REFUSED),
    origin("other-port", ORIGIN + ":8443", REFUSED),
    origin("empty-port", ORIGIN + ":", REFUSED),
    origin("percent-encoded-dot", "https://app%2eexample.com", REFUSED),
    origin("backslash", "https:\\\\app.example.com", REFUSED),
    # trailing dots, IDN, IP addresses, localhost (R6)
    origin("trailing-dot-unlisted", ORIGIN + ".", REFUSED),
    origin("trailing-dot-listed", "https://trailing.example.", ALLOWED),
    origin("trailing-dot-dropped", "https://trailing.example", REFUSED),
    origin("idn-a-label", "https://xn--bcher-kva.example", ALLOWED),
    origin("idn-utf8-bytes", "https://b\xc3\xbccher.example", REFUSED),  # UTF-8 bytes as PEP 3333 latin-1 text
    origin("idn-ascii-folded", "https://bucher.example", REFUSED),
    origin("idn-fullwidth-dot", "https://app\xe3\x80\x82example.com", REFUSED),
    origin("ipv6-listed", "http://[::1]:8080", ALLOWED),
    origin("ipv6-uncompressed", "http://[0:0:0:0:0:0:0:1]:8080", REFUSED),
    origin("ipv6-other-port", "http://[::1]:8081", REFUSED),
    origin("ipv6-v4-mapped", "http://[::ffff:127.0.0.1]:8080", REFUSED),
    origin("ipv6-zone-id", "http://[fe80::1%25eth0]:8080", REFUSED),
    origin("localhost-any-port", "http://localhost:5173", ALLOWED),
    origin("localhost-no-port", "http://localhost", ALLOWED),
    origin("localhost-port-0", "http://localhost:0", REFUSED),
    origin("localhost-port-leading-zero", "http://localhost:05173", REFUSED),
    origin("localhost-port-too-big", "http://localhost:65536", REFUSED),
    origin("localhost-trailing-dot", "http://localhost.:5173", REFUSED),
    origin("loopback-ip-not-localhost", "http://127.0.0.1:5173", REFUSED),
    # null, extension and other schemes (R9)
    origin("null-unlisted", "null", REFUSED),
    origin("null-upper-case", "NULL", REFUSED),
    origin("extension-listed", "chrome-extension://abcdefghijklmnopabcdefghijklmnop", ALLOWED),
    origin("extension-other-id", "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba", REFUSED),
    origin("extension-other-browser", "moz-extension://abcdefghijklmnopabcdefghijklmnop", REFUSED),
    origin("file-scheme", "file://", REFUSED),
    origin("wildcard-literal", "https://*.example.org", REFUSED),
    origin("star", "*", REFUSED),
    origin("empty", "", REFUSED),
    # white space, lists, several fields (R7)
    origin("leading-space", " " + ORIGIN, REFUSED),
    origin("trailing-space", ORIGIN + " ", REFUSED),
    origin("trailing-tab", ORIGIN + "\t", REFUSED),
    Row("two-origin-fields", (("Origin", ORIGIN), ("Origin", "https://evil.example")), REFUSED),
    Row("same-origin-twice", (("Origin", ORIGIN), ("Origin", ORIGIN)), REFUSED),
    origin("comma-joined-list", ORIGIN + ", https://evil.example", REFUSED),
    origin("comma-joined-no-space", ORIGIN + ",https://evil.example", REFUSED),
    origin("space-separated-list", ORIGIN + " https://evil.example", REFUSED),
    # control bytes and non-ASCII (R35): never echoed
    origin("crlf-injection", ORIGIN + "\r\nSet-Cookie: a=b", REFUSED),
    origin("lf-only", ORIGIN + "\n", REFUSED),
    origin("nul-at-end", ORIGIN + "\x00", REFUSED),
    origin("nul-inside", "https://app\x00.example.com", REFUSED),
    origin("latin-1-byte", ORIGIN + "\xe9", REFUSED),
    origin("utf8-line-separator", ORIGIN + "\xe2\x80\xa8", REFUSED),
    origin("del-byte", ORIGIN + "\x7f", REFUSED),
    # size bounds (R7, R36)
    origin("long-but-inside-bound", _LONG_OK, ALLOWED),
    origin("one-over-the-bound", _LONG_OVER, REFUSED),
    origin("megabyte-subdomain", "https://" + "a" * MIB + ".example.org", REFUSED),
    # preflight method (R18)
    preflight("preflight-baseline", ALLOWED),
    preflight("method-lower-case-unlisted", STEP_REFUSED, "put"),
    preflight("method-lower-case-listed", ALLOWED, "patch"),
    preflight("method-upper-case-of-lower-listed", STEP_REFUSED, "PATCH"),
    preflight("method-safelisted-unlisted", ALLOWED, "GET"),
    preflight("method-not-a-token", REFUSED, "GE T"),
    preflight("method-comma-list", REFUSED, "PUT, DELETE"),
    Row(
        "method-two-fields",
        (("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Method", "DELETE")),
        REFUSED,
        "OPTIONS",
    ),
    preflight("method-empty", REFUSED, ""),
    preflight("method-crlf", REFUSED, "PUT\r\nX-Injected: 1"),
    preflight("method-nul", REFUSED, "PUT\x00"),
    preflight("method-latin-1", REFUSED, "PUT\xe9"),
    preflight("method-forbidden", STEP_REFUSED, "TRACE"),
    preflight("method-star", STEP_REFUSED, "*"),
    preflight("method-megabyte", STEP_REFUSED, "P" * MIB),
    # preflight request headers (R20, R21, R36)
    preflight("headers-baseline", ALLOWED, "PUT", "x-token,content-type"),
    preflight("headers-mixed-case-spaces", ALLOWED, "PUT", "X-Token , Content-Type"),
    preflight("headers-empty-items", ALLOWED, "PUT", ",x-token,,content-type,"),
    Row(
        "headers-two-fields",
        (
            ("Origin", ORIGIN),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "x-token"),
            ("Access-Control-Request-Headers", "content-type"),
        ),
        ALLOWED,
        "OPTIONS",
    ),
    preflight("headers-unlisted", STEP_REFUSED, "PUT", "x-token,x-other"),
    preflight("headers-authorization-unlisted", STEP_REFUSED, "PUT", "authorization"),
    preflight("headers-star", STEP_REFUSED, "PUT", "*"),
    preflight("headers-not-a-token", REFUSED, "PUT", "x token"),
    preflight("headers-crlf", REFUSED, "PUT", "x-token\r\nSet-Cookie: a=b"),
    preflight("headers-nul", REFUSED, "PUT", "x-token\x00"),
    preflight("headers-latin-1", REFUSED, "PUT", "x-t\xf6ken"),
    preflight("headers-kelvin-sign-utf8", REFUSED, "PUT", "x-to\xe2\x84\xaaen"),
    preflight("headers-thousands-of-names", REFUSED, "PUT", ",".join(f"x-h{i}" for i in range(5000))),
    preflight("headers-65-short-names", REFUSED, "PUT", ",".join(f"h{i}" for i in range(65))),
    preflight("headers-one-name-5000-times", REFUSED, "PUT", ",".join(["x-token"] * 5000)),
    preflight("headers-one-name-64-times", ALLOWED, "PUT", ",".join(["x-token"] * 64)),
    preflight("headers-megabyte", REFUSED, "PUT", "x" * MIB),
    Row(
        "private-network-not-enabled",
        (("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Private-Network", "true")),
        ALLOWED,
        "OPTIONS",
        absent=("Access-Control-Allow-Private-Network",),
    ),
    # classification (R1, R2) and header-name spelling
    Row("no-origin", (), NOT_CORS),
    preflight("options-without-request-method", ALLOWED, None),
    Row("preflight-without-origin", (("Access-Control-Request-Method", "PUT"),), NOT_CORS, "OPTIONS"),
    Row("lower-case-options-is-not-preflight", (("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT")), ALLOWED, "options"),
    Row("upper-case-header-names", (("ORIGIN", ORIGIN), ("ACCESS-CONTROL-REQUEST-METHOD", "PUT")), ALLOWED, "OPTIONS"),
    # PEP 3333 maps '-' and '_' to the same key: an underscore spelling is indistinguishable in the environ
    # (see test_header_smuggling.py for what real servers do before the environ is built).
    Row("underscore-request-method", (("Origin", ORIGIN), ("Access_Control_Request_Method", "PUT")), ALLOWED, "OPTIONS"),
    Row("origin-with-trailing-underscore-is-another-header", (("Origin_", ORIGIN),), NOT_CORS),
    Row("method-override-header-ignored", (("Origin", ORIGIN), ("X-HTTP-Method-Override", "DELETE")), ALLOWED, "POST"),
)
