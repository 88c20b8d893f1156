"""Runs the scenario table (scenarios.py) through every adapter: same policy, same request, same CORS headers."""

from __future__ import annotations

import asyncio
import importlib
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from scenarios import SCENARIOS, Scenario
from werkzeug.test import Client

from cors_core import CORS_RESPONSE_HEADERS


@dataclass
class Outcome:
    """What an adapter answered: status, every response header field, and how many times the app ran."""

    status: int
    fields: list[tuple[str, str]]
    app_calls: int


APP_BODY = b"from the app"


def run_wsgi(scenario: Scenario) -> Outcome:
    """cors_wsgi.CORSMiddleware around a bare WSGI app, through werkzeug's test Client."""
    from cors_wsgi import CORSMiddleware

    calls: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(environ["PATH_INFO"])
        start_response(f"{scenario.app_status} Whatever", [*scenario.app_headers, ("Content-Type", "text/plain")])
        return [APP_BODY]

    client = Client(CORSMiddleware(app, scenario.build_policy()))
    response = client.open(scenario.path, method=scenario.method, headers=list(scenario.headers))
    return Outcome(response.status_code, list(response.headers.items()), len(calls))


def _adapter(name: str) -> Any:
    """The adapter package, or a skip saying it is not importable (yet)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        pytest.skip(f"{name} is not importable: {exc}")


def run_flask(scenario: Scenario) -> Outcome:
    """cors_flask.CORS(app, policy=...) on a Flask app whose one view answers every path and method."""
    flask = pytest.importorskip("flask")
    cors_flask = _adapter("cors_flask")
    calls: list[str] = []
    app = flask.Flask("scenarios", static_folder=None)  # no built-in /static route in the way

    @app.route("/<path:path>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    def view(path: str) -> Any:  # OPTIONS listed: Flask's automatic OPTIONS answer would hide the app
        calls.append(path)
        return flask.Response(APP_BODY, status=scenario.app_status, headers=list(scenario.app_headers))

    cors_flask.CORS(app, policy=scenario.build_policy())
    response = app.test_client().open(scenario.path, method=scenario.method, headers=list(scenario.headers))
    return Outcome(response.status_code, list(response.headers.items()), len(calls))


def _django_ready() -> Any:
    """Django, configured minimally unless the run already configured it (the cors_django tests do)."""
    django = pytest.importorskip("django")
    _adapter("cors_django")
    from django.conf import settings

    if not settings.configured:
        # cors_django installed, as every other configuration in the suite has it: its system checks are then
        # registered whichever test file configures Django first.
        settings.configure(
            SECRET_KEY="scenario-tests-only", DATABASES={}, INSTALLED_APPS=["cors_django"], USE_TZ=True, LOGGING_CONFIG=None
        )
        django.setup()
    return django


def run_django(scenario: Scenario) -> Outcome:
    """cors_django.CorsMiddleware with CORS_POLICY, in front of one view that answers every path and method."""
    _django_ready()
    from django.http import HttpRequest, HttpResponse
    from django.test import Client as DjangoClient
    from django.test import override_settings
    from django.urls import re_path

    calls: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        calls.append(request.path)
        response = HttpResponse(APP_BODY, status=scenario.app_status)
        for name, value in scenario.app_headers:
            response[name] = value
        return response

    urlconf = types.ModuleType("scenario_urls")  # a URLconf may be a module object; it must be hashable
    urlconf.urlpatterns = [re_path(r"^.*$", view)]  # type: ignore[attr-defined]
    with override_settings(
        ROOT_URLCONF=urlconf,
        MIDDLEWARE=["cors_django.CorsMiddleware"],
        CORS_POLICY=scenario.build_policy(),
        ALLOWED_HOSTS=["*"],
        DEBUG=False,
    ):
        response = DjangoClient().generic(scenario.method, scenario.path, headers=dict(scenario.headers))
    return Outcome(response.status_code, list(response.items()), len(calls))


def run_asgi(scenario: Scenario) -> Outcome:
    """cors_asgi.CORSMiddleware around a bare ASGI app, called with the scope a server builds (the path as sent:
    an HTTP client library would remove dot segments before sending, which ASGI servers do not)."""
    pytest.importorskip("starlette")
    cors_asgi = _adapter("cors_asgi")

    calls: list[str] = []
    sent: list[dict[str, Any]] = []
    raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in scenario.app_headers]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        calls.append(scope["path"])
        headers = [*raw_headers, (b"content-type", b"text/plain"), (b"content-length", str(len(APP_BODY)).encode())]
        await send({"type": "http.response.start", "status": scenario.app_status, "headers": headers})
        await send({"type": "http.response.body", "body": APP_BODY})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": scenario.method,
        "path": scenario.path,
        "raw_path": scenario.path.encode("latin-1", "replace"),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in scenario.headers],
    }
    asyncio.run(cors_asgi.CORSMiddleware(app, scenario.build_policy())(scope, receive, send))
    start = sent[0]
    return Outcome(start["status"], [(n.decode("latin-1"), v.decode("latin-1")) for n, v in start["headers"]], len(calls))


RUNNERS: dict[str, Callable[[Scenario], Outcome]] = {
    "asgi": run_asgi,
    "wsgi": run_wsgi,
    "flask": run_flask,
    "django": run_django,
}


def check(scenario: Scenario, outcome: Outcome) -> None:
    """The assertions shared by every adapter."""
    assert outcome.app_calls == (1 if scenario.reaches_app else 0), "the app ran for a preflight, or not for a request"
    assert outcome.status == scenario.expected_status
    got: dict[str, list[str]] = {}
    for name, value in outcome.fields:
        got.setdefault(name.lower(), []).append(value)
    for name in CORS_RESPONSE_HEADERS:
        expected = scenario.cors.get(name)
        assert got.get(name.lower(), []) == ([expected] if expected is not None else []), name  # R11: at most one field
    vary_fields = got.get("vary", [])
    assert len(vary_fields) <= 1, f"Vary sent as {len(vary_fields)} fields: {vary_fields}"  # R33
    names = [item.strip().lower() for item in vary_fields[0].split(",") if item.strip()] if vary_fields else []
    assert sorted(names) == sorted(n.lower() for n in scenario.vary), f"Vary: {vary_fields}"  # no duplicates, none missing


@pytest.mark.parametrize("adapter", sorted(RUNNERS))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(adapter: str, scenario: Scenario) -> None:
    check(scenario, RUNNERS[adapter](scenario))


def test_scenario_ids_are_unique() -> None:
    ids = [s.id for s in SCENARIOS]
    assert len(ids) == len(set(ids))
