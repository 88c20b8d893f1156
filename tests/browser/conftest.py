"""Fixtures: one browser per engine for the session, the page servers, and one API server per adapter."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import NoReturn

import pytest

from ._apps import ADAPTERS, ASGI_ADAPTERS, AdapterMissing, Api, build_api
from ._cases import CASES, Case, Ports, build_policies
from ._chromium import Chromium, ChromiumEngine
from ._engine import ENGINES, REQUIRE_ENV, Engine, EngineMissing, browser_required
from ._firefox import FirefoxEngine
from ._run import CaseRun, play_in
from ._servers import AsgiServer, Recorder, Server, page_app, probe_app, probe_asgi, split_api, split_asgi
from ._webkit import WebKitEngine

_DRIVERS: dict[str, Callable[[], Engine]] = {"chromium": ChromiumEngine, "firefox": FirefoxEngine, "webkit": WebKitEngine}
#: The engines this session launched and their versions, for the summary (and make_case_table.PROVEN).
_LAUNCHED: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _LAUNCHED:
        terminalreporter.write_line("browser engines: " + "; ".join(f"{k}: {v}" for k, v in _LAUNCHED.items()))


def _absent(why: str) -> NoReturn:
    """Skip locally; fail when the environment says a browser is required (CI)."""
    if browser_required():
        pytest.fail(f"{REQUIRE_ENV} is set but {why}", pytrace=False)
    pytest.skip(f"browser tests skipped: {why}")


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """One browser of each engine, launched once for the session (the test id names it)."""
    name: str = request.param
    try:
        browser = _DRIVERS[name]()
    except EngineMissing as exc:
        _absent(f"{name}: {exc}")
    _LAUNCHED[name] = browser.version
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """Chromium alone, loopback only as in the engine suite, for suites that drive playwright themselves
    (tests/migration)."""
    try:
        engine = ChromiumEngine()
    except EngineMissing as exc:
        _absent(f"chromium: {exc}")
    yield engine.chromium
    engine.close()


@pytest.fixture(scope="session")
def page_servers() -> Iterator[Ports]:
    """The page server (every page host name, one port) and the look-alike page server (another port)."""
    page, lookalike = Server(page_app), Server(page_app)
    yield Ports(page.port, 0, lookalike.port)
    page.close()
    lookalike.close()


@pytest.fixture(scope="module", params=ADAPTERS)
def api(request: pytest.FixtureRequest, page_servers: Ports) -> Iterator[Api]:
    """The API app wrapped by one adapter (parametrised over all of them), served on its own port.

    Module-scoped so that the Django settings it overrides are restored before other test modules run.
    """
    adapter: str = request.param
    recorder = Recorder()
    policies = build_policies(page_servers)
    try:
        app, cleanup = build_api(adapter, recorder, policies)
    except AdapterMissing as exc:
        pytest.skip(f"{adapter} adapter not available: {exc}")
    if adapter in ASGI_ADAPTERS:
        server: Server | AsgiServer = AsgiServer(recorder.wrap_asgi(split_asgi(app, probe_asgi)), ASGI_ADAPTERS[adapter])
    else:
        server = Server(recorder.wrap(split_api(app, probe_app)))
    yield Api(adapter, dataclasses.replace(page_servers, api=server.port), policies, recorder)
    server.close()
    cleanup()


@pytest.fixture(scope="module")
def case_runs(request: pytest.FixtureRequest, engine: Engine, api: Api) -> dict[str, CaseRun | BaseException]:
    """Every selected case played once in *engine* against *api*; the tests then judge one run each.

    Cases run side by side up to the engine's concurrency, so one case's page start-up overlaps another's
    round trips; a case's exception is its result.
    """
    selected = {
        item.callspec.params["case"].id
        for item in request.session.items
        if hasattr(item, "callspec")
        and item.callspec.params.get("api") == api.adapter
        and item.callspec.params.get("engine") == engine.name
        and "case" in item.callspec.params
    }
    cases = [case for case in CASES if case.id in selected]

    def run(case: Case) -> CaseRun | BaseException:
        try:
            return play_in(engine, case, api)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(engine.concurrency) as pool:
        return dict(zip((c.id for c in cases), pool.map(run, cases), strict=True))
