"""Finding and driving Debian's Chromium through playwright (never playwright's own browser download)."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

#: Set to 1 in CI: a missing browser fails the suite instead of skipping it.
REQUIRE_ENV = "CORS_REQUIRE_BROWSER"
#: Overrides where Chromium is looked for.
PATH_ENV = "CHROMIUM_PATH"

LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> tuple[str | None, str]:
    """The Chromium executable, or None and why not."""
    wanted = os.environ.get(PATH_ENV)
    if wanted:
        return (wanted, "") if os.access(wanted, os.X_OK) else (None, f"{PATH_ENV}={wanted} is not an executable")
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate, ""
    return None, "no Chromium found (install Debian's package: apt-get install chromium, or set CHROMIUM_PATH)"


#: Chromium's console wording for each culprit of ``_cases.CULPRITS`` (``{name}``: the method or header).
#: The message starts "Access to fetch at ... has been blocked by CORS policy:" and goes on with one of these.
CONSOLE = {
    "origin": "No 'Access-Control-Allow-Origin' header is present on the requested resource",
    "credentials": "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true'",
    "star-with-credentials": "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*'",
    "method": "Method {name} is not allowed by Access-Control-Allow-Methods in preflight response",
    "header": "Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response",
}
#: What marks a console message as the browser's CORS verdict (other messages, e.g. net::ERR_FAILED, are ignored).
CONSOLE_MARK = "blocked by CORS policy"


def browser_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


# Runs in the page (or the sandboxed frame): one fetch() or XHR, reporting what the script could see.
RUN_CALL_JS = """
async (s) => {
  if (s.via === "xhr") {
    return await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open(s.method, s.url);
      x.withCredentials = s.credentials;
      for (const [k, v] of s.headers) x.setRequestHeader(k, v);
      x.onload = () => resolve({ok: true, status: x.status, body: x.responseText,
        headers: x.getAllResponseHeaders().split("\\r\\n").filter(Boolean).map((l) => l.split(":")[0].toLowerCase())});
      x.onerror = () => resolve({ok: false, error: "XMLHttpRequest network error"});
      x.send(s.body);
    });
  }
  try {
    const r = await fetch(s.url, {method: s.method, headers: s.headers, body: s.body,
      credentials: s.credentials ? "include" : "same-origin"});
    const body = await r.text();
    return {ok: true, status: r.status, body, headers: [...r.headers.keys()]};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
}
"""


async def run_call(target: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Evaluate one call in *target* (a playwright Page or Frame) and return the script's view."""
    result: dict[str, Any] = await target.evaluate(RUN_CALL_JS, spec)
    return result


T = TypeVar("T")


class Chromium:
    """One Chromium for the whole session, driven by playwright's async API on a private event-loop thread.

    Cases run concurrently (each in its own browser context) so that the page start-up cost of one
    case overlaps the network round trips of others.
    """

    def __init__(self, executable: str) -> None:
        from playwright.async_api import async_playwright

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="chromium-driver", daemon=True)
        self._thread.start()

        async def start() -> tuple[Any, Any]:
            driver = await async_playwright().start()
            try:
                return driver, await driver.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
            except BaseException:
                await driver.stop()
                raise

        try:
            self._driver, self.browser = self._submit(start())
        except BaseException:
            self._stop_loop()
            raise

    def _submit(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def run_all(self, jobs: Sequence[Callable[[Any], Coroutine[Any, Any, T]]], concurrency: int = 4,
                timeout: float = 300) -> list[T | BaseException]:
        """Run every ``job(browser)`` with at most *concurrency* at a time; a job's exception is its result."""

        async def all_jobs() -> list[T | BaseException]:
            gate = asyncio.Semaphore(concurrency)

            async def one(job: Callable[[Any], Coroutine[Any, Any, T]]) -> T:
                async with gate:
                    return await job(self.browser)

            return await asyncio.gather(*(one(job) for job in jobs), return_exceptions=True)

        return self._submit(all_jobs(), timeout)

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def close(self) -> None:
        async def stop() -> None:
            await self.browser.close()
            await self._driver.stop()

        try:
            self._submit(stop())
        finally:
            self._stop_loop()
