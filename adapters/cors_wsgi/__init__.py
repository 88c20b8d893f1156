"""cors_wsgi: the WSGI adapter of cors_core (see docs/wsgi.md).

``CORSMiddleware(app, policy)`` wraps any PEP 3333 application with a :class:`cors_core.Policy`
or :class:`cors_core.PolicySet`.
"""

from .middleware import CORSMiddleware

__all__ = ["CORSMiddleware"]
