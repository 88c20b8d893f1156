"""One hostile request, run through decide() and the four real adapters, answered in one common shape.

Every runner takes the same raw request: a method, a path and the header fields as they came off
the wire. The WSGI-based runners build a PEP 3333 environ from them the way servers do (names
upper-cased with '-' -> '_', repeated fields joined with ', ', values as latin-1 text) and call the
real application with it, so bytes no test client would send (CR/LF, NUL, latin-1) reach the adapter.
The ASGI runner builds a scope as ASGI servers do: one (name, value) pair per field, names lower-cased
and otherwise kept (no '-'/'_' folding, no joining), values as latin-1 bytes.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cors_core import Policy, PolicySet, RequestMeta, decide

Fields = tuple[tuple[str, str], ...]
APP_BODY = b"from the app"


@dataclass
class Answer:
    """What came back: status, header fields in order, and whether the application ran."""

    status: int
    fields: list[tuple[str, str]]
    app_ran: bool

    def getlist(self, name: str) -> list[str]:
        return [v for n, v in self.fields if n.lower() == name.lower()]


def environ_for(method: str, path: str, fields: Fields) -> dict[str, Any]:
    """A PEP 3333 environ as a server builds it from these header fields."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in fields:
        key = "HTTP_" + name.upper().replace("-", "_")  # PEP 3333 / CGI: '-' and '_' become the same key
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    return environ


def _call(app: Callable[..., Any], environ: dict[str, Any], ran: list[bool]) -> Answer:
    got: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        got[:] = [int(status.split()[0]), list(headers)]
        return lambda _: None

    result = app(environ, start_response)
    try:
        b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return Answer(got[0], got[1], bool(ran))


def run_decide(policy: Policy | PolicySet, method: str, path: str, fields: Fields) -> Answer:
    """decide() as an ideal adapter would call it: the Origin field count is known."""
    environ = environ_for(method, path, fields)
    origins = sum(1 for n, _ in fields if n.lower().replace("_", "-") == "origin")
    meta = RequestMeta(
        method,
        path,
        environ.get("HTTP_ORIGIN"),
        environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
        origins or None,
    )
    d = decide(meta, policy)
    if d.status is not None:
        return Answer(d.status, list(d.items()), False)
    return Answer(200, list(d.items()), True)


def wsgi_app(policy: Policy | PolicySet) -> tuple[Callable[..., Any], list[bool]]:
    """cors_wsgi.CORSMiddleware around a bare application that records that it ran."""
    from cors_wsgi import CORSMiddleware

    ran: list[bool] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        ran.append(True)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [APP_BODY]

    return CORSMiddleware(app, policy), ran


def run_wsgi(policy: Policy | PolicySet, method: str, path: str, fields: Fields) -> Answer:
    app, ran = wsgi_app(policy)
    return _call(app, environ_for(method, path, fields), ran)


def flask_app(policy: Policy | PolicySet) -> tuple[Callable[..., Any], list[bool]]:
    """A real Flask app with cors_flask.CORS(policy=...) and one catch-all view."""
    from cors_flask import CORS
    from flask import Flask

    ran: list[bool] = []
    app = Flask("hardening")

    @app.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
    @app.route("/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
    def view(rest: str) -> str:
        ran.append(True)
        return "from the app"

    CORS(app, policy=policy)
    return app, ran


def run_flask(policy: Policy | PolicySet, method: str, path: str, fields: Fields) -> Answer:
    app, ran = flask_app(policy)
    return _call(app, environ_for(method, path, fields), ran)


_django_ran: list[bool] = []


def _django_view(request: Any, rest: str = "") -> Any:
    from django.http import HttpResponse

    _django_ran.append(True)
    return HttpResponse(APP_BODY, content_type="text/plain")


def _django_urlpatterns() -> list[Any]:
    from django.urls import re_path

    return [re_path(r"^(?P<rest>.*)$", _django_view)]


class _UrlConf:
    """A URLconf object (Django accepts any object with ``urlpatterns``); hashable for its resolver cache."""

    @property
    def urlpatterns(self) -> list[Any]:
        return _django_urlpatterns()


URLCONF = _UrlConf()


@contextmanager
def django_settings(policy: Policy | PolicySet | None, **cors_settings: Any) -> Iterator[None]:
    """Configure Django for these tests if nothing else did, then apply our URLconf and CORS_POLICY
    (or, with ``policy=None``, the django-cors-headers style ``CORS_*`` settings given)."""
    import django
    from django.conf import settings
    from django.test import override_settings

    if not settings.configured:
        settings.configure(
            SECRET_KEY="hardening-tests-only",
            ALLOWED_HOSTS=["*"],
            INSTALLED_APPS=["cors_django"],
            DATABASES={},
            ROOT_URLCONF=URLCONF,
            MIDDLEWARE=["cors_django.CorsMiddleware"],
            USE_TZ=True,
            LOGGING_CONFIG=None,
        )
        django.setup()
    if policy is not None:
        cors_settings["CORS_POLICY"] = policy
    with override_settings(
        ROOT_URLCONF=URLCONF, MIDDLEWARE=["cors_django.CorsMiddleware"], ALLOWED_HOSTS=["*"], DEBUG=False, **cors_settings
    ):
        yield


def django_app() -> tuple[Callable[..., Any], list[bool]]:
    """Django's real WSGI handler (call inside :func:`django_settings`)."""
    from django.core.handlers.wsgi import WSGIHandler

    _django_ran.clear()
    return WSGIHandler(), _django_ran


def run_django(policy: Policy | PolicySet, method: str, path: str, fields: Fields) -> Answer:
    with django_settings(policy):
        app, ran = django_app()
        return _call(app, environ_for(method, path, fields), ran)


def scope_for(method: str, path: str, fields: Fields) -> dict[str, Any]:
    """An ASGI HTTP scope as a server builds it from these header fields."""
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in fields]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "path": path,
        "root_path": "",
        "headers": headers,
    }


def run_asgi(policy: Policy | PolicySet, method: str, path: str, fields: Fields) -> Answer:
    """cors_asgi.CORSMiddleware around a bare ASGI application that records that it ran."""
    from cors_asgi import CORSMiddleware

    ran: list[bool] = []
    sent: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        ran.append(True)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": APP_BODY})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(CORSMiddleware(app, policy)(scope_for(method, path, fields), receive, send))
    start = sent[0]
    fields_out = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in start["headers"]]
    return Answer(start["status"], fields_out, bool(ran))


RUNNERS: dict[str, Callable[[Policy | PolicySet, str, str, Fields], Answer]] = {
    "decide": run_decide,
    "asgi": run_asgi,
    "wsgi": run_wsgi,
    "flask": run_flask,
    "django": run_django,
}
