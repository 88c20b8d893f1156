"""The migration corpus (issue 12): Flask and Django apps written as people write them, under the peer and under us.

Each configuration is mounted at ``/<name>/`` of one real server per library and framework on
127.0.0.1 (four servers in all). Two pages in one Chromium, at ``http://app.localhost:<p>`` (the
frontend) and ``http://evil.localhost:<p>`` (a site that is not allowed), make every configuration's
fetches against both libraries. For each fetch, what the page could read must be the same under both,
unless the configuration names a documented difference (a D-number of the migration guide), and then
it must be exactly our declared outcome. A configuration we refuse must fail at start-up, with a
message that names the setting and what to write.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from browser._chromium import Chromium
from browser._servers import Server, page_app
from browser.conftest import chromium  # noqa: F401  (the session's Chromium, found and launched as the browser suite does)

from . import _flask_apps
from ._harness import APP_HOST, CALLS, EVIL_HOST, RUN_CALLS_JS, Config, Origins, fetch_spec, summary

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _django_configs() -> list[Config]:
    pytest.importorskip("corsheaders")
    _ready_django()
    from . import _django_site

    return _django_site.CONFIGS


def _ready_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        # cors_django installed, as every other configuration in the suite has it (this runs while tests are collected):
        # its system checks are then registered whichever test file configures Django first.
        settings.configure(
            SECRET_KEY="migration-corpus-only", DATABASES={}, INSTALLED_APPS=["cors_django"], USE_TZ=True, LOGGING_CONFIG=None
        )
        django.setup()


@dataclass
class Mounted:
    """One library's server: the configurations it mounts, and the start-up error of each it refused."""

    port: int
    refused: dict[str, str]


def _dispatch(apps: dict[str, WSGIApp]) -> WSGIApp:
    """``/<name>/rest`` goes to apps[name] with SCRIPT_NAME=/<name>, as a reverse proxy would mount it."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        name, _, rest = path[1:].partition("/")
        target = apps.get(name)
        if target is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such configuration"]
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + name
        environ["PATH_INFO"] = "/" + rest
        return target(environ, start_response)

    return app


def _flask_libraries() -> dict[str, Any]:
    flask_cors = pytest.importorskip("flask_cors")
    import cors_flask

    return {"peer": flask_cors, "ours": cors_flask}


def _mount_flask(lib: Any, origins: Origins) -> tuple[WSGIApp, dict[str, str]]:
    apps: dict[str, WSGIApp] = {}
    refused: dict[str, str] = {}
    for config in _flask_apps.CONFIGS:
        try:
            apps[config.name] = config.build(lib, origins)
        except Exception as exc:  # a refusal at start-up: CORS(app), init_app or the decorator raised
            refused[config.name] = f"{type(exc).__name__}: {exc}"
    return _dispatch(apps), refused


def _django_libraries() -> dict[str, Any]:
    pytest.importorskip("corsheaders")
    _ready_django()
    import cors_django.defaults
    import cors_django.signals
    import corsheaders.defaults
    import corsheaders.signals

    return {
        "peer": SimpleNamespace(
            name="peer", middleware="corsheaders.middleware.CorsMiddleware", defaults=corsheaders.defaults, signals=corsheaders.signals
        ),
        "ours": SimpleNamespace(
            name="ours", middleware="cors_django.CorsMiddleware", defaults=cors_django.defaults, signals=cors_django.signals
        ),
    }


_DJANGO_LOCK = threading.Lock()  # Django settings are process-wide: one configuration's request at a time


def _mount_django(lib: Any, origins: Origins) -> tuple[WSGIApp, dict[str, str]]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    from . import _django_site

    base = {"ALLOWED_HOSTS": ["*"], "ROOT_URLCONF": _django_site.__name__, "DEBUG": False, "DEBUG_PROPAGATE_EXCEPTIONS": False}
    apps: dict[str, WSGIApp] = {}
    refused: dict[str, str] = {}
    for config in _django_site.CONFIGS:
        settings = config.build(lib, origins)
        settings["MIDDLEWARE"] = [lib.middleware if m == _django_site.CORS else m for m in settings["MIDDLEWARE"]]
        overrides = {**base, **settings}
        try:
            with override_settings(**overrides):
                handler = WSGIHandler()  # loads MIDDLEWARE: our CorsMiddleware refuses bad settings here, at start-up
        except Exception as exc:
            refused[config.name] = f"{type(exc).__name__}: {exc}"
            continue
        apps[config.name] = _serialised(handler, overrides)
    return _dispatch(apps), refused


def _serialised(handler: WSGIApp, overrides: dict[str, Any]) -> WSGIApp:
    from django.test import override_settings

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with _DJANGO_LOCK, override_settings(**overrides):
            result = handler(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

    return app


FRAMEWORKS: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[Any, Origins], tuple[WSGIApp, dict[str, str]]]]] = {
    "flask": (_flask_libraries, _mount_flask),
    "django": (_django_libraries, _mount_django),
}


@dataclass
class FrameworkRun:
    refused: dict[str, dict[str, str]]  # library -> config name -> start-up error
    seen: dict[tuple[str, str, str], str]  # (library, config, call) -> summary of what the page read


def _configs(framework: str) -> list[Config]:
    return _flask_apps.CONFIGS if framework == "flask" else _django_configs()


@pytest.fixture(scope="module")
def corpus(chromium: Chromium) -> Iterator[dict[str, FrameworkRun]]:  # noqa: F811
    """Every configuration of both frameworks under both libraries, every fetch made once, concurrently."""
    page = Server(page_app)
    origins = Origins(f"http://{APP_HOST}:{page.port}", f"http://{EVIL_HOST}:{page.port}")
    servers: list[Server] = [page]
    runs: dict[str, FrameworkRun] = {}
    specs: dict[str, list[tuple[tuple[str, str, str, str], dict[str, Any]]]] = {"app": [], "evil": []}
    try:
        for framework, (libraries, mount) in FRAMEWORKS.items():
            try:
                libs = libraries()
            except pytest.skip.Exception:
                continue
            run = runs[framework] = FrameworkRun({}, {})
            for label, lib in libs.items():
                wsgi, refused = mount(lib, origins)
                server = Server(wsgi)
                servers.append(server)
                run.refused[label] = refused
                for config in _configs(framework):
                    if config.name in refused:
                        continue
                    for n, call_name in enumerate(config.calls):
                        call = CALLS[call_name]
                        key = (framework, label, config.name, call_name)
                        specs[call.page].append((key, fetch_spec(call, server.port, config.name, n)))

        async def visit(browser: Any) -> dict[tuple[str, str, str, str], str]:
            context = await browser.new_context()
            try:
                out: dict[tuple[str, str, str, str], str] = {}
                for page_name, host in (("app", APP_HOST), ("evil", EVIL_HOST)):
                    tab = await context.new_page()
                    await tab.goto(f"http://{host}:{page.port}/")
                    entries = specs[page_name]
                    results = await tab.evaluate(RUN_CALLS_JS, [spec for _, spec in entries])
                    out.update({key: summary(seen) for (key, _), seen in zip(entries, results, strict=True)})
                return out
            finally:
                await context.close()

        (result,) = chromium.run_all([visit], concurrency=1, timeout=600)
        if isinstance(result, BaseException):
            raise result
        for (framework, label, name, call_name), text in result.items():
            runs[framework].seen[(label, name, call_name)] = text
        yield runs
    finally:
        for server in servers:
            server.close()


CASES = [pytest.param("flask", c, id=c.name) for c in _flask_apps.CONFIGS]


def _django_cases() -> list[Any]:
    try:
        return [pytest.param("django", c, id=c.name) for c in _django_configs()]
    except pytest.skip.Exception:
        return []


@pytest.mark.parametrize(("framework", "config"), [*CASES, *_django_cases()])
def test_configuration_reads_the_same_under_both_libraries(corpus: dict[str, FrameworkRun], framework: str, config: Config) -> None:
    if framework not in corpus:
        pytest.skip(f"the peer library for {framework} is not installed")
    run = corpus[framework]
    assert config.name not in run.refused["peer"], f"the peer refused it too: {run.refused['peer'][config.name]}"
    ours_refused = run.refused["ours"].get(config.name)
    if config.refused is not None:
        difference, words = config.refused
        assert ours_refused is not None, f"{config.name}: expected a refusal at start-up ({difference})"
        for word in words:
            assert word in ours_refused, f"{config.name}: the start-up error should say {word!r}:\n{ours_refused}"
        return
    assert ours_refused is None, f"{config.name} was refused at start-up:\n{ours_refused}"
    problems = []
    for call_name in config.calls:
        peer, ours = run.seen[("peer", config.name, call_name)], run.seen[("ours", config.name, call_name)]
        differ = config.differs.get(call_name)
        if differ is None:
            if peer != ours:
                problems.append(f"{call_name}: flask-cors/django-cors-headers {peer}\n    ours {ours}")
        elif peer == ours or not ours.startswith(differ.ours):
            problems.append(f"{call_name}: declared difference {differ.difference} (ours {differ.ours}) but peer {peer} / ours {ours}")
    assert not problems, f"{config.name} ({config.source}):\n  " + "\n  ".join(problems)
    # Not vacuous: the frontend reads a real answer of the app (a broken mount would read the same 404 twice).
    read = [run.seen[("ours", config.name, c)] for c in config.calls if CALLS[c].page == "app"]
    assert config.name in NOTHING_READABLE or any(r.startswith("2") and "no such configuration" not in r for r in read), read


#: Configurations where the frontend can read nothing under either library, by design of the configuration.
NOTHING_READABLE = {"d26-misspelt-setting"}


def counts(configs: list[Config]) -> tuple[int, int, int]:
    """N configurations; M identical in the browser; K differ (a declared difference or a refusal)."""
    differ = sum(1 for c in configs if c.differs or c.refused)
    return len(configs), len(configs) - differ, differ


@pytest.mark.parametrize(
    ("framework", "guide"), [("flask", "migrating-from-flask-cors.md"), ("django", "migrating-from-django-cors-headers.md")]
)
def test_guides_state_the_corpus_result(framework: str, guide: str) -> None:
    """The guide's summary line is the corpus's own count, and it lists every configuration that differs."""
    configs = _configs(framework)
    n, m, k = counts(configs)
    text = (DOCS / guide).read_text()
    assert f"{n} configurations; {m} identical in the browser; {k} differ" in text
    for config in configs:
        if config.differs or config.refused:
            assert re.search(rf"`{re.escape(config.name)}`", text), f"{guide} does not list {config.name}"
