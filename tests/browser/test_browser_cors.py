"""Every case of ``_cases`` in every engine (Chromium, Firefox, WebKit), once per adapter, checked against the
oracle too.

For each call of a case, five views must tell the case's story: the engine's (could the script read
the answer, its status and visible headers; the error's type, never its engine-specific text), the
server's record (was a preflight sent, did the request reach the app), the engine's console where it
exposes one, ``simulate()`` on the policy with the engine's profile, and ``check_preflight``/
``check_actual``/``exposed_headers`` run on the bytes the server really sent. Where an engine departs
from the Fetch Standard the case names the departure, and the Standard's (strict) oracle must disagree
with the engine there: the day an engine follows the Standard, its departure fails.
"""

from __future__ import annotations

import dataclasses

import pytest

from cors_core.testing import (
    BrowserRequest,
    check_actual,
    check_preflight,
    engine_profile,
    exposed_headers,
    preflight_headers,
    simulate,
)

from ._apps import Api
from ._cases import (
    CACHE_MODE_SKIPS_PREFLIGHT_CACHE,
    CASES,
    CONSOLE_MARK,
    CONSOLE_NO_CULPRIT,
    PREFLIGHT_CACHE_SKIPPING_MODES,
    STAR_COVERS_AUTHORIZATION,
    Case,
    console_pattern,
)
from ._engine import ENGINES
from ._routes import REDIRECT_TARGET
from ._run import CallRun, CaseRun

pytestmark = pytest.mark.browser

_VIEW_STATUSES = (200, 401, 500)  # answers only our views give (404/405 come from the framework)


#: The error a script gets for a refused response: fetch() rejects with a TypeError (each engine words it
#: differently), an XHR fires its error event.
_ERROR_TYPE = {"fetch": "TypeError", "xhr": "error event"}


def _check_browser(label: str, case: Case, run: CallRun) -> None:
    """The engine and the server's record against the case's expectation."""
    call, seen = run.call, run.seen
    assert seen["ok"] is call.ok, f"{label}: script could read the response: {seen['ok']} (expected {call.ok}); {seen}"
    if not call.ok:
        assert seen["type"] == _ERROR_TYPE[call.via], f"{label}: error type {seen['type']!r}: {seen['error']}"
    assert len(run.preflights) == (1 if call.preflight else 0), f"{label}: preflights on the wire: {len(run.preflights)}"
    # The adapter passes every non-preflight request on, so "reached the app" is "an actual request arrived".
    assert bool(run.actuals) is call.reached, f"{label}: request reached the app: {bool(run.actuals)} (expected {call.reached})"
    assert all(method != "OPTIONS" for method, _ in run.hits), f"{label}: a preflight reached a view"
    if call.reached and call.status in _VIEW_STATUSES and case.policy != "raw":
        assert run.hits, f"{label}: the view did not run"
    if not call.ok:
        return
    if call.status is not None:
        assert seen["status"] == call.status, f"{label}: status {seen['status']}"
    visible = set(seen["headers"])
    for name in call.visible:
        assert name in visible, f"{label}: {name} should be readable; script saw {sorted(visible)}"
    for name in call.hidden:
        assert name not in visible, f"{label}: {name} should be hidden; script saw {sorted(visible)}"
    assert call.body_has in seen["body"], f"{label}: body {seen['body']!r} lacks {call.body_has!r}"


def _check_console(label: str, engine: str, run: CallRun) -> None:
    """R23: where the engine exposes its console, a refusal's message names the culprit the case expects (origin,
    credentials, method or header by name), and a call that worked leaves no refusal there."""
    if run.console is None:
        return
    mark = CONSOLE_MARK.get(engine)
    quiet = CONSOLE_NO_CULPRIT.get(engine)
    refusals = [m for m in run.console if mark and mark in m and not (quiet and quiet.search(m))]
    if run.call.ok:
        assert not refusals, f"{label}: CORS refusal in the console of a call that worked: {refusals}"
    pattern = console_pattern(engine, run.call)
    if pattern is None:
        return
    assert any(pattern.search(m) for m in run.console), f"{label}: no console message matches {pattern.pattern!r}: {run.console}"
    wrong = [m for m in refusals if not pattern.search(m)]
    assert not wrong, f"{label}: the console also blames something else than {run.call.culprit}: {wrong}"


def _check_wire_oracle(label: str, case: Case, engine: str, req: BrowserRequest, run: CallRun) -> None:
    """The oracle's checks (with the engine's profile), run on the real bytes, must agree with what the engine did."""
    seen = run.seen
    for pf in run.preflights:
        sent = dict(preflight_headers(req))
        assert pf.headers.get("access-control-request-method") == sent["Access-Control-Request-Method"], label
        assert pf.headers.get("access-control-request-headers") == sent.get("Access-Control-Request-Headers"), label
        verdict = check_preflight(req, pf.status, pf.response_headers, engine=engine)
        assert bool(run.actuals) is verdict.ok, f"{label}: oracle on the preflight says {verdict}; {engine} went on: {bool(run.actuals)}"
        if STAR_COVERS_AUTHORIZATION in case.departures_in(engine):  # the Standard's oracle must disagree with the engine
            strict = check_preflight(req, pf.status, pf.response_headers, engine="spec")
            assert strict.ok is not verdict.ok, f"{label}: {engine} now follows the Standard; update {STAR_COVERS_AUTHORIZATION.name}"
    # Each hop is judged for the origin it carried (a cross-origin redirect turns it into "null").
    hops = [(dataclasses.replace(req, origin=e.headers.get("origin", "")), e) for e in run.actuals]
    if hops:
        verdicts = [check_actual(hop_req, e.status, e.response_headers) for hop_req, e in hops]
        assert all(verdicts) is seen["ok"], f"{label}: oracle on the wire {verdicts}, {engine} ok={seen['ok']}"
    if seen["ok"] and hops:
        final_req, final = hops[-1][0], hops[-1][1].response_headers
        sent_names = {n.lower() for n, _ in final}
        assert set(seen["headers"]) & sent_names == exposed_headers(final_req, final), f"{label}: exposed headers differ"


def _check_policy_oracle(label: str, engine: str, req: BrowserRequest, run: CallRun, api: Api, cached: bool) -> bool:
    """``simulate()`` on the policy must predict the case; returns whether the preflight result is cached."""
    outcome = simulate(req, api.policies, engine=engine)
    if run.call.origin_after_redirect:  # the redirect itself passes (R27); the next hop decides, from its new origin
        assert outcome.ok, f"{label}: simulate() refuses the redirect response: {outcome.reason}"
        target = req.path.rsplit("/", 1)[0] + f"/{REDIRECT_TARGET}"
        outcome = simulate(dataclasses.replace(req, origin=run.call.origin_after_redirect, path=target), api.policies, engine=engine)
    assert outcome.ok is run.call.ok, f"{label}: simulate() says ok={outcome.ok} ({outcome.reason})"
    assert (outcome.preflight_sent and not cached) is run.call.preflight, f"{label}: simulate() preflight={outcome.preflight_sent}"
    return outcome.ok and outcome.preflight_sent and bool(outcome.max_age)


def test_departures_match_the_oracle_profiles() -> None:
    """The engines the browser shows departing are the ones whose cors_core.testing profile says so."""
    for engine in ENGINES:
        assert (engine in STAR_COVERS_AUTHORIZATION.engines) is engine_profile(engine).star_covers_authorization, engine


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_browser_case(case: Case, api: Api, case_runs: dict[str, CaseRun | BaseException]) -> None:
    result = case_runs[case.id]
    if isinstance(result, BaseException):
        raise result
    cached = False
    for index, run in enumerate(result.calls, 1):
        label = f"{case.id} [{result.engine}, {api.adapter}] call {index}"
        for position, exchange in enumerate(run.wire):
            expected = run.call.origin_after_redirect if position and run.call.origin_after_redirect else result.origin
            sent = exchange.headers.get("origin")
            assert sent == expected, f"{label}: exchange {position} sent Origin {sent!r}, expected {expected!r}"
        _check_browser(label, case, run)
        _check_console(label, result.engine, run)
        req = BrowserRequest(result.origin, run.call.method, run.call.wire_headers(), run.call.credentials, path=run.path)
        _check_wire_oracle(label, case, result.engine, req, run)
        if case.policy != "raw":
            cache_skipped = run.call.cache in PREFLIGHT_CACHE_SKIPPING_MODES and CACHE_MODE_SKIPS_PREFLIGHT_CACHE in case.departures_in(
                result.engine)
            in_cache = cached and case.reuse_url and not cache_skipped
            cached = _check_policy_oracle(label, result.engine, req, run, api, in_cache) or cached
