"""The engine-neutral plumbing of the browser suite, checked without a browser: departures, console wording,
the loopback-only proxy port and the private X display (where Xvfb is installed)."""

from __future__ import annotations

import shutil
import socket

import pytest

from ._cases import CASES, CONSOLE, NO_SECURE_COOKIE_OVER_HTTP_LOCALHOST, console_pattern
from ._engine import ENGINES, ClosedPort, Xvfb


def test_a_departure_changes_the_call_only_in_its_engines() -> None:
    case = next(c for c in CASES if NO_SECURE_COOKIE_OVER_HTTP_LOCALHOST in c.departures)
    assert case.calls_in("webkit")[1].body_has == '"cookie": ""'
    for engine in set(ENGINES) - set(NO_SECURE_COOKIE_OVER_HTTP_LOCALHOST.engines):
        assert case.calls_in(engine) == case.calls


def test_departures_name_known_engines_and_existing_calls() -> None:
    for case in CASES:
        for d in case.departures:
            assert set(d.engines) <= set(ENGINES), d.name
            assert 1 <= d.call <= len(case.calls), d.name


def test_firefox_words_every_refusal_a_case_makes() -> None:
    """Every culprit a case names is checked in Firefox's console (WebKit exposes none)."""
    culprits = {call.culprit for case in CASES for engine in ENGINES for call in case.calls_in(engine) if call.culprit}
    assert culprits <= set(CONSOLE["firefox"]), culprits - set(CONSOLE["firefox"])
    refused = [call for case in CASES for call in case.calls if not call.ok]
    assert all(call.culprit for call in refused), "a refused call without a culprit is checked on its outcome alone"
    assert not CONSOLE["webkit"]


def test_console_pattern_is_searched_per_engine() -> None:
    call = next(call for case in CASES for call in case.calls if call.culprit == "origin")
    pattern = console_pattern("firefox", call)
    assert pattern is not None
    assert pattern.search("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
                          "http://127.0.0.1:1/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.")
    assert console_pattern("webkit", call) is None


def test_the_proxy_port_refuses_connections() -> None:
    closed = ClosedPort()
    try:
        with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", closed.port), timeout=5):
            pass
        assert f"PROXY 127.0.0.1:{closed.port}" in closed.pac() and "dnsDomainIs(host, '.localhost')" in closed.pac()
    finally:
        closed.close()


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")
def test_xvfb_takes_a_free_display_and_goes_away() -> None:
    first, second = Xvfb(), Xvfb()
    try:
        assert first.display != second.display and first.display.startswith(":")
    finally:
        first.close()
        second.close()
    assert first._proc.poll() is not None and second._proc.poll() is not None
