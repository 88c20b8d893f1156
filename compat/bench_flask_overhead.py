"""Per-request overhead of cors_flask and of flask-cors over a bare Flask app, for the same options.

Three apps (bare, flask-cors, cors_flask) are called in-process through their WSGI callable,
interleaved in many short rounds; each round is timed in thread CPU time and the minimum is kept, so
that other load on the machine affects the three alike. Needs flask-cors installed (pip install
flask-cors==6.0.5).

    python compat/bench_flask_overhead.py
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

ORIGIN = "https://a.example.com"
CONFIGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "origins+credentials": {"origins": [ORIGIN, "https://b.example.com"], "supports_credentials": True},
    "resources": {"resources": {r"/api/*": {"origins": [ORIGIN]}, r"/other/*": {}}},
}
CASES: dict[str, dict[str, str]] = {
    "actual": {"HTTP_ORIGIN": ORIGIN},
    "no-origin": {},
    "preflight": {
        "REQUEST_METHOD": "OPTIONS",
        "HTTP_ORIGIN": ORIGIN,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type",
    },
}


def _app(cors: Callable[..., Any] | None, options: dict[str, Any]) -> Any:
    from flask import Flask

    app = Flask("bench")

    @app.route("/api/x", methods=["GET", "POST"])
    def x() -> str:
        return "x"

    if cors is not None:
        cors(app, **options)
    return app


def _environ(extra: dict[str, str]) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/x",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    environ.update(extra)
    return environ


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    return None


def _round(app: Any, extra: dict[str, str], n: int) -> float:
    start = time.thread_time()
    for _ in range(n):
        b"".join(app(_environ(extra), _start_response))
    return (time.thread_time() - start) / n * 1e6


def main(rounds: int = 60, n: int = 300) -> None:
    import cors_flask
    import flask_cors

    for config, options in CONFIGS.items():
        apps = {"bare": _app(None, {}), "flask-cors": _app(flask_cors.CORS, options), "cors_flask": _app(cors_flask.CORS, options)}
        for case, extra in CASES.items():
            best = dict.fromkeys(apps, float("inf"))
            for _ in range(rounds):
                for name, app in apps.items():
                    best[name] = min(best[name], _round(app, extra, n))
            theirs, ours = best["flask-cors"] - best["bare"], best["cors_flask"] - best["bare"]
            ratio = f"{ours / theirs:5.2f}" if theirs > 0 else "  n/a"
            print(
                f"{config:20s} {case:10s} bare {best['bare']:6.1f} us   flask-cors {theirs:+6.1f} us   "
                f"cors_flask {ours:+6.1f} us   ratio {ratio}"
            )


if __name__ == "__main__":
    main()
