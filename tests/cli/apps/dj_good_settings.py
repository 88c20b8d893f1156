"""Django settings on cors_django with nothing to refuse."""

SECRET_KEY = "x"
INSTALLED_APPS = ["cors_django"]
MIDDLEWARE = ["cors_django.CorsMiddleware", "django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "dj_good_urls"
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_CREDENTIALS = True
CORS_HEADERS = "Content-Type"  # in many tutorials, read by no library: not reported
