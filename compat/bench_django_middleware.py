"""Cost of one CorsMiddleware call, cors_django against django-cors-headers, with the same settings.

Local measurement only (it needs django-cors-headers installed). Each middleware is called directly on
real WSGIRequest objects, with a get_response that returns a fresh HttpResponse as a routed view would;
"bare" is that get_response alone. Reported: the minimum over rounds of the mean per call, and the
difference to bare. GC is off while timing.

    python compat/bench_django_middleware.py [--rounds 15] [--calls 5000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import types
from collections.abc import Callable
from io import BytesIO
from typing import Any

ORIGIN = "https://app.example.com"
SCENARIOS = {
    "no Origin": ("GET", None, None),
    "allowed Origin": ("GET", ORIGIN, None),
    "refused Origin": ("GET", "https://evil.example.net", None),
    "preflight": ("OPTIONS", ORIGIN, "PUT"),
}


def _setup() -> Callable[[Any], Any]:
    from django.conf import settings

    urls = types.ModuleType("_bench_urls")
    sys.modules["_bench_urls"] = urls
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="_bench_urls",
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
        CORS_ALLOWED_ORIGINS=[ORIGIN],
        CORS_ALLOW_METHODS=["GET", "POST", "PUT", "DELETE"],
        CORS_ALLOW_HEADERS=["content-type", "x-requested-with"],
        CORS_PREFLIGHT_MAX_AGE=600,
    )
    import django

    django.setup()
    from django.http import HttpResponse
    from django.urls import path, resolve

    urls.urlpatterns = [path("api", lambda request: HttpResponse("ok"))]  # type: ignore[attr-defined]
    match = resolve("/api")

    def view(request: Any) -> Any:
        request.resolver_match = match  # as routing would have set it
        return HttpResponse("ok")

    return view


def _request(method: str, origin: str | None, acrm: str | None) -> Any:
    from django.core.handlers.wsgi import WSGIRequest

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/api",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.input": BytesIO(),
        "wsgi.url_scheme": "http",
    }
    if origin:
        environ["HTTP_ORIGIN"] = origin
    if acrm:
        environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = acrm
    return WSGIRequest(environ)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=5000)
    args = parser.parse_args(argv)
    view = _setup()
    from cors_django import CorsMiddleware
    from corsheaders.middleware import CorsMiddleware as PeerMiddleware

    targets = {"bare": view, "cors_django": CorsMiddleware(view), "django-cors-headers": PeerMiddleware(view)}
    gc.disable()
    print(f"{'scenario':16s} {'bare':>8s} {'cors_django':>14s} {'django-cors-headers':>20s}   (µs per call)")
    for name, (method, origin, acrm) in SCENARIOS.items():
        best = dict.fromkeys(targets, float("inf"))
        for _ in range(args.rounds):
            for target, call in targets.items():  # interleaved, so that drift hits all three alike
                requests = [_request(method, origin, acrm) for _ in range(args.calls)]
                start = time.perf_counter()
                for request in requests:
                    call(request)
                best[target] = min(best[target], (time.perf_counter() - start) / args.calls * 1e6)
        bare = best["bare"]
        print(f"{name:16s} {bare:8.1f} {best['cors_django'] - bare:+14.1f} {best['django-cors-headers'] - bare:+20.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
