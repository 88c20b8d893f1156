"""Finding and driving Debian's Chromium through playwright (never playwright's own browser download)."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from ._engine import REQUIRE_ENV, RUN_CALL_JS, ClosedPort, EngineMissing, browser_required, version_of

__all__ = ["PATH_ENV", "REQUIRE_ENV", "Chromium", "ChromiumEngine", "browser_required", "find_chromium", "run_call"]

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

    def __init__(self, executable: str, args: Sequence[str] = LAUNCH_ARGS) -> None:
        from playwright.async_api import async_playwright

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="chromium-driver", daemon=True)
        self._thread.start()

        async def start() -> tuple[Any, Any]:
            driver = await async_playwright().start()
            try:
                return driver, await driver.chromium.launch(executable_path=executable, args=list(args))
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


class _ChromiumTab:
    """A fresh browser context with one page (contexts share no cookies, cache or preflight cache)."""

    def __init__(self, chromium: Chromium, page: Any, messages: list[str]) -> None:
        self._chromium, self._page, self._messages = chromium, page, messages

    # playwright's coroutines must be created on its loop's thread: each method wraps its calls in one.

    def goto(self, url: str) -> None:
        async def goto() -> None:
            await self._page.goto(url)

        self._chromium._submit(goto())

    def call(self, spec: dict[str, Any], in_frame: bool) -> dict[str, Any]:
        async def call() -> dict[str, Any]:
            target = self._page.main_frame.child_frames[0] if in_frame else self._page
            return await run_call(target, spec)

        return self._chromium._submit(call())

    def console(self) -> list[str] | None:
        return list(self._messages)


class ChromiumEngine:
    """Debian's Chromium behind the suite's engine interface; every non-loopback request goes to a closed port."""

    name = "chromium"
    concurrency = 4  # contexts run side by side, so one case's page start-up overlaps another's round trips

    def __init__(self) -> None:
        executable, why = find_chromium()
        if executable is None:
            raise EngineMissing(why)
        try:
            import playwright.async_api  # noqa: F401
        except ImportError as exc:
            raise EngineMissing("the playwright package is not installed (pip install playwright; "
                                "do not run 'playwright install')") from exc
        self.version = version_of([executable, "--version"])
        # Chromium never sends localhost, *.localhost or loopback addresses to a proxy.
        self._closed = ClosedPort()
        try:
            self.chromium = Chromium(executable, (*LAUNCH_ARGS, f"--proxy-server=http://127.0.0.1:{self._closed.port}"))
        except Exception as exc:
            self._closed.close()
            raise EngineMissing(f"Chromium at {executable} did not start: {exc}") from exc

    @contextmanager
    def tab(self) -> Iterator[_ChromiumTab]:
        messages: list[str] = []

        async def open_page() -> tuple[Any, Any]:
            context = await self.chromium.browser.new_context()
            page = await context.new_page()
            page.set_default_timeout(15_000)
            page.on("console", lambda message: messages.append(message.text))
            return context, page

        async def close(context: Any) -> None:
            await context.close()

        context, page = self.chromium._submit(open_page())
        try:
            yield _ChromiumTab(self.chromium, page, messages)
        finally:
            self.chromium._submit(close(context))

    def close(self) -> None:
        try:
            self.chromium.close()
        finally:
            self._closed.close()
