"""The Django side of the migration corpus: one URLconf and its views, and 29 settings blocks as people write them.

Each ``build(lib, o)`` returns the settings of one project for the page origins ``o``, written with
``lib`` (corsheaders or cors_django: the middleware path, ``defaults``, ``signals``). Shapes come
from django-cors-headers' README (``CORS_ALLOWED_ORIGINS``, regexes, ``CORS_URLS_REGEX``,
``default_headers`` extended, credentials, the signal, old names) and common project shapes
(auth middleware, CSRF, error pages, files and streams).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from ._harness import CREDENTIALED_CALLS, DEFAULT_CALLS, TOKEN, Config, Differ, Origins, registry

GUIDE = "migrating-from-django-cors-headers.md"


def items(request: HttpRequest) -> HttpResponse:  # not csrf_exempt: CsrfViewMiddleware, where installed, checks it
    if request.method == "POST":
        return JsonResponse({"created": json.loads(request.body or b"null")}, status=201)
    response = JsonResponse({"items": ["a", "b"]})
    response["X-Total-Count"] = "2"
    return response


@csrf_exempt
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    if request.method not in ("PUT", "DELETE"):
        return JsonResponse({"error": "method"}, status=405)
    return JsonResponse({"id": item_id, "method": request.method, "custom": request.headers.get("X-Custom")})


def me(request: HttpRequest) -> HttpResponse:
    if request.headers.get("Authorization") != TOKEN:
        return JsonResponse({"error": "unauthorized"}, status=401)
    return JsonResponse({"user": "ada"})


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("view failed")


def stream(request: HttpRequest) -> HttpResponse:
    def chunks() -> Iterator[bytes]:
        yield b"one;"
        yield b"two;"

    return StreamingHttpResponse(chunks(), content_type="text/plain")


def file(request: HttpRequest) -> HttpResponse:
    import io

    return FileResponse(io.BytesIO(b"file-bytes"), content_type="application/octet-stream")


def public(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"public": True})


def slashed(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"slash": True})


def _drf_urls() -> list[Any]:
    """A Django REST framework API with bearer-token authentication, if DRF is installed."""
    try:
        from rest_framework.authentication import BaseAuthentication
        from rest_framework.exceptions import AuthenticationFailed
        from rest_framework.permissions import IsAuthenticated
        from rest_framework.response import Response
        from rest_framework.views import APIView
    except ImportError:
        return []

    class BearerToken(BaseAuthentication):
        def authenticate(self, request: Any) -> Any:
            header = request.META.get("HTTP_AUTHORIZATION")
            if not header:
                return None
            if header != TOKEN:
                raise AuthenticationFailed("invalid token")
            return SimpleNamespace(is_authenticated=True, username="ada"), header

        def authenticate_header(self, request: Any) -> str:
            return "Bearer"

    class Me(APIView):
        authentication_classes = [BearerToken]
        permission_classes = [IsAuthenticated]

        def get(self, request: Any) -> Any:
            return Response({"user": request.user.username})

    class Items(Me):
        def post(self, request: Any) -> Any:
            return Response({"created": request.data}, status=201)

    return [path("api/drf/me", Me.as_view()), path("api/drf/items", Items.as_view())]


DRF = bool(_drf_urls())
#: What a DRF project sets: JSON only, and no django.contrib.auth needed for anonymous requests.
DRF_SETTINGS = {
    "REST_FRAMEWORK": {
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    }
}

urlpatterns = [
    *_drf_urls(),
    path("api/items", items),
    path("api/items/<int:item_id>", item),
    path("api/me", me),
    path("api/boom", boom),
    path("api/stream", stream),
    path("api/file", file),
    path("api/slashed/", slashed),
    path("public/info", public),
]


class RequireToken:
    """A project's own auth middleware: every /api/ request needs the bearer token (OPTIONS included)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/") and request.headers.get("Authorization") != TOKEN:
            return JsonResponse({"error": "token required"}, status=401)
        return self.get_response(request)  # type: ignore[no-any-return]


CONFIGS: list[Config] = []
CORS = "<the library's CorsMiddleware>"  # replaced by the middleware path of the library under test
SECURITY = "django.middleware.security.SecurityMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
README_ORDER = [SECURITY, CORS, COMMON]


config = registry(CONFIGS)


def signal_receiver(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
    """The README's check_request_enabled receiver: CORS for the API of the project mounted as d11."""
    return request.META.get("SCRIPT_NAME") == "/d11-signal" and request.path_info.startswith("/api/")


@config("d01-readme", "README: CORS_ALLOWED_ORIGINS, MIDDLEWARE [Security, Cors, Common]", (*DEFAULT_CALLS, "missing", "public"))
def _d01(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app]}


@config("d02-allow-all", "README: CORS_ALLOW_ALL_ORIGINS = True", (*DEFAULT_CALLS, "cred-get", "public"))
def _d02(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOW_ALL_ORIGINS": True}


@config("d03-credentials", "README: CORS_ALLOWED_ORIGINS + CORS_ALLOW_CREDENTIALS", (*DEFAULT_CALLS, *CREDENTIALED_CALLS))
def _d03(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_ALLOW_CREDENTIALS": True}


@config("d04-origin-regexes", r"README: CORS_ALLOWED_ORIGIN_REGEXES = [r'^http://app\.localhost:\d+$']")
def _d04(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGIN_REGEXES": [r"^http://app\.localhost:\d+$"]}


@config("d05-urls-regex", r"README: CORS_URLS_REGEX = r'^/api/.*$'", (*DEFAULT_CALLS, "public"))
def _d05(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_URLS_REGEX": r"^/api/.*$"}


@config("d06-default-headers-extended", "README: CORS_ALLOW_HEADERS = (*default_headers, 'x-custom')")
def _d06(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_ALLOW_HEADERS": (*lib.defaults.default_headers, "x-custom")}


@config("d07-default-headers", "defaults: a custom header the defaults lack", (*DEFAULT_CALLS, "cred-get"))
def _d07(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": [CORS, COMMON], "CORS_ALLOWED_ORIGINS": [o.app]}


@config("d08-expose-headers", "README: CORS_EXPOSE_HEADERS for pagination")
def _d08(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_EXPOSE_HEADERS": ["X-Total-Count"]}


@config("d09-limited-methods", "README: CORS_ALLOW_METHODS = ['GET', 'POST', 'OPTIONS']")
def _d09(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_ALLOW_METHODS": ["GET", "POST", "OPTIONS"]}


@config("d10-max-age-zero", "issue 12 item 5: CORS_PREFLIGHT_MAX_AGE = 0")
def _d10(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_PREFLIGHT_MAX_AGE": 0}


@config("d11-signal", "README: a check_request_enabled receiver instead of an origin list", (*DEFAULT_CALLS, "public"))
def _d11(lib: Any, o: Origins) -> dict[str, Any]:
    lib.signals.check_request_enabled.connect(signal_receiver, dispatch_uid=f"corpus-{lib.name}")
    return {"MIDDLEWARE": README_ORDER, "CORS_URLS_REGEX": r"^/nothing-by-regex/"}


@config("d12-old-names", "django-cors-headers < 3.5 names: CORS_ORIGIN_WHITELIST, CORS_ORIGIN_REGEX_WHITELIST")
def _d12(lib: Any, o: Origins) -> dict[str, Any]:
    return {
        "MIDDLEWARE": README_ORDER,
        "CORS_ORIGIN_WHITELIST": ["http://localhost:3000"],
        "CORS_ORIGIN_REGEX_WHITELIST": [r"^http://app\.localhost:\d+$"],
    }


@config("d13-origin-allow-all-old-name", "old name: CORS_ORIGIN_ALLOW_ALL = True", (*DEFAULT_CALLS, "public"))
def _d13(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ORIGIN_ALLOW_ALL": True}


@config(
    "d14-allow-all-with-credentials",
    "a common first try: CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS",
    # R15: credentials with every origin allowed is refused at start-up (E100)
    refused=(f"D1 ({GUIDE})", ("E100", "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS", "CORS_ALLOWED_ORIGINS")),
)
def _d14(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}


@config("d15-headers-star", "CORS_ALLOW_HEADERS = ['*'] without credentials")
def _d15(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_ALLOW_HEADERS": ["*"]}


@config(
    "d16-headers-star-credentials",
    "CORS_ALLOW_HEADERS = ['*'] with credentials",
    (*DEFAULT_CALLS, *CREDENTIALED_CALLS),
    # django-cors-headers' literal '*' covers no header with credentials (R14, R21); ours echoes every requested name (D13)
    differs={"cred-put": Differ(f"D13 ({GUIDE})", "200"), "cred-bearer": Differ(f"D13 ({GUIDE})", "200")},
)
def _d16(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_ALLOW_HEADERS": ["*"], "CORS_ALLOW_CREDENTIALS": True}


@config("d17-cors-after-common", "CorsMiddleware after CommonMiddleware (W001), APPEND_SLASH redirect", (*DEFAULT_CALLS, "slash-redirect"))
def _d17(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": [COMMON, CORS], "CORS_ALLOWED_ORIGINS": [o.app]}


@config("d18-token-middleware", "a project's auth middleware after CorsMiddleware")
def _d18(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": [CORS, COMMON, f"{__name__}.RequireToken"], "CORS_ALLOWED_ORIGINS": [o.app]}


@config("d19-csrf", "CsrfViewMiddleware with a cross-origin JSON POST (CSRF_TRUSTED_ORIGINS not set)")
def _d19(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": [*README_ORDER, CSRF], "CORS_ALLOWED_ORIGINS": [o.app]}


@config("d20-csrf-trusted", "CsrfViewMiddleware with CSRF_TRUSTED_ORIGINS for the frontend", (*DEFAULT_CALLS, *CREDENTIALED_CALLS))
def _d20(lib: Any, o: Origins) -> dict[str, Any]:
    return {
        "MIDDLEWARE": [*README_ORDER, CSRF],
        "CORS_ALLOWED_ORIGINS": [o.app],
        "CORS_ALLOW_CREDENTIALS": True,
        "CSRF_TRUSTED_ORIGINS": [o.app],
    }


@config("d21-error-pages", "DEBUG = False: Django's own 404 and 500 pages", (*DEFAULT_CALLS, "missing", "boom"))
def _d21(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app]}


@config("d22-files-and-streams", "FileResponse and StreamingHttpResponse", (*DEFAULT_CALLS, "stream", "file"))
def _d22(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_EXPOSE_HEADERS": ["Content-Disposition"]}


@config("d23-origins-and-regexes", "origins and regexes together, a dev server among them")
def _d23(lib: Any, o: Origins) -> dict[str, Any]:
    return {
        "MIDDLEWARE": README_ORDER,
        "CORS_ALLOWED_ORIGINS": ["http://localhost:3000", "https://app.example.com"],
        "CORS_ALLOWED_ORIGIN_REGEXES": [r"^http://app\.localhost:\d+$"],
    }


@config("d24-private-network", "CORS_ALLOW_PRIVATE_NETWORK = True")
def _d24(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_ALLOW_PRIVATE_NETWORK": True}


@config("d25-urls-regex-allow-all", r"CORS_URLS_REGEX = r'^/api/' with CORS_ALLOW_ALL_ORIGINS", (*DEFAULT_CALLS, "public"))
def _d25(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOW_ALL_ORIGINS": True, "CORS_URLS_REGEX": r"^/api/"}


@config("d26-misspelt-setting", "issue 12 item 3: CORS_ALLOWED_ORIGIN (no s): nothing allowed in both, W003 for us")
def _d26(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGIN": [o.app]}


@config(
    "d27-methods-star-credentials",
    "CORS_ALLOW_METHODS = ['*'] with credentials",
    (*DEFAULT_CALLS, *CREDENTIALED_CALLS),
    differs={"cred-put": Differ(f"D13 ({GUIDE})", "200")},  # the literal '*' allows no PUT with credentials (R14, R18)
)
def _d27(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_ALLOW_METHODS": ["*"], "CORS_ALLOW_CREDENTIALS": True}


@config(
    "d28-expose-star-credentials",
    "CORS_EXPOSE_HEADERS = ['*'] with credentials",
    # R14, R28: '*' exposes nothing to a credentialed request, so it is refused (E008)
    refused=(f"D9 ({GUIDE})", ("E008", "CORS_EXPOSE_HEADERS", "list the header names")),
)
def _d28(lib: Any, o: Origins) -> dict[str, Any]:
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], "CORS_EXPOSE_HEADERS": ["*"], "CORS_ALLOW_CREDENTIALS": True}


@config(
    "d29-drf-token",
    "Django REST framework with bearer-token authentication and IsAuthenticated (as the DRF docs set it up)",
    (*DEFAULT_CALLS, "drf-anonymous", "drf-bearer", "drf-post", "drf-bad-token"),
)
def _d29(lib: Any, o: Origins) -> dict[str, Any]:
    if not DRF:
        raise RuntimeError("djangorestframework is not installed (a test dependency of the migration corpus)")
    return {"MIDDLEWARE": README_ORDER, "CORS_ALLOWED_ORIGINS": [o.app], **DRF_SETTINGS}
