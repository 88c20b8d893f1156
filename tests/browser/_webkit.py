"""WebKit (WebKitGTK's MiniBrowser) behind the suite's engine interface, driven by selenium and WebKitWebDriver.

MiniBrowser has no headless mode, so the engine starts its own Xvfb on a free display. selenium is told
every path and ``SE_OFFLINE=true``, so it never tries to download a driver. One session serves the whole
test session; each case gets a new tab and the cookies of its page's site are deleted. WebKit's
automation exposes no console messages, so :meth:`_WebKitTab.console` says None.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from ._engine import WEBDRIVER_CALL_JS, ClosedPort, EngineMissing, Xvfb, executable

#: Override where WebKitWebDriver and MiniBrowser are looked for.
DRIVER_ENV = "WEBKIT_DRIVER_PATH"
BROWSER_ENV = "WEBKIT_BROWSER_PATH"

_SESSION_TIMEOUT = 60  # creating a session without a usable display hangs instead of failing


def _minibrowser() -> str:
    found = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser") + glob.glob("/usr/lib/*/webkit2gtk-4.0/MiniBrowser"))
    return executable(BROWSER_ENV, *found) if found or os.environ.get(BROWSER_ENV) else executable(BROWSER_ENV, "MiniBrowser")


class _WebKitTab:
    def __init__(self, driver: Any) -> None:
        self._driver = driver

    def goto(self, url: str) -> None:
        self._driver.get(url)
        self._driver.delete_all_cookies()  # the page's site: where the same-site API's cookies live

    def call(self, spec: dict[str, Any], in_frame: bool) -> dict[str, Any]:
        driver = self._driver
        if in_frame:
            driver.switch_to.frame(0)
        try:
            result: dict[str, Any] = driver.execute_async_script(WEBDRIVER_CALL_JS, spec)
        finally:
            if in_frame:
                driver.switch_to.default_content()
        return result

    def console(self) -> list[str] | None:
        return None  # WebKit's WebDriver has no log endpoint and MiniBrowser prints no console messages


class WebKitEngine:
    """One MiniBrowser automation session under a private Xvfb, loopback only."""

    name = "webkit"
    concurrency = 1

    def __init__(self) -> None:
        driver_path = executable(DRIVER_ENV, "WebKitWebDriver", "/usr/bin/WebKitWebDriver")
        browser_path = _minibrowser()
        os.environ["SE_OFFLINE"] = "true"  # selenium-manager must never fetch anything
        try:
            from selenium import webdriver
            from selenium.webdriver.common.proxy import Proxy
            from selenium.webdriver.webkitgtk.options import Options
            from selenium.webdriver.webkitgtk.service import Service
        except ImportError as exc:
            raise EngineMissing("the selenium package is not installed (pip install selenium)") from exc
        self._closed = ClosedPort()
        self._xvfb = Xvfb()
        options = Options()
        options.binary_location = browser_path
        options.add_argument("--automation")
        closed = f"127.0.0.1:{self._closed.port}"
        options.proxy = Proxy({"proxyType": "manual", "httpProxy": closed, "sslProxy": closed,
                               "noProxy": ["localhost", "127.0.0.1", "[::1]", ".localhost"]})
        service = Service(executable_path=driver_path, env={**os.environ, "DISPLAY": self._xvfb.display})
        pool = ThreadPoolExecutor(1)
        future = pool.submit(webdriver.WebKitGTK, options=options, service=service)
        try:
            self._driver = future.result(_SESSION_TIMEOUT)
        except Exception as exc:
            service.stop()  # a hung session start leaves the driver (and MiniBrowser) behind
            self._xvfb.close()
            self._closed.close()
            raise EngineMissing(f"WebKitWebDriver at {driver_path} gave no session with {browser_path}: {exc!r}") from exc
        finally:
            pool.shutdown(wait=False)
        self._driver.set_script_timeout(30)
        self._driver.set_page_load_timeout(30)
        self._main = self._driver.current_window_handle
        self.version = f"WebKitGTK {self._driver.capabilities.get('browserVersion', '?')}"

    @contextmanager
    def tab(self) -> Iterator[_WebKitTab]:
        driver = self._driver
        driver.switch_to.new_window("tab")
        try:
            yield _WebKitTab(driver)
        finally:
            driver.close()
            driver.switch_to.window(self._main)

    def close(self) -> None:
        try:
            self._driver.quit()
        finally:
            self._xvfb.close()
            self._closed.close()
