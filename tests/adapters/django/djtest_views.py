"""Views of the cors_django tests: plain, async, failing, streaming, and @cors-decorated ones."""

from __future__ import annotations

from cors_django import cors
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("index")


async def async_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async")


def unauthorized(request: HttpRequest) -> HttpResponse:
    return HttpResponse("no", status=401)


def redirect(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=302, headers={"Location": "/"})


def own_headers(request: HttpRequest) -> HttpResponse:
    """A view that sets CORS headers and Vary itself (the middleware must replace / merge them)."""
    response = HttpResponse("own")
    response["Access-Control-Allow-Origin"] = "https://evil.example"
    response["Access-Control-Allow-Credentials"] = "true"
    response["Vary"] = "Accept-Encoding, Cookie"
    return response


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


async def async_boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("async boom")


def stream(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(f"chunk{i};" for i in range(3))


@cors(origins=["https://view.example"], allow_methods=["PUT"], allow_headers=["x-token"], allow_credentials=True, max_age=60)
def decorated(request: HttpRequest) -> HttpResponse:
    return HttpResponse("decorated")


@cors(origins=["https://view.example"], allow_methods=["PUT"])
async def async_decorated(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async decorated")


@cors(origins=["https://view.example"])
def decorated_boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("decorated boom")


def handler404(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    return JsonResponse({"error": "not found"}, status=404)


def handler500(request: HttpRequest) -> HttpResponseBase:
    return JsonResponse({"error": "server error"}, status=500)
