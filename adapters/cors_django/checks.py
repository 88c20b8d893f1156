"""System checks (``manage.py check``): every problem of the CORS settings, with stable ids.

Ids E001-E015 keep the numbers django-cors-headers gives the same settings; E100 and up are ours.
The table is in docs/django.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning

from ._config import ANSWERING_MIDDLEWARE, load

_OURS = ("cors_django.CorsMiddleware", "cors_django.CORSMiddleware", "cors_django.middleware.CorsMiddleware")


def check_settings(**kwargs: Any) -> list[CheckMessage]:
    """Every configuration problem: the CORS_* settings as Django sees them, then what cors_core refuses."""
    _, errors = load()  # built afresh: a check must see the settings of this moment
    return list(errors)


def check_middleware(**kwargs: Any) -> list[CheckMessage]:
    """W001: CorsMiddleware listed after a middleware that answers requests itself (its answers get no CORS headers)."""
    middleware = list(getattr(settings, "MIDDLEWARE", None) or ())
    ours = [i for i, path in enumerate(middleware) if path in _OURS]
    if not ours:
        return []
    before = [path for path in middleware[: ours[0]] if path in ANSWERING_MIDDLEWARE]
    if not before:
        return []
    return [
        Warning(
            f"CorsMiddleware comes after {', '.join(before)} in MIDDLEWARE: responses those give (redirects, 403s) "
            "get no CORS headers, and preflights may be refused before CORS answers them.",
            hint="Put 'cors_django.CorsMiddleware' first in MIDDLEWARE.",
            id="cors_django.W001",
        )
    ]
