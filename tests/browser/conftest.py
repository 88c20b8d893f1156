"""Fixtures: one Chromium for the session, the page servers, and one API server per adapter."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from typing import NoReturn

import pytest

from ._apps import ADAPTERS, ASGI_ADAPTERS, AdapterMissing, Api, build_api
from ._cases import CASES, Ports, build_policies
from ._chromium import REQUIRE_ENV, Chromium, browser_required, find_chromium
from ._run import CaseRun, play
from ._servers import AsgiServer, Recorder, Server, page_app, probe_app, probe_asgi, split_api, split_asgi


def _absent(why: str) -> NoReturn:
    """Skip locally; fail when the environment says a browser is required (CI)."""
    if browser_required():
        pytest.fail(f"{REQUIRE_ENV} is set but {why}", pytrace=False)
    pytest.skip(f"browser tests skipped: {why}")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """Debian's Chromium, launched once for the session, driven by playwright."""
    executable, why = find_chromium()
    if executable is None:
        _absent(why)
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        _absent("the playwright package is not installed (pip install playwright; do not run 'playwright install')")
    try:
        browser = Chromium(executable)
    except Exception as exc:
        _absent(f"Chromium at {executable} did not start: {exc}")
    yield browser
    browser.close()


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
def case_runs(request: pytest.FixtureRequest, chromium: Chromium, api: Api) -> dict[str, CaseRun | BaseException]:
    """Every selected case played once against *api*, concurrently; the tests then judge one run each."""
    selected = {
        item.callspec.params["case"].id
        for item in request.session.items
        if hasattr(item, "callspec") and item.callspec.params.get("api") == api.adapter and "case" in item.callspec.params
    }
    cases = [case for case in CASES if case.id in selected]
    jobs = [functools.partial(play, case=case, api=api) for case in cases]
    return dict(zip((c.id for c in cases), chromium.run_all(jobs), strict=True))
