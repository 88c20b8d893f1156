"""cors_django: the django adapter of cors_core (see docs/django.md)."""
