"""Playing one case in Chromium: a fresh browser context, the page, the calls in order, and what each left
on the server (wire exchanges and view hits), for the test to judge afterwards."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from ._apps import Api
from ._cases import PAGES, Call, Case
from ._chromium import CONSOLE_MARK, run_call
from ._servers import TOKEN, Exchange


@dataclass(frozen=True)
class CallRun:
    """One call as it happened: the script's view, the exchanges on the wire, the views that ran."""

    call: Call
    path: str
    seen: dict[str, Any]
    wire: list[Exchange]
    hits: list[tuple[str, str]]
    console: tuple[str, ...] = ()  # the page's console messages while the call ran

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


def api_path(case: Case, call: Call) -> str:
    """``/p/<policy>/<route>``, or ``/raw/<route>`` for the hand-written probe."""
    return f"/raw/{call.route}" if case.policy == "raw" else f"/p/{case.policy}/{call.route}"


def page_origin(page_url: str, sandboxed: bool) -> str:
    """The serialised origin of the page (an opaque origin serialises as 'null')."""
    if sandboxed:
        return "null"
    scheme, _, rest = page_url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


async def play(browser: Any, case: Case, api: Api) -> CaseRun:
    """Run *case*'s calls in a fresh context of *browser* against *api*."""
    page_url = api.ports.fill(PAGES[case.page])
    sandboxed = case.page == "sandbox"
    token = f"{case.id}-{api.adapter}-{uuid.uuid4().hex[:8]}"
    recorder = api.recorder
    context = await browser.new_context()
    try:
        page = await context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.set_default_timeout(15_000)
        await page.goto(page_url)
        target = page.main_frame.child_frames[0] if sandboxed else page
        runs: list[CallRun] = []
        for index, call in enumerate(case.calls, 1):
            path = api_path(case, call)
            host = "127.0.0.1" if call.api == "ip" else "localhost"
            # Calls share a URL only where a preflight-cache case needs it (the cache is keyed by URL).
            query = f"{TOKEN}={token}" + ("" if case.reuse_url else f"&n={index}")
            wire_before, hits_before, console_before = len(recorder.wire(token)), len(recorder.hits(token)), len(console)
            seen = await run_call(target, {
                "url": f"http://{host}:{api.ports.api}{path}?{query}", "method": call.method, "headers": list(call.headers),
                "body": call.body, "credentials": call.credentials, "via": call.via,
            })
            if not seen["ok"]:
                await _console_settled(console, console_before)
            runs.append(CallRun(call, path, seen, recorder.wire(token)[wire_before:], recorder.hits(token)[hits_before:],
                                tuple(console[console_before:])))
        return CaseRun(page_origin(page_url, sandboxed), runs)
    finally:
        await context.close()


async def _console_settled(console: list[str], before: int, wait: float = 5.0) -> None:
    """Wait (a little, at most *wait* s) for the CORS message of a failed call: it may arrive after the script's error."""
    for _ in range(int(wait / 0.05)):
        if any(CONSOLE_MARK in text for text in console[before:]):
            return
        await asyncio.sleep(0.05)
