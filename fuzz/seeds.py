"""Writes the seed corpus (fuzz/corpus/<harness>/seed-*) from readable cases: ``python fuzz/seeds.py``.

Regression inputs found by fuzzing are kept next to them as ``regress-*`` files and never rewritten.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_decide as d
import fuzz_wsgi as wsgi
from _input import Writer

CORPUS = Path(__file__).resolve().parent / "corpus"
_NONE = object()


def meta_seed(target: int, method: str, path: str, origin: object, acrm: object, acrh: object, pna: object, count: int | None) -> bytes:
    """An arbitrary-RequestMeta input for fuzz_decide (``_NONE`` for an absent header)."""
    w = Writer().byte(target).flag(False).byte(4 if count is None else count)
    w.pick_or_text(("OPTIONS", "GET", "POST", "PUT", "options"), method).pick_or_text(d.PATHS, path)
    for value, options in ((origin, d.ORIGINS), (acrm, d.METHODS), (acrh, d.HEADER_LISTS), (pna, d.PNA_VALUES)):
        if value is _NONE:
            w.byte(0)
        else:
            assert isinstance(value, str)
            w.byte(1).pick_or_text(options, value)
    return w.getvalue()


def browser_seed(target: int, method: str, headers: list[int], origin: str, credentials: bool, pna: bool, path: str) -> bytes:
    """A browser-shaped input for fuzz_decide."""
    methods = [m for m in d.METHODS if m and " " not in m and m != "OPTIONS"]
    w = Writer().byte(target).flag(True).choice(methods, method).byte(len(headers))
    for h in headers:
        w.byte(h)
    return w.choice(d.ORIGINS[:14], origin).flag(credentials).flag(False).flag(pna).choice(d.PATHS, path).getvalue()


def decide_seeds() -> list[bytes]:
    n = _NONE
    return [
        meta_seed(0, "GET", "/", "https://app.example.com", n, n, n, 1),
        meta_seed(0, "OPTIONS", "/", "https://a.example.org", "PUT", "x-token,content-type", n, 1),
        meta_seed(1, "OPTIONS", "/", "https://pr-42.preview.example.net", "*", "*", "true", 1),
        meta_seed(1, "OPTIONS", "/", "https://a.b.example.org:8443", "PATCH", "X-Token, Content-Type", "true", None),
        meta_seed(2, "OPTIONS", "/", "null", "GET", "authorization", n, None),
        meta_seed(3, "POST", "/", "https://evil.example", n, n, n, 2),
        meta_seed(3, "OPTIONS", "/", "null", "GET", "authorization", n, 1),
        meta_seed(4, "OPTIONS", "/", "https://boom.check.example", "DELETE", "x-token", n, 1),
        meta_seed(4, "GET", "/", "https://ok.check.example", n, n, n, 1),
        meta_seed(5, "OPTIONS", "/api/users", "https://app.example.com", "DELETE", "x-a,,x-b", n, 1),
        meta_seed(5, "GET", "/api/../public", "https://evil.example", n, n, n, 1),
        meta_seed(5, "GET", "/v1/items", "http://[::1]:8080", n, n, n, 1),
        meta_seed(0, "GET", "/", "https://app.example.com\r\nX-Injected: 1", n, n, n, 1),
        meta_seed(0, "GET", "/", "https://app.example.com\x00", n, n, n, 1),
        meta_seed(0, "GET", "/", "https://b\xfccher.example", n, n, n, 1),
        meta_seed(1, "OPTIONS", "/", "https://app.example.com", "G\u0130T", "x-\u212a", n, 1),
        meta_seed(1, "OPTIONS", "/", "https://app.example.com", "PUT", "x-a," * 400, n, 1),
        meta_seed(0, "GET", "/", "https://" + "a." * 510 + "examples.org", n, n, n, 1),
        browser_seed(0, "PUT", [0, 1], "https://app.example.com", False, False, "/"),
        browser_seed(0, "patch", [], "https://a.example.org", False, False, "/"),
        browser_seed(1, "DELETE", [3], "https://app.example.com", True, True, "/"),
        browser_seed(2, "GET", [7], "https://evil.example", True, False, "/"),
        browser_seed(3, "POST", [3, 4], "https://evil.example", True, False, "/"),
        browser_seed(5, "PUT", [1], "https://app.example.com", True, False, "/api/users"),
    ]


def origins_seed(entries: list[str], regexes: list[int], origins: list[str]) -> bytes:
    w = Writer().byte(len(entries) - 1)
    for e in entries:
        if e == "null":
            w.byte(0)
        else:
            w.byte(1).text(e)
    w.byte(len(regexes))
    for i in regexes:
        w.byte(i)
    w.byte(len(origins) - 1)
    for origin in origins:
        w.byte(0).text(origin)  # a raw origin, used as it is
    return w.getvalue()


def origins_seeds() -> list[bytes]:
    return [
        origins_seed(["https://app.example.com"], [], ["https://app.example.com", "https://APP.example.com", "https://app.example.com."]),
        origins_seed(["https://*.example.com"], [], ["https://a.example.com", "https://example.com", "https://aexample.com"]),
        origins_seed(
            ["https://*.example.com"], [], ["https://a.example.com.evil.net", "http://a.example.com", "https://a.example.com:8443"]
        ),
        origins_seed(
            ["https://*.example.com:*"], [], ["https://a.example.com:1", "https://a.example.com:0", "https://a.example.com:65536"]
        ),
        origins_seed(["http://localhost:*", "null"], [], ["http://localhost", "http://localhost:5173", "null", "NULL"]),
        origins_seed(["http://[0:0::1]:8080"], [], ["http://[::1]:8080", "http://[0:0::1]:8080", "http://[::1]:08080"]),
        origins_seed(["https://bücher.example"], [], ["https://xn--bcher-kva.example", "https://b\xfccher.example"]),
        origins_seed(["HTTPS://Example.COM:443"], [], ["https://example.com", "https://example.com:443"]),
        origins_seed(
            ["https://a.com"], [0, 1], ["https://x.example.com", "https://x.example.com.evil.net", "https://pr-1.preview.example.net:99"]
        ),
        origins_seed(
            ["https://a.com"], [3], ["https://example.com", "https://example.org", "https://example.comx", "xhttps://example.org"]
        ),
        origins_seed(["https://a.com"], [5, 6], ["https://" + "a" * 40 + "!.example.com", "https://exampleXcom"]),
        origins_seed(["chrome-extension://abcdefghijklmnopabcdefghijklmnop"], [2], ["chrome-extension://abcdefghijklmnopabcdefghijklmnop"]),
        origins_seed(["https://*.co.uk"], [], ["https://evil.co.uk"]),
        origins_seed(["https://*.example.com"], [], ["https://a..example.com", "https://.example.com", "https://a.example.com\n"]),
    ]


def wsgi_seed(target: int, method: str, path: str, origin: str | None, acrm: str | None, status: int, app: list[tuple[str, str]]) -> bytes:
    """An input for fuzz_wsgi: a request and what the application answers."""
    w = Writer().byte(target).pick_or_text(("GET", "OPTIONS", "POST"), method).choice(d.PATHS, path)
    for value, options in ((origin, d.ORIGINS), (acrm, d.METHODS)):
        if value is None:
            w.byte(0)
        else:
            w.byte(1).pick_or_text(options, value)
    w.byte(0).choice((200, 204, 304, 404, 500), status).byte(len(app))
    for name, value in app:
        w.choice(wsgi.APP_NAMES, name).choice(wsgi.APP_VALUES, value)
    return w.getvalue()


def wsgi_seeds() -> list[bytes]:
    o = "https://app.example.com"
    return [
        wsgi_seed(0, "GET", "/", o, None, 200, [("Vary", "Accept-Encoding"), ("Content-Type", "text/plain")]),
        wsgi_seed(0, "GET", "/", o, None, 200, [("vary", "*")]),
        wsgi_seed(
            0, "GET", "/", "https://evil.example", None, 404, [("Access-Control-Allow-Origin", "https://evil.example"), ("VARY", "origin")]
        ),
        wsgi_seed(1, "GET", "/", o, None, 500, [("access-control-allow-credentials", "true"), ("Vary", " , ,")]),
        wsgi_seed(2, "GET", "/", o, None, 304, [("Access-Control-Expose-Headers", "*"), ("X-Total", "Origin")]),
        wsgi_seed(3, "GET", "/", o, None, 200, [("X-CORS-Reason", "true")]),
        wsgi_seed(0, "OPTIONS", "/", o, "PUT", 200, [("Vary", "Origin")]),
        wsgi_seed(5, "GET", "/other", o, None, 200, [("Access-Control-Allow-Origin", "*")]),
        wsgi_seed(5, "GET", "/public", None, None, 200, [("Vary", "Origin, Accept")]),
        wsgi_seed(2, "GET", "/", None, None, 200, []),
    ]


def write() -> int:
    count = 0
    # fuzz_asgi reads fuzz_wsgi's case first, then one byte of delivery: the WSGI seeds, plus two Origin fields / capitals.
    asgi = [seed + bytes([delivery]) for seed in wsgi_seeds() for delivery in (0, 3)]
    for name, seeds in (("asgi", asgi), ("decide", decide_seeds()), ("origins", origins_seeds()), ("wsgi", wsgi_seeds())):
        folder = CORPUS / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("seed-*"):
            old.unlink()
        for data in seeds:
            (folder / f"seed-{hashlib.sha1(data).hexdigest()[:12]}").write_bytes(data)
            count += 1
    return count


if __name__ == "__main__":
    print(f"wrote {write()} seed files under {CORPUS}")
