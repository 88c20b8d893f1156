"""One small app per adapter behind one real server, for the keep-alive tests: ``python keepalive_server.py SERVER``.

The adapter and the preflight status come from the environment (``KEEPALIVE_ADAPTER`` = wsgi | flask |
django, ``KEEPALIVE_STATUS``), so that gunicorn can import ``keepalive_server:app`` too. The server
binds 127.0.0.1 on a free port and prints ``PORT <n>`` once it listens. The app answers every
non-preflight request with the client port it saw, so a test can tell that all its requests came
over one TCP connection.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

ORIGIN = "https://app.example.com"
ADAPTER = os.environ.get("KEEPALIVE_ADAPTER", "wsgi")
STATUS = int(os.environ.get("KEEPALIVE_STATUS", "200"))


def _wsgi_app() -> Any:
    from cors_wsgi import CORSMiddleware

    from cors_core import Policy

    def peer_port(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = str(environ.get("REMOTE_PORT", "")).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    policy = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"], preflight_status=STATUS)
    return CORSMiddleware(peer_port, policy)


def _flask_app() -> Any:
    from cors_flask import CORS
    from flask import Flask, request

    flask_app = Flask("keepalive")

    @flask_app.route("/", methods=["GET", "PUT"])
    def peer_port() -> str:
        return str(request.environ.get("REMOTE_PORT", ""))

    CORS(flask_app, origins=[ORIGIN], methods=["PUT"], allow_headers=["X-Token"], preflight_status=STATUS)
    return flask_app


def _django_settings() -> None:
    import django
    from django.conf import settings

    from cors_core import Policy

    settings.configure(
        SECRET_KEY="keepalive-tests-only",
        ALLOWED_HOSTS=["127.0.0.1"],
        DATABASES={},
        INSTALLED_APPS=["cors_django"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["cors_django.CorsMiddleware"],
        CORS_POLICY=Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"], preflight_status=STATUS),
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    django.setup()


def _peer_port_view(request: Any) -> Any:
    from django.http import HttpResponse

    response = HttpResponse(str(request.META.get("REMOTE_PORT", "")), content_type="text/plain")
    response["Content-Length"] = str(len(response.content))  # as CommonMiddleware would: waitress closes otherwise
    return response


urlpatterns: list[Any] = []
if ADAPTER == "django":
    _django_settings()
    from django.urls import path

    urlpatterns = [path("", _peer_port_view)]


def _make() -> Any:
    if ADAPTER == "flask":
        return _flask_app()
    if ADAPTER == "django":
        from django.core.handlers.wsgi import WSGIHandler

        return WSGIHandler()
    return _wsgi_app()


app = _make()


def _listen() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def main(server: str) -> None:
    sock = _listen()
    port = sock.getsockname()[1]
    if server == "waitress":
        from waitress.server import create_server

        srv: Any = create_server(app, sockets=[sock], threads=2)
        print(f"PORT {port}", flush=True)
        srv.run()
    elif server == "werkzeug":
        from werkzeug.serving import WSGIRequestHandler, make_server

        class KeepAliveHandler(WSGIRequestHandler):
            protocol_version = "HTTP/1.1"  # as the brief's setup; werkzeug 3 still closes every connection (see the test)

            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass

        srv = make_server("127.0.0.1", port, app, threaded=True, request_handler=KeepAliveHandler, fd=sock.fileno())
        print(f"PORT {port}", flush=True)
        srv.serve_forever()
    elif server == "uvicorn":  # Django as an ASGI app
        import uvicorn
        from django.core.handlers.asgi import ASGIHandler

        config = uvicorn.Config(ASGIHandler(), log_level="warning", lifespan="off")
        print(f"PORT {port}", flush=True)
        uvicorn.Server(config).run(sockets=[sock])
    else:
        raise SystemExit(f"unknown server {server!r}")


if __name__ == "__main__":
    main(sys.argv[1])
