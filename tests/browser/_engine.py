"""The one interface every browser driver offers the cases, and the pieces the drivers share.

A driver (``_chromium``, ``_firefox``, ``_webkit``) launches its browser once per test session and
hands out :class:`Tab` objects: a fresh, isolated place to load a page, run one call's script and read
what the script saw and what the engine printed to its console.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import AbstractContextManager
from typing import Any, Protocol

__all__ = ["ENGINES", "REQUIRE_ENV", "Engine", "EngineMissing", "Tab", "browser_required"]

#: Set to 1 in CI: a missing browser fails the suite instead of skipping it.
REQUIRE_ENV = "CORS_REQUIRE_BROWSER"


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
      x.onerror = () => resolve({ok: false, error: "XMLHttpRequest network error", type: "error event"});
      x.send(s.body);
    });
  }
  try {
    const r = await fetch(s.url, {method: s.method, headers: s.headers, body: s.body,
      credentials: s.credentials ? "include" : "same-origin", cache: s.cache || "default"});
    const body = await r.text();
    return {ok: true, status: r.status, body, headers: [...r.headers.keys()]};
  } catch (e) {
    return {ok: false, error: String(e), type: e.name};
  }
}
"""


#: The engines the suite knows, in test-id order.
ENGINES = ("chromium", "firefox", "webkit")

#: RUN_CALL_JS wrapped for WebDriver-style ``execute_async_script`` (the last argument is the callback).
WEBDRIVER_CALL_JS = (
    "const done = arguments[arguments.length - 1];\n"
    f"({RUN_CALL_JS.strip()})(arguments[0]).then(done, (e) => done({{ok: false, error: String(e), type: 'driver'}}));"
)


class EngineMissing(Exception):
    """The engine (or something it needs) is not installed or did not start; the message says what to do."""


class Tab(Protocol):
    """One isolated browsing place for one case: a page, its script's calls, the engine's console."""

    def goto(self, url: str) -> None:
        """Load *url* as the top-level page."""

    def call(self, spec: dict[str, Any], in_frame: bool) -> dict[str, Any]:
        """Run RUN_CALL_JS with *spec* in the page (or its first, sandboxed, frame); the script's view."""

    def console(self) -> list[str] | None:
        """The console messages the engine printed since :meth:`goto`, or None where it exposes none."""


class Engine(Protocol):
    """One launched browser, reused for the whole test session."""

    name: str
    version: str
    #: how many tabs may run at once (the drivers of Firefox and WebKit are one session each)
    concurrency: int

    def tab(self) -> AbstractContextManager[Tab]:
        """A fresh, isolated tab: no cookies, no console messages, no page state from other cases."""

    def close(self) -> None:
        """Stop the browser and everything it started."""


def executable(env: str, *candidates: str) -> str:
    """The first executable among ``$env`` and *candidates* (names on PATH or absolute paths)."""
    wanted = os.environ.get(env)
    if wanted:
        if os.access(wanted, os.X_OK):
            return wanted
        raise EngineMissing(f"{env}={wanted} is not an executable")
    for candidate in candidates:
        found = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if found and os.access(found, os.X_OK):
            return found
    raise EngineMissing(f"none of {', '.join(candidates)} found (set {env})")


def version_of(argv: list[str]) -> str:
    """The last line a ``--version`` command prints ('' if it fails; Debian's chromium wrapper may warn first)."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.strip().splitlines()[-1] if out.strip() else ""


class ClosedPort:
    """A loopback port that is bound but never listens: a proxy there refuses every connection at once.

    The browsers send every non-loopback request to it, so no test can reach the network.
    """

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]

    def pac(self) -> str:
        """A PAC script as a data: URL: loopback names direct, everything else to the closed port."""
        script = (
            "function FindProxyForURL(url, host) {"
            " if (host == 'localhost' || host == '127.0.0.1' || host == '[::1]' || host == '::1'"
            " || dnsDomainIs(host, '.localhost')) return 'DIRECT';"
            f" return 'PROXY 127.0.0.1:{self.port}'; }}"
        )
        return "data:application/x-ns-proxy-autoconfig," + script

    def close(self) -> None:
        self._socket.close()


def free_port() -> int:
    """A loopback port that was free a moment ago (for a driver that must be told its port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Xvfb:
    """A private X display (Xvfb picks a free display number itself with ``-displayfd``), killed by close()."""

    def __init__(self) -> None:
        binary = executable("XVFB_PATH", "Xvfb")
        read, write = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [binary, "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "1280x800x24"],
                pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        finally:
            os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()  # Xvfb writes the number once the display accepts clients
        if not number.isdigit():
            self.close()
            raise EngineMissing(f"{binary} did not start a display")
        self.display = f":{number}"

    def close(self) -> None:
        stop(self._proc)


def temp_dir(prefix: str) -> str:
    return tempfile.mkdtemp(prefix=f"cors-browser-{prefix}-")


def user_js(prefs: dict[str, Any]) -> str:
    """A Firefox ``user.js`` that sets *prefs*."""
    return "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())


def stop(proc: subprocess.Popen[Any] | None) -> None:
    """Terminate *proc* (and wait), killing it if it does not go."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(15)
