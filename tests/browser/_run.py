"""Playing one case in one engine: a fresh tab, the page, the calls in order, and what each left on the server
(wire exchanges and view hits) and in the engine's console, for the test to judge afterwards."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from ._apps import Api
from ._cases import CONSOLE_MARK, PAGES, Call, Case, console_pattern
from ._engine import Engine, Tab
from ._servers import TOKEN, Exchange

#: How long an engine may take to print a refusal to its console after the script saw it.
CONSOLE_WAIT = 5.0


@dataclass(frozen=True)
class CallRun:
    """One call as it happened: the script's view, the exchanges on the wire, the views that ran, the console."""

    call: Call
    path: str
    seen: dict[str, Any]
    wire: list[Exchange]
    hits: list[tuple[str, str]]
    console: list[str] | None = None  # messages printed during the call, where the engine has a console we read

    @property
    def preflights(self) -> list[Exchange]:
        return [e for e in self.wire if e.is_preflight]

    @property
    def actuals(self) -> list[Exchange]:
        return [e for e in self.wire if not e.is_preflight]


@dataclass(frozen=True)
class CaseRun:
    origin: str  # the serialised origin the page's requests carried ("null" in the sandbox)
    calls: list[CallRun]
    engine: str = "chromium"


def api_path(case: Case, call: Call) -> str:
    """``/p/<policy>/<route>``, or ``/raw/<route>`` for the hand-written probe."""
    return f"/raw/{call.route}" if case.policy == "raw" else f"/p/{case.policy}/{call.route}"


def page_origin(page_url: str, sandboxed: bool) -> str:
    """The serialised origin of the page (an opaque origin serialises as 'null')."""
    if sandboxed:
        return "null"
    scheme, _, rest = page_url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def _token(case: Case, api: Api, engine: str) -> str:
    return f"{case.id}-{engine}-{api.adapter}-{uuid.uuid4().hex[:8]}"


def _spec(case: Case, call: Call, index: int, api: Api, token: str) -> dict[str, Any]:
    """What RUN_CALL_JS gets for one call. Calls share a URL only where a preflight-cache case needs it."""
    host = "127.0.0.1" if call.api == "ip" else "localhost"
    query = f"{TOKEN}={token}" + ("" if case.reuse_url else f"&n={index}")
    return {"url": f"http://{host}:{api.ports.api}{api_path(case, call)}?{query}", "method": call.method,
            "headers": list(call.headers), "body": call.body, "credentials": call.credentials, "via": call.via,
            "cache": call.cache}


def _console_since(tab: Tab, before: int, pattern: re.Pattern[str] | None) -> list[str] | None:
    """The console messages printed since *before*, waiting a little for the one that matches *pattern* (if any)."""
    deadline = time.monotonic() + CONSOLE_WAIT
    while True:
        messages = tab.console()
        if messages is None:
            return None
        fresh = messages[before:]
        if pattern is None or any(pattern.search(m) for m in fresh) or time.monotonic() > deadline:
            return fresh
        time.sleep(0.05)


def play_in(engine: Engine, case: Case, api: Api) -> CaseRun:
    """Run *case*'s calls (as *engine* is expected to make them) in a fresh tab of *engine* against *api*."""
    page_url = api.ports.fill(PAGES[case.page])
    sandboxed = case.page == "sandbox"
    token = _token(case, api, engine.name)
    recorder = api.recorder
    with engine.tab() as tab:
        tab.goto(page_url)
        runs: list[CallRun] = []
        for index, call in enumerate(case.calls_in(engine.name), 1):
            wire_before, hits_before = len(recorder.wire(token)), len(recorder.hits(token))
            # The console is read where the engine words refusals: a refused call's message must blame its culprit,
            # a call that worked must leave no refusal (R23).
            pattern = console_pattern(engine.name, call)
            watch = pattern is not None or engine.name in CONSOLE_MARK
            console_before = len(tab.console() or ()) if watch else 0
            seen = tab.call(_spec(case, call, index, api, token), in_frame=sandboxed)
            console = _console_since(tab, console_before, pattern) if watch else None
            runs.append(CallRun(call, api_path(case, call), seen, recorder.wire(token)[wire_before:],
                                recorder.hits(token)[hits_before:], console))
    return CaseRun(page_origin(page_url, sandboxed), runs, engine.name)

