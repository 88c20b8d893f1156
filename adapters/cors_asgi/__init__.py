"""cors_asgi: the ASGI adapter of cors_core (see docs/asgi.md).

``CORSMiddleware(app, policy)`` wraps any ASGI 3 application with a :class:`cors_core.Policy` or
:class:`cors_core.PolicySet`; it also takes Starlette's keywords, so that Starlette and FastAPI apps
switch by changing one import (docs/migrating-from-starlette.md).
"""

from .middleware import CORSMiddleware

__all__ = ["CORSMiddleware"]
