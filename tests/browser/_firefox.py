"""Firefox (Debian's firefox-esr) behind the suite's engine interface, driven over its Marionette protocol.

There is no geckodriver package to install, so the browser is started with ``--marionette`` on a port
set in a fresh profile's ``user.js`` and driven with the ``marionette-driver`` package. One Firefox
serves the whole session; each case gets a new tab, and cookies and console messages are cleared
before it (through the privileged "chrome" context, hence ``-remote-allow-system-access``).
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._engine import WEBDRIVER_CALL_JS, ClosedPort, EngineMissing, executable, free_port, stop, temp_dir, user_js
from ._servers import Server

#: Overrides where Firefox is looked for.
PATH_ENV = "FIREFOX_PATH"

#: Profile preferences: a quiet browser (no updates, telemetry, remote settings, HTTPS upgrades) that
#: reaches loopback only. ``remote.prefs.recommended`` (on by default) adds Marionette's own set.
_PREFS: dict[str, Any] = {
    "network.proxy.type": 2,  # PAC, filled in per run
    "network.proxy.allow_hijacking_localhost": False,
    "network.proxy.failover_direct": False,
    "dom.security.https_first": False,
    "dom.security.https_first_schemeless": False,
    "dom.security.https_only_mode": False,
    "app.update.disabledForTesting": True,
    "app.update.auto": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.newtabpage.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "services.settings.server": "data:,#remote-settings-off",
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.http.speculative-parallel-limit": 0,
    "geo.provider.network.url": "",
    "browser.region.network.url": "",
}

# Runs in the chrome (privileged) context.
_RESET_JS = "Services.cookies.removeAll(); Services.console.reset();"
_CONSOLE_JS = """
return Services.console.getMessageArray()
  .filter((m) => m instanceof Ci.nsIScriptError)
  .map((m) => m.errorMessage);
"""


def _warm_up_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """A page at ``/`` and a preflighted ``PUT /warm`` that may be cached for 600 s."""
    origin = environ.get("HTTP_ORIGIN", "")
    if environ.get("PATH_INFO") != "/warm":
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<!doctype html><title>warm-up</title>"]
    headers = [("Access-Control-Allow-Origin", origin), ("Content-Type", "text/plain")]
    if environ["REQUEST_METHOD"] == "OPTIONS":
        headers += [("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "600"), ("Content-Length", "0")]
        start_response("200 OK", headers)
        return [b""]
    start_response("200 OK", headers)
    return [b"warm"]


class _FirefoxTab:
    def __init__(self, client: Any) -> None:
        self._client = client

    def goto(self, url: str) -> None:
        self._client.navigate(url)

    def call(self, spec: dict[str, Any], in_frame: bool) -> dict[str, Any]:
        client = self._client
        if in_frame:
            client.switch_to_frame(0)
        try:
            result: dict[str, Any] = client.execute_async_script(WEBDRIVER_CALL_JS, script_args=[spec], sandbox=None)
        finally:
            if in_frame:
                client.switch_to_frame()
        return result

    def console(self) -> list[str] | None:
        with self._client.using_context(self._client.CONTEXT_CHROME):
            return list(self._client.execute_script(_CONSOLE_JS))


class FirefoxEngine:
    """One headless Firefox for the session, loopback only, with a warmed-up preflight cache."""

    name = "firefox"
    concurrency = 1  # one Marionette session drives one window at a time

    def __init__(self) -> None:
        binary = executable(PATH_ENV, "firefox-esr", "firefox")
        try:
            with warnings.catch_warnings():  # its mozrunner dependency imports modules Python deprecated
                warnings.simplefilter("ignore", DeprecationWarning)
                from marionette_driver.marionette import Marionette
        except ImportError as exc:
            raise EngineMissing("the marionette-driver package is not installed (pip install marionette-driver)") from exc
        self._closed = ClosedPort()
        self._profile = temp_dir("firefox")
        port = free_port()
        prefs = {**_PREFS, "marionette.port": port, "network.proxy.autoconfig_url": self._closed.pac()}
        Path(self._profile, "user.js").write_text(user_js(prefs), encoding="utf-8")
        self._log = open(Path(self._profile, "firefox.log"), "wb")
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [binary, "--marionette", "--headless", "--no-remote", "-remote-allow-system-access", "--profile", self._profile],
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        try:
            self._client = Marionette(host="127.0.0.1", port=port)
            self._client.start_session(timeout=90)
            self._client.timeout.script = 30
            self._client.timeout.page_load = 30
            self.version = f"Firefox {self._client.session_capabilities.get('browserVersion', '?')}"
            self._main = self._client.current_window_handle
            self._warm_up()
        except Exception as exc:
            self.close()
            raise EngineMissing(f"Firefox at {binary} did not start under Marionette: {exc}") from exc

    def _warm_up(self) -> None:
        """A fresh profile misses its first preflight-cache hit: make a few cached preflights first."""
        server = Server(_warm_up_app)
        try:
            with self.tab() as tab:
                tab.goto(f"http://localhost:{server.port}/")
                for _ in range(3):
                    tab.call({"url": f"http://127.0.0.1:{server.port}/warm", "method": "PUT", "headers": [], "body": "x",
                              "credentials": False, "via": "fetch"}, in_frame=False)
        finally:
            server.close()

    @contextmanager
    def tab(self) -> Iterator[_FirefoxTab]:
        client = self._client
        with client.using_context(client.CONTEXT_CHROME):
            client.execute_script(_RESET_JS)
        handle = client.open(type="tab", focus=True)["handle"]
        client.switch_to_window(handle)
        try:
            yield _FirefoxTab(client)
        finally:
            client.close()
            client.switch_to_window(self._main)

    def close(self) -> None:
        client = getattr(self, "_client", None)
        try:
            if client is not None and client.session is not None:
                client.delete_session(send_request=True)
        except Exception:  # the browser may already be gone; stopping it below is what matters
            pass
        stop(self._proc)
        self._proc = None
        self._log.close()
        self._closed.close()
        shutil.rmtree(self._profile, ignore_errors=True)
