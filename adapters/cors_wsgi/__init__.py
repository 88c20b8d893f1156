"""cors_wsgi: the wsgi adapter of cors_core (see docs/wsgi.md)."""
