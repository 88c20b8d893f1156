"""cors_django: the Django adapter of cors_core (see docs/django.md).

``MIDDLEWARE = ["cors_django.CorsMiddleware", ...]`` configured by the django-cors-headers settings
or by ``CORS_POLICY``; ``@cors(...)`` for one view; add ``"cors_django"`` to INSTALLED_APPS for the
system checks.
"""

from __future__ import annotations

from .decorators import cors
from .middleware import CORSMiddleware, CorsMiddleware

__all__ = ["CORSMiddleware", "CorsMiddleware", "cors"]
