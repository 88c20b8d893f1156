"""Properties of the WSGI adapter's header rewriting (R11, R33), over generated app headers."""

from __future__ import annotations

from cors_wsgi._headers import apply_decision
from hypothesis import given
from hypothesis import strategies as st

from cors_core import CORS_RESPONSE_HEADERS, Policy, RequestMeta, decide, merge_vary

NAMES = st.sampled_from(["Accept", "accept", "Cookie", "Origin", "ORIGIN", "Accept-Encoding", "X-Custom", "*"])
VARY_VALUE = st.lists(NAMES, max_size=4).map(", ".join)
OURS = st.sampled_from(
    [(), ("Origin",), ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")]
)


def names(value: str) -> list[str]:
    return [n.strip() for n in value.split(",") if n.strip()]


@given(st.lists(VARY_VALUE, max_size=3), OURS)
def test_merge_keeps_every_name_once(app_values: list[str], ours: tuple[str, ...]) -> None:  # R33
    merged = names(merge_vary(app_values, ours))
    lowered = [n.lower() for n in merged]
    assert len(lowered) == len(set(lowered))  # case-insensitive dedupe
    app_names = {n.lower() for value in app_values for n in names(value)}
    assert app_names <= set(lowered)  # never drops the app's names
    if "*" in app_names:
        assert set(lowered) == app_names  # '*' already covers ours
    else:
        assert {n.lower() for n in ours} <= set(lowered)


POLICY = Policy(["https://app.example"], allow_credentials=True, expose_headers=["X-Total"])
DECISIONS = [
    decide(RequestMeta("GET", "/", "https://app.example"), POLICY),  # allowed
    decide(RequestMeta("GET", "/", "https://evil.example"), POLICY),  # refused
    decide(RequestMeta("GET", "/"), POLICY),  # no Origin
    decide(RequestMeta("GET", "/", "https://evil.example"), Policy("*")),  # static
]
HEADER = st.tuples(
    st.sampled_from(["Content-Type", "vary", "Vary", *CORS_RESPONSE_HEADERS, "access-control-allow-origin", "X-Other"]),
    st.sampled_from(["*", "text/plain", "Accept", "https://evil.example", "true"]),
)


@given(st.lists(HEADER, max_size=6), st.sampled_from(DECISIONS))
def test_rewritten_headers_carry_exactly_the_decision(app_headers: list[tuple[str, str]], decision: object) -> None:
    before = list(app_headers)
    out = apply_decision(app_headers, decision)  # type: ignore[arg-type]
    assert app_headers == before  # the app's list is left alone
    owned = {n.lower() for n in CORS_RESPONSE_HEADERS}
    cors_out = [(n, v) for n, v in out if n.lower() in owned]
    expected = [(n, v) for n, v in decision.headers.items() if n != "Vary"]  # type: ignore[attr-defined]
    assert sorted(cors_out) == sorted(expected)  # R11: ours replace the app's, one field each
    assert len([n for n, _ in out if n.lower() == "vary"]) <= 1  # R33: one Vary field
    others = [(n, v) for n, v in app_headers if n.lower() not in owned and n.lower() != "vary"]
    assert [(n, v) for n, v in out if n.lower() not in owned and n.lower() != "vary"] == others  # the rest, in order
