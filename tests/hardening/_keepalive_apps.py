"""One WSGI app mounting every adapter next to its plain app, for test_keepalive_servers.py's server processes.

Mounted at ``/<framework>/<variant>``: ``none`` is the framework's app without CORS, ``ours`` the same app
with our adapter and the default policy, ``ours200`` with ``preflight_status=200``, ``decorator`` the
per-view form (``@cross_origin`` / ``@cors``). Every app answers ``/api``. Served in its own process
(Django's settings are process-wide): ``python _keepalive_apps.py werkzeug PORT`` runs Werkzeug's
development server speaking HTTP/1.1; waitress and gunicorn import ``_keepalive_apps:app``.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable
from typing import Any

from cors_core import Policy

ALLOWED = "https://app.example.com"
METHODS = ["GET", "POST", "PUT", "DELETE"]


def policy(**extra: Any) -> Policy:
    return Policy([ALLOWED], allow_methods=METHODS, allow_headers=["content-type"], **extra)


def plain(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def _flask(layer: str) -> Any:
    from cors_flask import CORS, cross_origin
    from flask import Flask

    app = Flask(f"keepalive_{layer}")

    def api() -> str:
        return "ok"

    if layer == "decorator":
        api = cross_origin(policy=policy())(api)
    app.add_url_rule("/api", "api", api, methods=METHODS)
    if layer == "ours":
        CORS(app, policy=policy())
    elif layer == "ours200":
        CORS(app, policy=policy(preflight_status=200))
    return app


def _django() -> dict[str, Any]:
    """Django without CORS, with the middleware and the default policy, and a view with @cors(preflight_status=200)."""
    from django.conf import settings

    common = "django.middleware.common.CommonMiddleware"  # sets Content-Length, as in real projects
    urls = types.ModuleType("_keepalive_urls")
    sys.modules["_keepalive_urls"] = urls
    settings.configure(
        DEBUG=False,
        SECRET_KEY="keepalive-test-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF="_keepalive_urls",
        MIDDLEWARE=["cors_django.CorsMiddleware", common],
        CORS_POLICY=policy(),
        DATABASES={},
    )
    import django

    django.setup()
    from cors_django import cors
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpRequest, HttpResponse
    from django.test.utils import override_settings
    from django.urls import path

    def api(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    urls.urlpatterns = [path("api", api), path("view/api", cors(policy(preflight_status=200))(api))]  # type: ignore[attr-defined]
    with override_settings(MIDDLEWARE=[common]):
        bare = WSGIHandler()
    ours = WSGIHandler()

    def view(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ["PATH_INFO"] = "/view" + environ["PATH_INFO"]
        return ours(environ, start_response)

    return {"/django/none": bare, "/django/ours": ours, "/django/decorator": view}


def build() -> Any:
    from cors_wsgi import CORSMiddleware
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    mounts: dict[str, Any] = {
        "/wsgi/none": plain,
        "/wsgi/ours": CORSMiddleware(plain, policy()),
        "/wsgi/ours200": CORSMiddleware(plain, policy(preflight_status=200)),
        **{f"/flask/{layer}": _flask(layer) for layer in ("none", "ours", "ours200", "decorator")},
        **_django(),
    }
    return DispatcherMiddleware(NotFound(), mounts)


app = build()


if __name__ == "__main__":
    from werkzeug.serving import WSGIRequestHandler, run_simple

    class HTTP11(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    run_simple("127.0.0.1", int(sys.argv[2]), app, threaded=True, request_handler=HTTP11)
