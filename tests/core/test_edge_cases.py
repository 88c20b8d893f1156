"""The edge-case and attack table of cors-rules.md section 3, row by row (the row's input is the test id).

Rows about the server or the framework (WSGI header smuggling, auth middleware, app-set headers,
redirects, 304) are checked here for the part the core decides; the adapters' tests check the rest.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cors_core import Policy, RequestKind, RequestMeta, decide
from cors_core.testing import BrowserRequest, check_actual, simulate, unsafe_request_header_names

from ._support import ORIGIN, actual, allow_star_headers, items, preflight

BASE = Policy(
    ["https://example.com", "https://example.com:8443", "https://app.example.com", "http://[::1]:8080", "https://bücher.example",
     "chrome-extension://abcdefghijklmnop"],
    allow_methods=["PUT", "PATCH"],
    allow_headers=["X-Foo", "Content-Type", "Accept", "Content-Language", "Range"],
)
EX = "https://example.com"
NULL_OK = Policy([EX, "null"])
CREDS_ALL = Policy([EX], allow_credentials=True, allow_methods=["*"], allow_headers=["*"], expose_headers=["X-A", "X-B"])
ANY_HEADERS = Policy([EX], allow_methods=["PUT"], allow_headers=["*"])


def refused_actual(origin: str, policy: Policy = BASE, count: int | None = 1) -> None:
    d = actual(policy, origin=origin, origin_count=count)
    assert d.kind is RequestKind.ACTUAL and not d.allowed
    assert allow_star_headers(d) == [] and "Access-Control-Expose-Headers" not in d


def allowed_actual(origin: str, policy: Policy = BASE) -> None:
    d = actual(policy, origin=origin)
    assert d.allowed and d["Access-Control-Allow-Origin"] == origin


def row_no_origin() -> None:
    d = actual(BASE, origin=None)
    assert d.kind is RequestKind.NOT_CORS and allow_star_headers(d) == [] and d["Vary"] == "Origin"
    assert actual(Policy("*"), origin=None)["Access-Control-Allow-Origin"] == "*"  # static (R31)


def row_two_origins() -> None:
    refused_actual(EX, count=2)
    for joined in (f"{EX}, https://app.example.com", f"{EX},{EX}", f"{EX} https://app.example.com"):
        refused_actual(joined)


def row_origin_with_path() -> None:
    for suffix in ("/", "/path", "?", "?q=1", "#", "#f"):
        refused_actual(EX + suffix)


def row_uppercase_origin() -> None:
    refused_actual("https://EXAMPLE.com")
    refused_actual("HTTPS://example.com")


def row_default_port() -> None:
    refused_actual("https://example.com:443")
    assert Policy(["https://example.com:443"]).origins == ("https://example.com",)


def row_other_port() -> None:
    allowed_actual("https://example.com:8443")
    refused_actual("https://example.com:8444")
    refused_actual("https://app.example.com:8443")


def row_trailing_dot() -> None:
    refused_actual("https://example.com.")
    allowed_actual("https://example.com.", Policy(["https://example.com."]))
    refused_actual("https://a.example.com.", Policy(["https://*.example.com"]))


def row_idn() -> None:
    allowed_actual("https://xn--bcher-kva.example")
    refused_actual("https://bücher.example")
    assert Policy(["https://faß.de"]).origins == ("https://xn--fa-hia.de",)  # not fass.de (IDNA 2003)


def row_ipv6() -> None:
    allowed_actual("http://[::1]:8080")
    refused_actual("http://[0:0:0:0:0:0:0:1]:8080")
    refused_actual("http://[::1]")
    assert Policy(["http://[0:0:0:0:0:0:0:1]:8080"]).origins == ("http://[::1]:8080",)


def row_null() -> None:
    refused_actual("null")
    allowed_actual("null", NULL_OK)
    for spelling in ("NULL", "Null"):
        refused_actual(spelling, NULL_OK)
    reflect = Policy("*", allow_credentials=True, dangerously_allow_credentials_with_any_origin=True)
    refused_actual("null", reflect)


def row_extension_schemes() -> None:
    allowed_actual("chrome-extension://abcdefghijklmnop")
    refused_actual("moz-extension://abcdefghijklmnop")
    refused_actual("safari-web-extension://abcdefghijklmnop")
    refused_actual("file://")


def row_suffix_prefix_bugs() -> None:
    pattern = Policy(["https://*.example.com", EX])
    for origin in ("https://example.com.evil.net", "https://evilexample.com", "https://example.co", "http://example.com",
                   "https://exampleXcom", "https://a.example.com.evil.net"):
        refused_actual(origin, pattern)
    regex = Policy(origin_regexes=[r"https://([a-z]+\.)?example\.com"])
    refused_actual("https://example.com.evil.net", regex)
    refused_actual("https://exampleXcom", regex)
    allowed_actual("https://a.example.com", regex)


def row_control_bytes() -> None:
    p = BASE.replace(debug=True)
    for bad in ("\r\n", "\x00", "\n", "é"):
        d1 = actual(p, origin=EX + bad)
        d2 = preflight(p, origin=EX, method="PUT" + bad)
        d3 = preflight(p, origin=EX, method="PUT", headers="x-foo" + bad)
        for d in (d1, d2, d3):
            assert not d.allowed and all(v.isascii() and v.isprintable() for v in d.values())


def row_header_smuggling() -> None:
    """Which environ key holds the ACRM is the WSGI adapter's job (its tests); the core only sees RequestMeta."""
    d = decide(RequestMeta("OPTIONS", "/", EX, None), BASE)  # the smuggled name never reached request_method
    assert d.kind is RequestKind.ACTUAL


def row_options_without_acrm() -> None:
    d = decide(RequestMeta("OPTIONS", "/", EX), BASE)
    assert d.kind is RequestKind.ACTUAL and d.status is None and d["Access-Control-Allow-Origin"] == EX


def row_preflight_without_origin() -> None:
    d = preflight(BASE, origin=None)
    assert d.kind is RequestKind.NOT_CORS and allow_star_headers(d) == []


def row_bad_acrm() -> None:
    for acrm in ("", "GE T", "PUT, PUT", "PUT,PATCH"):
        d = preflight(BASE, origin=EX, method=acrm)
        assert not d.allowed and allow_star_headers(d) == []


def row_patch_vs_PATCH() -> None:
    assert not preflight(BASE, origin=EX, method="patch").allowed
    assert preflight(BASE, origin=EX, method="PATCH").allowed


def row_safelisted_acrm() -> None:
    for method in ("GET", "HEAD", "POST"):
        d = preflight(BASE, origin=EX, method=method, headers="x-foo")
        assert d.allowed and d["Access-Control-Allow-Origin"] == EX and "x-foo" in items(d["Access-Control-Allow-Headers"].lower())


def row_acrh_lenient() -> None:
    for acrh in ("Content-Type, X-Foo", "x-foo,,content-type", "X-Foo,x-foo", "x-foo"):
        assert preflight(BASE, origin=EX, headers=acrh).allowed
    merged = preflight(BASE, origin=EX, headers="x-foo, content-type")  # two fields joined by the server
    assert merged.allowed


def row_acrh_not_token() -> None:
    for acrh in ("x foo", 'x"y', "(x)"):
        d = preflight(ANY_HEADERS, origin=EX, headers=acrh)
        assert not d.allowed and allow_star_headers(d) == []


def row_acrh_huge() -> None:
    d = preflight(ANY_HEADERS, origin=EX, headers=",".join(f"x-{i}" for i in range(10_000)))
    assert not d.allowed and allow_star_headers(d) == []
    d = preflight(ANY_HEADERS, origin=EX, headers="x" * 100 * 1024)
    assert not d.allowed


def row_acrh_authorization_with_star() -> None:
    assert not preflight(ANY_HEADERS, origin=EX, headers="authorization").allowed
    listed = ANY_HEADERS.replace(allow_headers=["*", "Authorization"])
    d = preflight(listed, origin=EX, headers="authorization")
    assert "authorization" in items(d["Access-Control-Allow-Headers"])


def row_acrh_literal_star() -> None:
    """The core never echoes a name '*' (it would read as a wildcard without credentials): refused everywhere.

    Stricter than the table (which allows the literal match with credentials); harmless, as no real header is named '*'.
    """
    for policy in (ANY_HEADERS, BASE, CREDS_ALL):
        d = preflight(policy, origin=EX, method="PUT", headers="x-foo,*")
        assert not d.allowed  # R23 revised: an ok answer for the allowed origin, but no '*' in what it lists
        assert "*" not in items(d.get("Access-Control-Allow-Methods", "")) + items(d.get("Access-Control-Allow-Headers", ""))
    assert not preflight(CREDS_ALL, origin=EX, method="*").allowed


def row_safelisted_names_in_acrh() -> None:
    assert unsafe_request_header_names([("Content-Type", "application/json"), ("Accept", "a" * 129)]) == ["accept", "content-type"]
    d = preflight(BASE, origin=EX, headers="accept,content-language,content-type,range")
    assert d.allowed


def row_credentials_and_any() -> None:
    d = preflight(CREDS_ALL, origin=EX, method="DELETE", headers="x-a")
    assert d["Access-Control-Allow-Methods"] == "DELETE" and d["Access-Control-Allow-Headers"] == "x-a"
    assert all("*" not in v for v in d.values())
    assert "*" not in actual(CREDS_ALL, origin=EX)["Access-Control-Expose-Headers"]


def row_app_set_acao_and_vary() -> None:
    """Replacing and merging is the adapters' job (their tests); the core gives one ACAO and names to merge."""
    app_headers = [("Access-Control-Allow-Origin", "https://stale.example"), ("Vary", "Accept-Encoding")]
    d = actual(BASE, origin=EX)
    replaced = [(n, v) for n, v in app_headers if n not in d] + [(n, v) for n, v in d.items() if n != "Vary"]
    assert check_actual(BrowserRequest(EX), 200, replaced)
    assert not check_actual(BrowserRequest(EX), 200, [*app_headers, *d.items()])  # appended: two ACAO fields fail
    assert d.vary == ("Origin",)


def row_redirect() -> None:
    """Adding headers on 3xx is the adapters' job (their tests); after a cross-origin hop Origin is null."""
    assert check_actual(BrowserRequest(EX), 302, list(actual(BASE, origin=EX).items()))
    refused_actual("null")


def row_preflight_hits_auth() -> None:
    """Answering before auth/routing is the adapters' job (their tests): the core gives a 2xx and no app call."""
    d = preflight(BASE, origin=EX, method="PUT", path="/needs/login")
    assert d.kind is RequestKind.PREFLIGHT and d.status is not None and 200 <= d.status <= 299


def row_304() -> None:
    """Same headers as 200: decide() sees no status; the adapters' tests check 304 responses."""
    assert dict(actual(BASE, origin=EX)) == dict(actual(BASE, origin=EX)) and actual(BASE, origin=EX)["Vary"] == "Origin"


def row_max_age_config() -> None:
    from cors_core import PolicyError

    for bad in (-1, 1.5, "600 ", 99999999):
        with pytest.raises(PolicyError):
            BASE.replace(max_age=bad)
    assert preflight(BASE.replace(max_age=7200), origin=EX)["Access-Control-Max-Age"] == "7200"


def row_acrpn_without_pna() -> None:
    d = preflight(BASE, origin=EX, method="PUT", private_network="true")
    assert d.allowed and "Access-Control-Allow-Private-Network" not in d
    pna = BASE.replace(allow_private_network=True)
    assert "Access-Control-Allow-Private-Network" not in preflight(pna, origin=EX, private_network="yes")


def row_same_origin_post() -> None:
    d = actual(BASE, origin="https://api.own.example", method="POST")
    assert d.kind is RequestKind.ACTUAL and d.status is None  # not rejected: the app runs
    assert simulate(BrowserRequest(ORIGIN, "POST"), Policy([ORIGIN])).ok


ROWS: list[tuple[str, Callable[[], None]]] = [
    ("No Origin", row_no_origin),
    ("Two Origin fields, or Origin: a, b / a b", row_two_origins),
    ("Origin: https://example.com/ or /path, ?, #", row_origin_with_path),
    ("Origin: https://EXAMPLE.com, HTTPS://example.com", row_uppercase_origin),
    ("Origin: https://example.com:443", row_default_port),
    ("https://example.com:8443 vs https://example.com", row_other_port),
    ("Trailing dot https://example.com.", row_trailing_dot),
    ("IDN https://bücher.example", row_idn),
    ("IPv6 http://[::1]:8080", row_ipv6),
    ("Origin: null", row_null),
    ("Extension/other schemes chrome-extension://<id>", row_extension_schemes),
    ("Suffix/prefix matching bugs", row_suffix_prefix_bugs),
    ("CR/LF/NUL or non-ASCII bytes in Origin/ACRM/ACRH", row_control_bytes),
    ("Header-name smuggling Access_Control_Request_Method", row_header_smuggling),
    ("OPTIONS + Origin, no ACRM", row_options_without_acrm),
    ("Preflight without Origin", row_preflight_without_origin),
    ("ACRM missing value, empty, multiple fields, non-token (GE T)", row_bad_acrm),
    ("ACRM patch vs allowed PATCH", row_patch_vs_PATCH),
    ("ACRM GET/HEAD/POST", row_safelisted_acrm),
    ("ACRH Content-Type, X-Foo (mixed case, spaces), x-a,,x-b, duplicates, multiple ACRH fields", row_acrh_lenient),
    ("ACRH item not a token (x foo, x\"y, (x))", row_acrh_not_token),
    ("ACRH with 10 000 names / 100 KiB", row_acrh_huge),
    ("ACRH contains authorization and policy says all headers", row_acrh_authorization_with_star),
    ("ACRH contains literal *", row_acrh_literal_star),
    ("ACRH contains accept, content-type, content-language, range", row_safelisted_names_in_acrh),
    ("Credentials allowed + any header/any method/expose all", row_credentials_and_any),
    ("App already set ACAO / Vary", row_app_set_acao_and_vary),
    ("Redirect (3xx) to a CORS request", row_redirect),
    ("Preflight hits auth middleware / 404 route / 405", row_preflight_hits_auth),
    ("304 revalidation", row_304),
    ("Access-Control-Max-Age config -1, 1.5, '600 ', 99999999", row_max_age_config),
    ("ACRPN present but PNA not enabled in policy", row_acrpn_without_pna),
    ("Same-origin POST with Origin equal to own origin", row_same_origin_post),
]


@pytest.mark.parametrize("check", [c for _, c in ROWS], ids=[row for row, _ in ROWS])
def test_edge_case_table_row(check: Callable[[], None]) -> None:
    check()


def test_every_row_of_the_table_is_covered() -> None:
    """The spec table has 33 rows; a new row there should get a test here."""
    from pathlib import Path

    spec = Path(__file__).resolve().parents[3] / "shared" / "spec" / "cors-rules.md"
    if not spec.exists():
        pytest.skip("the shared spec is not next to this checkout")
    section = spec.read_text(encoding="utf-8").split("## 3.")[1].split("## 4.")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Input") and "---" not in line]
    assert len(rows) == len(ROWS)
