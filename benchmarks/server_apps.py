"""The apps that ``benchmarks/servers.py`` serves: one per (framework, CORS layer), chosen by ``CORS_BENCH_APP``.

A server imports ``server_apps:app``; the variable names the entry of ``APPS`` to build, e.g. ``flask/ours``.
The policy is run.py's ``one-origin`` policy, said to each library as run.py says it. Adding a target (the
ASGI adapter, say) is one function and one line in ``APPS`` here, and one ``AppTarget`` in servers.py.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

SPEC = run.POLICIES["one-origin"]
_DJANGO_URLS = "_cors_bench_server_urls"


def _django(middleware: list[str], extra: dict[str, Any]) -> Any:
    """A Django WSGI app with CommonMiddleware (which sets Content-Length, as real projects have it) after *middleware*."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import path

    def api(request: object) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    urls = types.ModuleType(_DJANGO_URLS)
    urls.urlpatterns = [path("api", api)]  # type: ignore[attr-defined]
    sys.modules[_DJANGO_URLS] = urls
    settings.configure(
        DEBUG=False,
        SECRET_KEY="benchmark-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=_DJANGO_URLS,
        INSTALLED_APPS=["corsheaders"] if "corsheaders" in " ".join(middleware) else [],
        MIDDLEWARE=[*middleware, "django.middleware.common.CommonMiddleware"],
        DATABASES={},
        USE_TZ=True,
        **extra,
    )
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _django_ours() -> Any:
    settings = run._django_settings_ours(SPEC)
    return _django(settings.pop("MIDDLEWARE"), settings)


def _django_peer() -> Any:
    settings = run._django_settings_corsheaders(SPEC)
    return _django(settings.pop("MIDDLEWARE"), settings)


APPS: dict[str, Callable[[], Any]] = {
    "wsgi/none": lambda: run.bare_wsgi,
    "wsgi/peer": lambda: run._wsgicors(SPEC),
    "wsgi/ours": lambda: run._wsgi_ours(SPEC),
    "flask/none": lambda: run._flask_bare(SPEC),
    "flask/peer": lambda: run._flask_cors(SPEC),
    "flask/ours": lambda: run._flask_ours(SPEC),
    "django/none": lambda: _django([], {}),
    "django/peer": _django_peer,
    "django/ours": _django_ours,
    "starlette/none": lambda: run._starlette_app(None),
    "starlette/peer": lambda: run._starlette_app(SPEC),
}


def _starlette_ours() -> Any:
    """Hook for the ASGI adapter: the bare Starlette app wrapped in cors_asgi's middleware, once it exists."""
    from cors_asgi import CORSMiddleware  # type: ignore[import-not-found]

    return CORSMiddleware(run._starlette_app(None), run.our_policy(SPEC))


if importlib.util.find_spec("cors_asgi") is not None:
    APPS["starlette/ours"] = _starlette_ours


def build(name: str) -> Any:
    """The app registered as *name*."""
    return APPS[name]()


if os.environ.get("CORS_BENCH_APP"):
    app = build(os.environ["CORS_BENCH_APP"])
