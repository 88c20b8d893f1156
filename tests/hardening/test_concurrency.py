"""Shared policies under many threads never give a torn or mixed answer; reconfiguration swaps whole answers.

Bounded stress: a fixed number of threads and iterations (a few seconds in all), with the interpreter's
switch interval lowered so threads interleave inside decide() and the adapters as often as possible.
"""

from __future__ import annotations

import http.client
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cors_core import Policy, PolicySet, RequestMeta, decide

from ._runners import _call, django_app, django_settings, environ_for, wsgi_app
from ._servers import LOOPBACK, running

A = "https://a.example.com"
THREADS = 16


@pytest.fixture(autouse=True)
def _fast_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _check_origin(origin: str) -> bool:
    return origin.endswith(".check.example")


POLICIES: list[Policy | PolicySet] = [
    Policy([A, "https://*.example.org"], allow_credentials=True, allow_methods=["PUT"], allow_headers="*", max_age=600),
    Policy("*", allow_methods="*", allow_headers=["x-token"], expose_headers="*"),
    # a cacheable origin_check with more distinct origins than its 4096-entry cache: clears race with lookups
    Policy(origin_check=_check_origin, origin_check_cacheable=True, allow_methods=["DELETE"]),
    PolicySet({"/api/*": Policy([A], allow_methods=["PATCH"]), "/open": Policy("*")}),
]


def _metas(rng: random.Random) -> list[RequestMeta]:
    origins = [A, "https://x.example.org", "https://evil.example", "null", None, *(f"https://h{i}.check.example" for i in range(6000))]
    out = []
    for _ in range(400):
        origin = rng.choice(origins[:5]) if rng.random() < 0.5 else rng.choice(origins)
        if rng.random() < 0.5:
            out.append(RequestMeta("GET", rng.choice(["/", "/api/x", "/open"]), origin, origin_count=1))
        else:
            acrm = rng.choice(["PUT", "DELETE", "PATCH", "GET"])
            acrh = rng.choice([None, "x-token", "x-token,x-other", "authorization"])
            out.append(RequestMeta("OPTIONS", rng.choice(["/", "/api/x"]), origin, acrm, acrh, None, 1))
    return out


def _answer(policy: Policy | PolicySet, meta: RequestMeta) -> tuple[Any, ...]:
    d = decide(meta, policy)
    return d.kind, d.allowed, d.status, tuple(d.items()), d.vary, d.reason


def _hammer(work: Callable[[random.Random], None], threads: int = THREADS) -> None:
    """Run *work* in *threads* threads at once; re-raise the first failure."""
    failures: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def run(seed: int) -> None:
        barrier.wait()
        try:
            work(random.Random(seed))
        except BaseException as exc:
            failures.append(exc)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool), "a thread hung"
    if failures:
        raise failures[0]


def test_shared_policies_give_the_same_answers_under_threads() -> None:
    cases = [(p, m) for p in POLICIES for m in _metas(random.Random(7))]
    expected = [_answer(p, m) for p, m in cases]

    def work(rng: random.Random) -> None:
        order = list(range(len(cases)))
        rng.shuffle(order)
        for i in order[:1200]:
            policy, meta = cases[i]
            assert _answer(policy, meta) == expected[i], meta

    _hammer(work)


def test_shared_decision_headers_are_read_only() -> None:
    """Decisions share precomputed header maps with the policy: no caller may change them for everyone."""
    policy = POLICIES[1]
    shared = decide(RequestMeta("GET", "/", A), policy)
    with pytest.raises(TypeError):
        shared.headers["Access-Control-Allow-Origin"] = "https://evil.example"  # type: ignore[index]
    out_of_scope = decide(RequestMeta("GET", "/elsewhere", A), POLICIES[3])
    with pytest.raises(TypeError):
        out_of_scope.headers["X"] = "y"  # type: ignore[index]
    assert decide(RequestMeta("GET", "/", A), policy)["Access-Control-Allow-Origin"] == "*"


def test_one_wsgi_middleware_serves_many_threads() -> None:
    policy = POLICIES[0]
    requests = [
        ("GET", (("Origin", A),)),
        ("GET", (("Origin", "https://evil.example"),)),
        (
            "OPTIONS",
            (("Origin", "https://x.example.org"), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "x-a")),
        ),
        ("OPTIONS", (("Origin", A), ("Access-Control-Request-Method", "DELETE"))),
        ("GET", ()),
    ]
    app, ran = wsgi_app(policy)
    expected = [(a.status, a.fields) for a in (_call(app, environ_for(m, "/", f), ran) for m, f in requests)]

    def work(rng: random.Random) -> None:
        for _ in range(400):
            i = rng.randrange(len(requests))
            answer = _call(app, environ_for(requests[i][0], "/", requests[i][1]), ran)
            assert (answer.status, answer.fields) == expected[i]

    _hammer(work)


def test_real_threaded_server_answers_every_client_correctly() -> None:
    """waitress with 8 worker threads, 8 client threads, 50 requests each over loopback."""
    app, _ = wsgi_app(POLICIES[0])
    origins = [A, "https://x.example.org", "https://evil.example"]

    def ask(port: int, origin: str) -> tuple[int, str | None, str | None]:
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        try:
            conn.request("OPTIONS", "/", headers={"Origin": origin, "Access-Control-Request-Method": "PUT"})
            r = conn.getresponse()
            r.read()
            return r.status, r.getheader("Access-Control-Allow-Origin"), r.getheader("Access-Control-Max-Age")
        finally:
            conn.close()

    with running(app, "waitress") as port:
        expected = {o: ask(port, o) for o in origins}
        assert expected[A] == (200, A, "600") and expected["https://evil.example"] == (403, None, None)

        def work(rng: random.Random) -> None:
            for _ in range(50):
                origin = rng.choice(origins)
                assert ask(port, origin) == expected[origin]

        _hammer(work, threads=8)


# Django rebuilds its configuration when a CORS_* setting changes (setting_changed): swap while requests run.

_SWAP_A = Policy([A], allow_methods=["PUT", "DELETE"], max_age=600, expose_headers=["X-A"])
_SWAP_B = Policy([A], allow_methods=["DELETE", "PUT"], max_age=60, expose_headers=["X-B"])
_PREFLIGHT = (("Origin", A), ("Access-Control-Request-Method", "PUT"))


def _django_signature(answer: Any) -> tuple[str, ...]:
    return tuple(",".join(answer.getlist(n)) for n in ("Access-Control-Allow-Methods", "Access-Control-Max-Age"))


def test_django_policy_swapped_while_requests_run_gives_whole_answers() -> None:
    """The swap assigns the setting and sends setting_changed, as override_settings does, but without replacing
    the whole settings object (which Django's test helper does non-atomically: it is not meant for live threads)."""
    from django.conf import settings
    from django.core.signals import setting_changed
    from django.test import override_settings

    with django_settings(_SWAP_A):
        app, ran = django_app()
        sig_a = _django_signature(_call(app, environ_for("OPTIONS", "/x", _PREFLIGHT), ran))
        with override_settings(CORS_POLICY=_SWAP_B):
            sig_b = _django_signature(_call(app, environ_for("OPTIONS", "/x", _PREFLIGHT), ran))
        assert sig_a == ("PUT, DELETE", "600") and sig_b == ("DELETE, PUT", "60")
        stop = threading.Event()
        seen: set[tuple[str, ...]] = set()

        def swapper() -> None:
            flip = False
            while not stop.is_set():
                flip = not flip
                value = _SWAP_B if flip else _SWAP_A
                settings.CORS_POLICY = value
                setting_changed.send(sender=type(settings), setting="CORS_POLICY", value=value, enter=flip)

        def work(rng: random.Random) -> None:
            # Run until both answers were seen (bounded): under the GIL a short fixed count can finish before
            # the swapper thread gets the CPU, and the test is about mixed answers, not about scheduling.
            deadline = time.monotonic() + 10
            for count in range(5000):
                sig = _django_signature(_call(app, environ_for("OPTIONS", "/x", _PREFLIGHT), ran))
                assert sig in (sig_a, sig_b), f"mixed answer {sig}"
                seen.add(sig)
                if count >= 150 and (len(seen) == 2 or time.monotonic() > deadline):
                    break

        swap = threading.Thread(target=swapper)
        swap.start()
        try:
            _hammer(work, threads=8)
        finally:
            stop.set()
            swap.join(timeout=10)
        assert seen == {sig_a, sig_b}, f"the swap was not observed: {seen}"


def test_django_setting_change_during_a_rebuild_is_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic form of the swap race: the settings change lands while a request thread is inside load()."""
    import cors_django._config as config
    from django.test import override_settings

    with django_settings(_SWAP_A):
        app, ran = django_app()
        config.invalidate()
        real_load = config.load
        swapped = override_settings(CORS_POLICY=_SWAP_B)

        def load_then_change() -> Any:
            built = real_load()  # built from _SWAP_A ...
            monkeypatch.setattr(config, "load", real_load)
            swapped.enable()  # ... while another thread switches to _SWAP_B (setting_changed fires here)
            return built

        monkeypatch.setattr(config, "load", load_then_change)
        try:
            _call(app, environ_for("OPTIONS", "/x", _PREFLIGHT), ran)
            after = _django_signature(_call(app, environ_for("OPTIONS", "/x", _PREFLIGHT), ran))
        finally:
            swapped.disable()
        assert after == ("DELETE, PUT", "60"), f"still the old policy after the change: {after}"
