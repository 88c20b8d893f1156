"""The apps that ``benchmarks/servers.py`` serves: one per (framework, CORS layer), chosen by ``CORS_BENCH_APP``.

A server imports ``server_apps:app``; the variable names the entry of ``APPS`` to build, e.g. ``flask/ours``.
The policy is run.py's ``one-origin`` policy, said to each library as run.py says it. Adding a target (the
new target) is one line in ``APPS`` here, and one ``AppTarget`` in servers.py.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

SPEC = run.POLICIES["one-origin"]


def _django(middleware: list[str], extra: dict[str, Any]) -> Any:
    """run.py's Django app with CommonMiddleware (which sets Content-Length, as real projects have it) after *middleware*."""
    run._django_setup(
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        INSTALLED_APPS=["corsheaders"] if "corsheaders" in " ".join(middleware) else [],
        MIDDLEWARE=[*middleware, "django.middleware.common.CommonMiddleware"],
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
    "starlette/ours": lambda: run._starlette_ours(SPEC),  # inside Starlette's middleware stack, where the peer sits
}


def build(name: str) -> Any:
    """The app registered as *name*."""
    return APPS[name]()


if os.environ.get("CORS_BENCH_APP"):
    app = build(os.environ["CORS_BENCH_APP"])
