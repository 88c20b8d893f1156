"""A small real app for the tests of check --flask/--django (see tests/cli/test_check_apps.py)."""

SECRET_KEY = "x"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["cors_django"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware", "cors_django.CorsMiddleware"]
ROOT_URLCONF = "dj_urls"
CORS_ALLOWED_ORIGINS = ["https://a.example.com,https://b.example.com"]
CORS_PREFLIGHT_MAX_AGE = 100000
CORS_ALOW_CREDENTIALS = True
