"""A small real app for the tests of check --flask/--django (see tests/cli/test_check_apps.py)."""

SECRET_KEY = "x"
INSTALLED_APPS = ["corsheaders"]
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\w+\.example\.com$"]
