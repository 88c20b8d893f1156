"""What any CORS layer must pay in each framework, next to what ours pays: the numbers behind docs/performance.md.

For WSGI, Flask, Django and Starlette, the same in-process harness as ``run.py`` times the bare app against
layers that do less than a CORS layer can: a pass-through, and one that only appends ``Vary: Origin``
(the least a layer that follows Fetch's advice on caches must do, R30). Ours and the peer run in
the same rounds, so each row shows how far above that floor each library is.

    python benchmarks/floors.py                      # every framework, no-origin / allowed / refused
    python benchmarks/floors.py --group flask --rounds 25
    python benchmarks/floors.py --group starlette    # ASGI: the same floors as Starlette middleware
    python benchmarks/floors.py --profile flask refused-simple   # cProfile of our layer on one scenario
    python benchmarks/floors.py --profile flask allowed-simple --policy subdomain-pattern

A report, not a test: it writes nothing and asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as harness  # benchmarks/run.py: the same drivers and timing loop

SCENARIOS = ("no-origin", "allowed-simple", "refused-simple", "rotating-refused")
#: The frameworks with floors: run.py's groups but decide() alone.
GROUPS = tuple(dict.fromkeys(t.group for t in harness.TARGETS if t.group != "decide"))
_VARY = ("Vary", "Origin")


class _PassThrough:
    """A WSGI layer that does nothing."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self.app(environ, start_response)


class _VaryOnly:
    """A WSGI layer that only appends ``Vary: Origin`` through a wrapped ``start_response``."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def vary_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, [*headers, _VARY], exc_info)

        return self.app(environ, vary_start_response)


def _flask_with(layer: type) -> Any:
    app = harness._flask_app()
    app.wsgi_app = layer(app.wsgi_app)
    return app


_ASGI_VARY = (b"vary", b"Origin")


class _AsgiPassThrough:
    """An ASGI layer that does nothing."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


class _AsgiVaryOnly:
    """An ASGI layer that only appends ``Vary: Origin`` through a wrapped ``send`` (a closure, as cheap as it gets)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        def vary_send(message: Any) -> Any:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), _ASGI_VARY]
            return send(message)

        await self.app(scope, receive, vary_send)


def _starlette_with(layer: type) -> Any:
    app = harness._starlette_app(None)
    app.add_middleware(layer)
    return app


# Django middleware are found by dotted path: these two live in a module made here.
_DJANGO_FLOORS = "_cors_bench_floors"


def _django_pass_through(get_response: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def middleware(request: Any) -> Any:
        return get_response(request)

    return middleware


def _django_vary_only(get_response: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def middleware(request: Any) -> Any:
        response = get_response(request)
        store = response.headers._store  # Django's {lower name: (name, value)}: the cheapest write there is
        if "vary" not in store:
            store["vary"] = _VARY
        return response

    return middleware


def _django_floor(name: str) -> Callable[[harness.Spec], Any]:
    module = sys.modules.get(_DJANGO_FLOORS)
    if module is None:
        module = types.ModuleType(_DJANGO_FLOORS)
        module.pass_through = _django_pass_through  # type: ignore[attr-defined]
        module.vary_only = _django_vary_only  # type: ignore[attr-defined]
        sys.modules[_DJANGO_FLOORS] = module
    return lambda spec: harness.DjangoApp({"MIDDLEWARE": [f"{_DJANGO_FLOORS}.{name}"]})


def _targets(group: str) -> list[harness.Target]:
    """Bare app, the two floors, ours and the peer, for one framework."""
    listed = {t.name: t for t in harness.TARGETS if t.group == group}
    if group == "wsgi":
        floors = [
            harness.Target(group, "pass-through", lambda spec: _PassThrough(harness.bare_wsgi), "wsgi"),
            harness.Target(group, "Vary only", lambda spec: _VaryOnly(harness.bare_wsgi), "wsgi"),
        ]
    elif group == "flask":
        floors = [
            harness.Target(group, "pass-through", lambda spec: _flask_with(_PassThrough), "wsgi"),
            harness.Target(group, "Vary only", lambda spec: _flask_with(_VaryOnly), "wsgi"),
        ]
    elif group == "starlette":
        floors = [
            harness.Target(group, "pass-through", lambda spec: _starlette_with(_AsgiPassThrough), "asgi"),
            harness.Target(group, "Vary only", lambda spec: _starlette_with(_AsgiVaryOnly), "asgi"),
        ]
    else:
        floors = [
            harness.Target(group, "pass-through", _django_floor("pass_through"), "django"),
            harness.Target(group, "Vary only", _django_floor("vary_only"), "django"),
        ]
    bare = next(t for t in listed.values() if t.bare)
    rest = [t for t in listed.values() if not t.bare]
    return [bare, *floors, *rest]


def floors(groups: list[str], rounds: int, policy: str = "one-origin") -> None:
    cfg = harness.Settings(repeats=rounds, batch_seconds=0.02)
    for group in groups:
        targets = _targets(group)
        apps = {t.name: t.build(harness.POLICIES[policy]) for t in targets}
        print(f"\n{group}: overhead over the bare app, median of {rounds} interleaved rounds (µs per request)")
        print(f"  {'scenario':16}" + "".join(f"{t.name:>26}" for t in targets[1:]))
        for scenario in SCENARIOS:
            reqs = harness.SCENARIOS[scenario]
            batches = {t.name: harness._batch(t, apps[t.name], reqs) for t in targets}
            result = harness.measure(batches, cfg)
            bare = result[targets[0].name]["median_us"]
            cells = "".join(f"{result[t.name]['median_us'] - bare:>+26.2f}" for t in targets[1:])
            print(f"  {scenario:16}{cells}   (bare {bare:.2f})")


def profile(group: str, scenario: str, top: int, policy: str = "one-origin") -> None:
    """cProfile our layer on *scenario* under *policy*: where its time goes, by function, own time first."""
    target = next(t for t in harness.TARGETS if t.group == group and t.ours)
    batch = harness._batch(target, target.build(harness.POLICIES[policy]), harness.SCENARIOS[scenario])
    batch(200)
    profiler = cProfile.Profile()
    profiler.enable()
    batch(20_000)
    profiler.disable()
    print(f"{target.name}, {policy}, {scenario}: 20,000 requests (profiler overhead included); our functions only:")
    stats = pstats.Stats(profiler).sort_stats("tottime")
    stats.print_stats(r"cors_(core|wsgi|flask|django|asgi)", top)
    print("and the whole request, framework included:")
    stats.print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--group", action="append", choices=GROUPS, help="repeatable; default: all four")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--profile", nargs=2, metavar=("GROUP", "SCENARIO"), help="profile our layer instead of timing the floors")
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    parser.add_argument("--policy", choices=list(harness.POLICIES), default="one-origin", help="the policy (run.py's names)")
    args = parser.parse_args(argv)
    if args.profile:
        group, scenario = args.profile
        if group not in (*GROUPS, "decide") or scenario not in harness.SCENARIOS:
            parser.error(f"--profile takes a group ({', '.join(GROUPS)}, decide) and a scenario ({', '.join(harness.SCENARIOS)})")
        profile(group, scenario, args.top, args.policy)
        return 0
    floors(args.group or list(GROUPS), args.rounds, args.policy)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
