"""Per-request cost of CORS layers, called in-process: ours against the bare apps and the peer libraries.

One run measures every (framework, policy, scenario) cell with a calibrated timing loop, interleaving
the bare app and each CORS layer so that drift on a noisy machine hits them alike, and writes
``benchmarks/results/latest.json``; ``benchmarks/report.py`` turns that file into the chart and tables.

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # smoke run, numbers not meaningful
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import cycle, islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ALLOWED = "https://app.example.com"
REFUSED = "https://evil.example.net"
METHODS = ("GET", "POST", "PUT", "DELETE")
HEADERS = ("content-type", "x-requested-with")
MAX_AGE = 600
PATTERN_DOMAIN = "example.com"  # the subdomain policy allows https://*.example.com
PATTERN_REGEX = r"https://([a-z0-9-]+\.)+example\.com"  # the same, for peers that only take regexes
ROTATING_POOL = 1024  # distinct origins cycled through by the rotating scenario (defeats a 200-entry cache)
ADVERSARIAL_NAMES = 5000

Batch = Callable[[int], float]  # run n requests, return the elapsed seconds
# CPU time of this thread, not wall time: on a small shared machine other processes then inflate the
# numbers far less (they still cost cache misses, which is why every cell is interleaved and repeated).
_clock = time.thread_time


# --------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Spec:
    """A CORS policy stated neutrally, translated into each library's own configuration."""

    name: str
    origins: tuple[str, ...]
    subdomains: bool = False
    credentials: bool = False
    expose: tuple[str, ...] = ()


@dataclass(frozen=True)
class Req:
    """One request: method and headers (the path is always /api)."""

    method: str
    headers: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


def _many(n: int) -> tuple[str, ...]:
    """*n* exact origins, the allowed one last."""
    return (*(f"https://site{i}.example.org" for i in range(n - 1)), ALLOWED)


POLICIES = {
    "one-origin": Spec("one-origin", (ALLOWED,)),
    "200-origins": Spec("200-origins", _many(200)),
    "subdomain-pattern": Spec("subdomain-pattern", (), subdomains=True),
    "credentials": Spec("credentials", (ALLOWED,), credentials=True, expose=("X-Total-Count", "X-Request-Id")),
}
POLICY_TEXT = {
    "one-origin": f"one exact origin ({ALLOWED})",
    "200-origins": "200 exact origins, the allowed one listed last",
    "subdomain-pattern": "https://*.example.com (a regex for peers without patterns)",
    "credentials": "one origin, credentials, two exposed headers",
}


def _preflight(origin: str, request_headers: str) -> Req:
    fields = (("Origin", origin), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", request_headers))
    return Req("OPTIONS", fields)


SCENARIOS: dict[str, list[Req]] = {
    "no-origin": [Req("GET")],
    "allowed-simple": [Req("GET", (("Origin", ALLOWED),))],
    "refused-simple": [Req("GET", (("Origin", REFUSED),))],
    "allowed-preflight": [_preflight(ALLOWED, "content-type,x-requested-with")],
    "refused-preflight": [_preflight(REFUSED, "content-type,x-requested-with")],
    "adversarial-preflight": [_preflight(ALLOWED, ", ".join(f"x-custom-header-{i}" for i in range(ADVERSARIAL_NAMES)))],
    "rotating-refused": [Req("GET", (("Origin", f"https://evil{i}.example.net"),)) for i in range(ROTATING_POOL)],
}
SCENARIO_TEXT = {
    "no-origin": "GET without Origin (most traffic)",
    "allowed-simple": "GET from the allowed origin",
    "refused-simple": "GET from an origin not in the policy",
    "allowed-preflight": "OPTIONS preflight for PUT with two allowed headers",
    "refused-preflight": "the same preflight from a refused origin",
    "adversarial-preflight": f"preflight from the allowed origin with {ADVERSARIAL_NAMES} names in Access-Control-Request-Headers",
    "rotating-refused": f"GET whose refused Origin changes on every request ({ROTATING_POOL} distinct values)",
}


# ------------------------------------------------------------------------------------ request drivers


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], None]:
    return _write


def _write(data: bytes) -> None:
    """The WSGI write() callable; the apps here never use it."""


def _environs(reqs: Sequence[Req]) -> list[dict[str, Any]]:
    from werkzeug.test import EnvironBuilder

    return [EnvironBuilder(path="/api", method=r.method, headers=list(r.headers)).get_environ() for r in reqs]


def wsgi_batch(app: Callable[..., Iterable[bytes]], reqs: Sequence[Req]) -> Batch:
    """Call a WSGI app in-process on a fresh copy of a prepared environ, consuming and closing the body."""
    pool = cycle(_environs(reqs))  # persists across batches, so a rotating scenario never restarts its cycle
    sr = _start_response

    def batch(n: int) -> float:
        it = islice(pool, n)
        t0 = _clock()
        for env in it:
            body = app(env.copy(), sr)
            for _ in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()
        return _clock() - t0

    return batch


def _scope(r: Req) -> dict[str, Any]:
    headers = [(b"host", b"localhost"), *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in r.headers)]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": r.method,
        "scheme": "http",
        "path": "/api",
        "raw_path": b"/api",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }


def asgi_batch(app: Callable[..., Any], reqs: Sequence[Req]) -> Batch:
    """Await an ASGI app in-process, many requests per event-loop entry so the loop's own cost is amortised."""
    pool = cycle([_scope(r) for r in reqs])
    loop = asyncio.new_event_loop()
    message = {"type": "http.request", "body": b"", "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    async def send(msg: dict[str, Any]) -> None:
        return None

    async def run(n: int) -> float:
        it = islice(pool, n)
        t0 = _clock()
        for scope in it:
            await app(scope.copy(), receive, send)
        return _clock() - t0

    return lambda n: loop.run_until_complete(run(n))


def decide_batch(policy: Any, reqs: Sequence[Req]) -> Batch:
    """Call ``cors_core.decide()`` alone on prepared RequestMeta tuples."""
    from cors_core import RequestMeta, decide

    pool = cycle(
        RequestMeta(
            r.method,
            "/api",
            origin=r.get("Origin"),
            request_method=r.get("Access-Control-Request-Method"),
            request_headers=r.get("Access-Control-Request-Headers"),
        )
        for r in reqs
    )

    def batch(n: int) -> float:
        it = islice(pool, n)
        t0 = _clock()
        for meta in it:
            decide(meta, policy)
        return _clock() - t0

    return batch


def observe_wsgi(app: Callable[..., Iterable[bytes]], req: Req) -> dict[str, Any]:
    """Status and CORS headers of one response, to show what each library actually answered."""
    seen: dict[str, Any] = {}

    def sr(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], None]:
        seen["status"] = int(status.split()[0])
        seen["headers"] = headers
        return _write

    body = app(_environs([req])[0], sr)
    for _ in body:
        pass
    getattr(body, "close", lambda: None)()
    return _summary(seen["status"], seen["headers"])


def observe_asgi(app: Callable[..., Any], req: Req) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(msg: dict[str, Any]) -> None:
        if msg["type"] == "http.response.start":
            seen["status"] = msg["status"]
            seen["headers"] = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in msg["headers"]]

    asyncio.run(app(_scope(req), receive, send))
    return _summary(seen["status"], seen["headers"])


def observe_decide(policy: Any, req: Req) -> dict[str, Any]:
    from cors_core import RequestMeta, decide

    meta = RequestMeta(
        req.method,
        "/api",
        origin=req.get("Origin"),
        request_method=req.get("Access-Control-Request-Method"),
        request_headers=req.get("Access-Control-Request-Headers"),
    )
    d = decide(meta, policy)
    return _summary(d.status or 0, list(d.items()))


def _summary(status: int, headers: list[tuple[str, str]]) -> dict[str, Any]:
    cors = {k: v if len(v) <= 80 else v[:77] + "..." for k, v in headers if k.lower().startswith("access-control-") or k.lower() == "vary"}
    return {"status": status, "headers": cors}


# ------------------------------------------------------------------------------------------- targets


def bare_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The smallest useful WSGI app: one plain-text body."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def our_policy(spec: Spec) -> Any:
    from cors_core import Policy

    origins = [*spec.origins, *([f"https://*.{PATTERN_DOMAIN}"] if spec.subdomains else [])]
    return Policy(
        origins,
        allow_credentials=spec.credentials,
        allow_methods=METHODS,
        allow_headers=HEADERS,
        expose_headers=spec.expose,
        max_age=MAX_AGE,
    )


def _wsgi_ours(spec: Spec) -> Any:
    from cors_wsgi import CORSMiddleware

    return CORSMiddleware(bare_wsgi, our_policy(spec))


def _wsgicors(spec: Spec) -> Any:
    from wsgicors import CORS

    origins = [*spec.origins, *([f"https://*.{PATTERN_DOMAIN}"] if spec.subdomains else [])]
    return CORS(
        bare_wsgi,
        origin=" ".join(origins),
        methods=", ".join(METHODS),
        headers=", ".join(HEADERS),
        expose_headers=", ".join(spec.expose),
        credentials="true" if spec.credentials else "false",
        maxage=str(MAX_AGE),
    )


def _flask_app() -> Any:
    from flask import Flask, Response

    app = Flask("bench")

    @app.route("/api", methods=list(METHODS))
    def api() -> Response:
        return Response("ok", mimetype="text/plain")

    return app


def _flask_bare(spec: Spec) -> Any:
    return _flask_app()


def _flask_ours(spec: Spec) -> Any:
    from cors_flask import CORS

    app = _flask_app()
    CORS(app, policy=our_policy(spec))
    return app


def _flask_cors(spec: Spec) -> Any:
    from flask_cors import CORS

    app = _flask_app()
    origins: list[str] = list(spec.origins) or [f"^{PATTERN_REGEX}$"]
    CORS(
        app,
        origins=origins,
        methods=list(METHODS),
        allow_headers=list(HEADERS),
        expose_headers=list(spec.expose) or None,
        supports_credentials=spec.credentials,
        max_age=MAX_AGE,
    )
    return app


def _starlette_app(spec: Spec | None) -> Any:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def api(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    middleware = []
    if spec is not None:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(spec.origins),
                allow_origin_regex=PATTERN_REGEX if spec.subdomains else None,
                allow_methods=list(METHODS),
                allow_headers=list(HEADERS),
                allow_credentials=spec.credentials,
                expose_headers=list(spec.expose),
                max_age=MAX_AGE,
            )
        )
    return Starlette(routes=[Route("/api", api, methods=list(METHODS))], middleware=middleware)


def _starlette_ours(spec: Spec) -> Any:
    """The same Starlette app with cors_asgi's CORSMiddleware in the place of Starlette's, given the same policy as every group."""
    from cors_asgi import CORSMiddleware

    app = _starlette_app(None)
    app.add_middleware(CORSMiddleware, policy=our_policy(spec))
    return app


# Django: one process-wide settings object, so each variant is a WSGIHandler built (and measured) under its
# own override_settings, enabled around every timed batch; handlers keep their own middleware chains.

_DJANGO_URLS = "_cors_bench_urls"


def _django_setup(**overrides: Any) -> None:
    """Configure Django once for the benchmarks: one URL, one view; *overrides* replace or add settings."""
    from django.conf import settings

    if settings.configured:
        return
    from django.http import HttpResponse
    from django.urls import path

    def api(request: object) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    urls = types.ModuleType(_DJANGO_URLS)
    urls.urlpatterns = [path("api", api)]  # type: ignore[attr-defined]
    sys.modules[_DJANGO_URLS] = urls
    defaults: dict[str, Any] = {
        "DEBUG": False,
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": ["localhost"],
        "ROOT_URLCONF": _DJANGO_URLS,
        "INSTALLED_APPS": ["corsheaders"],
        "MIDDLEWARE": [],
        "DATABASES": {},
        "USE_TZ": True,
    }
    settings.configure(**{**defaults, **overrides})
    import django

    django.setup()


def _django_settings_ours(spec: Spec) -> dict[str, Any]:
    return {"MIDDLEWARE": ["cors_django.CorsMiddleware"], "CORS_POLICY": our_policy(spec)}


def _django_settings_corsheaders(spec: Spec) -> dict[str, Any]:
    return {
        "MIDDLEWARE": ["corsheaders.middleware.CorsMiddleware"],
        "CORS_ALLOWED_ORIGINS": list(spec.origins),
        "CORS_ALLOWED_ORIGIN_REGEXES": [f"^{PATTERN_REGEX}$"] if spec.subdomains else [],
        "CORS_ALLOW_METHODS": list(METHODS),
        "CORS_ALLOW_HEADERS": list(HEADERS),
        "CORS_EXPOSE_HEADERS": list(spec.expose),
        "CORS_ALLOW_CREDENTIALS": spec.credentials,
        "CORS_PREFLIGHT_MAX_AGE": MAX_AGE,
    }


class DjangoApp:
    """A Django WSGIHandler whose settings (MIDDLEWARE and CORS options) are switched in while it runs."""

    def __init__(self, overrides: dict[str, Any]) -> None:
        _django_setup()
        from django.core.handlers.wsgi import WSGIHandler
        from django.test.utils import override_settings

        self.override = override_settings(**overrides)
        with self.override:
            self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with self.override:
            return self.handler(environ, start_response)


def _django(settings_for: Callable[[Spec], dict[str, Any]] | None) -> Callable[[Spec], Any]:
    return lambda spec: DjangoApp(settings_for(spec) if settings_for else {"MIDDLEWARE": []})


@dataclass
class Target:
    """One library in one framework group; ``build`` turns a Spec into something its driver can call."""

    group: str
    name: str
    build: Callable[[Spec], Any]
    driver: str  # "wsgi", "django", "asgi" or "decide"
    ours: bool = False
    bare: bool = False


TARGETS = [
    Target("wsgi", "bare WSGI app", lambda spec: bare_wsgi, "wsgi", bare=True),
    Target("wsgi", "cors_wsgi", _wsgi_ours, "wsgi", ours=True),
    Target("wsgi", "wsgicors", _wsgicors, "wsgi"),
    Target("flask", "bare Flask", _flask_bare, "wsgi", bare=True),
    Target("flask", "cors_flask", _flask_ours, "wsgi", ours=True),
    Target("flask", "flask-cors", _flask_cors, "wsgi"),
    Target("django", "bare Django", _django(None), "django", bare=True),
    Target("django", "cors_django", _django(_django_settings_ours), "django", ours=True),
    Target("django", "django-cors-headers", _django(_django_settings_corsheaders), "django"),
    Target("starlette", "bare Starlette", lambda spec: _starlette_app(None), "asgi", bare=True),
    Target("starlette", "cors_asgi", _starlette_ours, "asgi", ours=True),
    Target("starlette", "Starlette CORSMiddleware", _starlette_app, "asgi"),
    Target("decide", "cors_core.decide()", our_policy, "decide", ours=True),
]


def _batch(target: Target, app: Any, reqs: Sequence[Req]) -> Batch:
    if target.driver == "asgi":
        return asgi_batch(app, reqs)
    if target.driver == "decide":
        return decide_batch(app, reqs)
    if target.driver == "django":
        inner = wsgi_batch(app.handler, reqs)

        def batch(n: int) -> float:
            with app.override:  # switching settings is outside the timed loop,
                inner(1)  # and so is the first request after a switch (an adapter may rebuild its config then)
                return inner(n)

        return batch
    return wsgi_batch(app, reqs)


def _observe(target: Target, app: Any, req: Req) -> dict[str, Any]:
    if target.driver == "asgi":
        return observe_asgi(app, req)
    if target.driver == "decide":
        return observe_decide(app, req)
    return observe_wsgi(app, req)


# ------------------------------------------------------------------------------------------- timing


@dataclass
class Settings:
    repeats: int
    batch_seconds: float
    groups: set[str] = field(default_factory=set)


def _calibrate(batch: Batch, seconds: float) -> int:
    """The number of requests per batch that takes about *seconds*, after a warm-up."""
    batch(3)
    n = 1
    while True:
        t = batch(n)
        if t >= seconds / 4 or n >= 1 << 22:
            return max(1, round(n * seconds / max(t, 1e-9)))
        n *= 4


def measure(batches: dict[str, Batch], cfg: Settings) -> dict[str, dict[str, float]]:
    """Median, min and spread of the per-request time of each batch, interleaved round by round."""
    sizes = {name: _calibrate(b, cfg.batch_seconds) for name, b in batches.items()}
    samples: dict[str, list[float]] = {name: [] for name in batches}
    gc_was = gc.isenabled()
    try:
        for _ in range(cfg.repeats):
            for name, b in batches.items():
                gc.collect()
                gc.disable()  # as timeit does: collector pauses are not the code under test
                try:
                    samples[name].append(b(sizes[name]) / sizes[name])
                finally:
                    gc.enable()
    finally:
        if not gc_was:
            gc.disable()
    out = {}
    for name, s in samples.items():
        q = statistics.quantiles(s, n=4) if len(s) >= 2 else [s[0]] * 3
        out[name] = {"median_us": statistics.median(s) * 1e6, "min_us": min(s) * 1e6, "iqr_us": (q[2] - q[0]) * 1e6, "n": sizes[name]}
    return out


def _available(target: Target, spec: Spec) -> tuple[Any, str | None]:
    try:
        return target.build(spec), None
    except Exception as exc:  # an adapter not written yet, or a peer that refuses the policy
        return None, f"{type(exc).__name__}: {exc}"


def run_grid(cfg: Settings, log: Callable[[str], None]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rows: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    groups = sorted({t.group for t in TARGETS if not cfg.groups or t.group in cfg.groups}, key=[t.group for t in TARGETS].index)
    for group in groups:
        members = [t for t in TARGETS if t.group == group]
        for pname, spec in POLICIES.items():
            apps = {}
            for t in members:
                app, why = _available(t, spec)
                if app is None:
                    skipped[f"{t.name} / {pname}"] = why or ""
                    log(f"  skip {t.name} ({pname}): {why}")
                else:
                    apps[t.name] = (t, app)
            for sname, reqs in SCENARIOS.items():
                batches = {name: _batch(t, app, reqs) for name, (t, app) in apps.items()}
                result = measure(batches, cfg)
                bare = next((result[name]["median_us"] for name, (t, _) in apps.items() if t.bare), 0.0)
                for name, (t, app) in apps.items():
                    r = result[name]
                    rows.append(
                        {
                            "group": group,
                            "target": name,
                            "ours": t.ours,
                            "bare": t.bare,
                            "policy": pname,
                            "scenario": sname,
                            **r,
                            "overhead_us": r["median_us"] - bare,
                            "observed": _observe(t, app, reqs[0]),
                        }
                    )
                log(f"  {group:9} {pname:17} {sname:22} " + "  ".join(f"{n}={result[n]['median_us']:.2f}" for n in result))
    return rows, skipped


def ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each peer's overhead divided by ours in the same framework, policy and scenario."""
    out = []
    index = {(r["group"], r["policy"], r["scenario"], r["target"]): r for r in rows}
    for r in rows:
        if r["ours"] or r["bare"] or r["group"] == "decide":
            continue
        mine = next((v for (g, p, s, _), v in index.items() if v["ours"] and (g, p, s) == (r["group"], r["policy"], r["scenario"])), None)
        if mine is None:
            continue
        ours_oh, peer_oh = mine["overhead_us"], r["overhead_us"]
        out.append(
            {
                "group": r["group"],
                "policy": r["policy"],
                "scenario": r["scenario"],
                "peer": r["target"],
                "ours": mine["target"],
                "peer_overhead_us": peer_oh,
                "our_overhead_us": ours_oh,
                # a ratio is only meaningful when ours costs something; at or below the noise floor report None
                "ratio": peer_oh / ours_oh if ours_oh > 0.05 else None,
            }
        )
    return out


GROWTH_SIZES = (1, 10, 100, 1000, 10000)
GROWTH_SCENARIOS = ("allowed-simple", "rotating-refused")


def run_growth(cfg: Settings, log: Callable[[str], None]) -> list[dict[str, Any]]:
    """Time per request as the exact-origin list grows (the allowed origin is always last)."""
    rows = []
    for group in sorted({t.group for t in TARGETS if not cfg.groups or t.group in cfg.groups}):
        members = [t for t in TARGETS if t.group == group]
        for size in GROWTH_SIZES:
            spec = Spec(f"{size}-origins", _many(size))
            apps = {t.name: (t, app) for t in members for app, _ in [_available(t, spec)] if app is not None}
            for sname in GROWTH_SCENARIOS:
                batches = {name: _batch(t, app, SCENARIOS[sname]) for name, (t, app) in apps.items()}
                result = measure(batches, cfg)
                bare = next((result[name]["median_us"] for name, (t, _) in apps.items() if t.bare), 0.0)
                for name, (t, _) in apps.items():
                    if t.bare:
                        continue
                    rows.append(
                        {
                            "group": group,
                            "target": name,
                            "ours": t.ours,
                            "origins": size,
                            "scenario": sname,
                            "median_us": result[name]["median_us"],
                            "overhead_us": result[name]["median_us"] - bare,
                        }
                    )
                log(f"  growth {group:9} {size:6} {sname:18} " + "  ".join(f"{n}={result[n]['median_us']:.2f}" for n in result))
    return rows


MEMORY_ORIGINS = 10_000
MEMORY_TRAFFIC = 256  # more distinct origins than a 200-entry cache holds


def run_memory(cfg: Settings, log: Callable[[str], None]) -> list[dict[str, Any]]:
    """Bytes a CORS layer keeps for a 10,000-origin policy (beyond the bare app), and after refused traffic.

    The origin strings themselves are made before tracing starts, so only what a library derives
    from them (sets, parsed forms, caches) is counted.
    """
    spec = Spec(f"{MEMORY_ORIGINS}-origins", _many(MEMORY_ORIGINS))
    rows = []
    for group in sorted({t.group for t in TARGETS if not cfg.groups or t.group in cfg.groups}):
        members = [t for t in TARGETS if t.group == group]
        built: dict[str, tuple[int, int]] = {}
        for t in members:
            gc.collect()
            tracemalloc.start()
            try:
                before = tracemalloc.get_traced_memory()[0]
                app, _ = _available(t, spec)
                if app is None:
                    continue
                gc.collect()
                after_build = tracemalloc.get_traced_memory()[0] - before
                _batch(t, app, SCENARIOS["rotating-refused"])(MEMORY_TRAFFIC)
                gc.collect()
                after_traffic = tracemalloc.get_traced_memory()[0] - before
                after_allowed = None
                if t.ours or t.bare:  # one allowed request from every listed origin (the peers take seconds per request here)
                    _batch(t, app, [Req("GET", (("Origin", o),)) for o in spec.origins])(len(spec.origins))
                    gc.collect()
                    after_allowed = tracemalloc.get_traced_memory()[0] - before
            finally:
                tracemalloc.stop()
            built[t.name] = (after_build, after_traffic, after_allowed)
            del app
        base = next((built[t.name] for t in members if t.bare and t.name in built), (0, 0, 0))
        for t in members:
            if t.bare or t.name not in built:
                continue
            b, a, w = built[t.name]
            allowed = None if w is None else w - (base[2] or 0)
            rows.append(
                {
                    "group": group,
                    "target": t.name,
                    "ours": t.ours,
                    "config_bytes": b - base[0],
                    "after_traffic_bytes": a - base[1],
                    "after_allowed_bytes": allowed,
                }
            )
            shown = f"build {(b - base[0]) / 1024:9.1f} KiB  after traffic {(a - base[1]) / 1024:9.1f} KiB"
            if allowed is not None:
                shown += f"  after every origin {allowed / 1024:9.1f} KiB"
            log(f"  memory {group:9} {t.name:26} {shown}")
    return rows


# --------------------------------------------------------------------------------------------- meta


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        if dist == "cors-core":  # run from a checkout (PYTHONPATH): the source's own version
            import cors_core

            return f"{cors_core.__version__} (source)"
        return "not installed"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run_meta(cfg: Settings) -> dict[str, Any]:
    import subprocess

    try:
        git = ["git", "rev-parse", "--short", "HEAD"]
        commit = subprocess.run(git, cwd=HERE, capture_output=True, text=True, check=False).stdout.strip()
        status = ["git", "status", "--porcelain", "--", "cors_core", "adapters"]
        dirty = subprocess.run(status, cwd=HERE.parent, capture_output=True, text=True, check=False).stdout.split("\n")
    except OSError:
        commit, dirty = "", []
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit,
        "uncommitted": [line[3:] for line in dirty if line.strip() and not line.endswith("__pycache__/")],
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": _cpu(),
        "cpus": os.cpu_count(),
        "repeats": cfg.repeats,
        "batch_seconds": cfg.batch_seconds,
        "versions": {
            d: _version(d)
            for d in ("cors-core", "flask", "werkzeug", "django", "starlette", "flask-cors", "django-cors-headers", "wsgicors")
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few short repeats: checks the harness, numbers not meaningful")
    ap.add_argument("--repeats", type=int, default=11, help="timed rounds per cell (median reported)")
    ap.add_argument("--batch-ms", type=float, default=20.0, help="target duration of one timed batch")
    ap.add_argument("--group", action="append", default=[], help="only these groups (wsgi, flask, django, starlette, decide)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    ap.add_argument("--no-chart", action="store_true", help="skip benchmarks/report.py after the run")
    args = ap.parse_args(argv)
    cfg = Settings(args.repeats, args.batch_ms / 1000, set(args.group))
    if args.quick:
        cfg.repeats, cfg.batch_seconds = 3, 0.002

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    meta = run_meta(cfg)
    log("grid (median µs per request):")
    rows, skipped = run_grid(cfg, log)
    log("growth with the number of exact origins:")
    growth = run_growth(cfg, log)
    log(f"memory with {MEMORY_ORIGINS} origins:")
    memory = run_memory(cfg, log)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    doc = {
        "meta": meta,
        "policies": POLICY_TEXT,
        "scenarios": SCENARIO_TEXT,
        "results": rows,
        "ratios": ratios(rows),
        "growth": growth,
        "memory": memory,
        "skipped": skipped,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1) + "\n")
    log(f"wrote {args.out} in {meta['seconds']} s")
    if not args.no_chart:
        sys.path.insert(0, str(HERE))
        from report import main as report_main

        return report_main([str(args.out)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
