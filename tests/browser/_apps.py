"""The API application built four ways (plain WSGI, Flask, Django, FastAPI), each wrapped by our adapter for it.

All four dispatch to the same handlers (``_routes``) through the framework's own routing, so 404 and
405 answers are the framework's, and no route answers OPTIONS itself: preflights must be handled by
the CORS adapter before routing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from cors_core import PolicySet

from ._cases import Ports
from ._routes import ROUTES, Incoming, Route
from ._servers import Recorder, WSGIApp, token_of

ADAPTERS = ("wsgi", "flask", "django", "fastapi", "fastapi-hypercorn")
#: Adapters whose API is an ASGI application, and the ASGI server that serves it (the others: werkzeug).
ASGI_ADAPTERS = {"fastapi": "uvicorn", "fastapi-hypercorn": "hypercorn"}


@dataclass(frozen=True)
class Api:
    """One API server: the adapter under test, the live ports, its policies and the recorder of what it received."""

    adapter: str
    ports: Ports
    policies: PolicySet
    recorder: Recorder


class AdapterMissing(Exception):
    """The adapter's framework is not installed here (our adapters themselves must always import)."""


def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


# --- plain WSGI ----------------------------------------------------------------------------------


def _wsgi_app(recorder: Recorder) -> WSGIApp:
    by_name = {r.name: r for r in ROUTES}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        path = environ.get("PATH_INFO", "")
        parts = path.split("/")
        route = by_name.get(parts[-1]) if len(parts) == 4 and parts[1] == "p" else None
        method = environ["REQUEST_METHOD"].upper()  # like werkzeug, Flask and Django
        if route is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            yield b"not found"
            return
        if method not in route.methods:
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain"), ("Allow", ", ".join(route.methods))])
            yield b"method not allowed"
            return
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        req = Incoming(method, path, environ.get("QUERY_STRING", ""), headers)
        recorder.app_hit(token_of(req.query), method, path)
        reply = route.handler(req)
        start_response(_status_line(reply.status), list(reply.headers))
        if method != "HEAD":
            yield reply.body

    return app


def _wrap_wsgi(app: WSGIApp, policies: PolicySet) -> WSGIApp:
    from cors_wsgi import CORSMiddleware

    wrapped: WSGIApp = CORSMiddleware(app, policies)
    return wrapped


# --- Flask ---------------------------------------------------------------------------------------


def _flask_app(recorder: Recorder, policies: PolicySet) -> WSGIApp:
    try:
        import flask
    except ImportError as exc:
        raise AdapterMissing(f"Flask is not installed: {exc}") from exc
    from cors_flask import CORS

    app = flask.Flask("cors_browser_api")

    def view_for(route: Route) -> Callable[..., Any]:
        def view(policy: str) -> Any:
            r = flask.request
            headers = {k.lower(): v for k, v in r.headers.items()}
            req = Incoming(r.method, r.path, r.query_string.decode("latin-1"), headers)
            recorder.app_hit(token_of(req.query), r.method, r.path)
            reply = route.handler(req)
            return flask.Response(reply.body, status=reply.status, headers=list(reply.headers))

        return view

    for route in ROUTES:
        # provide_automatic_options=False: no route answers OPTIONS, so only the adapter can.
        app.add_url_rule(f"/p/<policy>/{route.name}", route.name, view_for(route), methods=list(route.methods),
                         provide_automatic_options=False)
    CORS(app, policy=policies)
    return app  # the Flask app object is the WSGI callable


# --- Django --------------------------------------------------------------------------------------


class _UrlConf:
    """A ROOT_URLCONF given as an object (Django accepts any object with ``urlpatterns``)."""

    def __init__(self, urlpatterns: list[Any]) -> None:
        self.urlpatterns = urlpatterns


def _django_app(recorder: Recorder, policies: PolicySet) -> tuple[WSGIApp, Callable[[], None]]:
    """The Django app and a function that undoes the settings it needs."""
    try:
        import django
        import django.conf
        from django.http import HttpResponse
        from django.test.utils import override_settings
        from django.urls import path as url_path
        from django.views.decorators.http import require_http_methods
    except ImportError as exc:
        raise AdapterMissing(f"Django is not installed: {exc}") from exc
    from cors_django import CORSMiddleware  # fails loudly if the adapter is broken

    middleware = f"cors_django.{CORSMiddleware.__name__}"

    if not django.conf.settings.configured:
        django.conf.settings.configure(DEBUG=False, SECRET_KEY="browser-tests-only", USE_TZ=True, INSTALLED_APPS=[])
        django.setup()

    def view_for(route: Route) -> Callable[..., Any]:
        @require_http_methods(list(route.methods))
        def view(request: Any, policy: str) -> Any:
            headers = {k.lower(): v for k, v in request.headers.items()}
            req = Incoming(request.method, request.path, request.META.get("QUERY_STRING", ""), headers)
            recorder.app_hit(token_of(req.query), request.method, request.path)
            reply = route.handler(req)
            response = HttpResponse(reply.body, status=reply.status)
            for name, value in reply.headers:
                response[name] = value
            return response

        return view

    urlconf = _UrlConf([url_path(f"p/<str:policy>/{r.name}", view_for(r)) for r in ROUTES])
    override = override_settings(
        ROOT_URLCONF=urlconf,
        MIDDLEWARE=[middleware],
        CORS_POLICY=policies,
        ALLOWED_HOSTS=["127.0.0.1", "localhost", ".localhost"],
        DEBUG=False,
    )
    override.enable()
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler(), override.disable


# --- FastAPI (ASGI, cors_asgi) --------------------------------------------------------------------


def _fastapi_app(recorder: Recorder, policies: PolicySet) -> Any:
    try:
        import fastapi
        from fastapi.responses import Response
    except ImportError as exc:
        raise AdapterMissing(f"FastAPI is not installed: {exc}") from exc
    from cors_asgi import CORSMiddleware

    app = fastapi.FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    def endpoint_for(route: Route) -> Callable[..., Any]:
        async def endpoint(request: fastapi.Request, policy: str) -> Any:
            headers = {k.lower(): v for k, v in request.headers.items()}
            req = Incoming(request.method, request.url.path, request.url.query, headers)
            recorder.app_hit(token_of(req.query), request.method, request.url.path)
            reply = route.handler(req)
            return Response(reply.body, status_code=reply.status, headers=dict(reply.headers))

        endpoint.__annotations__ = {"request": fastapi.Request, "policy": str}  # real classes: this module has lazy annotations
        return endpoint

    for route in ROUTES:  # no route lists OPTIONS: only the adapter answers preflights
        app.add_api_route(f"/p/{{policy}}/{route.name}", endpoint_for(route), methods=list(route.methods))
    app.add_middleware(_UpperCaseMethod)  # inside the CORS layer, which sees the method as sent
    app.add_middleware(CORSMiddleware, policy=policies)
    return app


class _UpperCaseMethod:
    """Upper-case the request method for routing, as werkzeug and Django do (Starlette's routing is case-sensitive)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "method": scope["method"].upper()}
        await self.app(scope, receive, send)


def build_api(adapter: str, recorder: Recorder, policies: PolicySet) -> tuple[Any, Callable[[], None]]:
    """The API app for *adapter* wrapped by its CORS adapter (WSGI, or ASGI for ASGI_ADAPTERS), and a clean-up function."""
    if adapter in ASGI_ADAPTERS:
        return _fastapi_app(recorder, policies), lambda: None
    if adapter == "wsgi":
        return _wrap_wsgi(_wsgi_app(recorder), policies), lambda: None
    if adapter == "flask":
        return _flask_app(recorder, policies), lambda: None
    if adapter == "django":
        return _django_app(recorder, policies)
    raise ValueError(adapter)
