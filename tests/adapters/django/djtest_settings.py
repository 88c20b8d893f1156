"""Django settings of the cors_django tests: no database, no CORS_* setting (each test sets its own)."""

from __future__ import annotations

SECRET_KEY = "cors-django-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["cors_django"]
DATABASES: dict[str, dict[str, str]] = {}
ROOT_URLCONF = "djtest_urls"
MIDDLEWARE = ["cors_django.CorsMiddleware"]
USE_TZ = True
LOGGING_CONFIG = None  # keep the expected 500s of the error tests out of the test output

#: What each test class applies with override_settings, so that the tests also run where another part of the
#: suite configured Django first.
base_overrides = {"ALLOWED_HOSTS": ALLOWED_HOSTS, "ROOT_URLCONF": ROOT_URLCONF, "MIDDLEWARE": MIDDLEWARE, "DEBUG": DEBUG}
