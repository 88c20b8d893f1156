"""Running the real command line, and small WSGI servers on loopback for probe to judge."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, ClassVar
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: TOML policy files need tomllib (3.11+) or tomli.
needs_toml = pytest.mark.skipif(
    sys.version_info < (3, 11) and importlib.util.find_spec("tomli") is None, reason="reading TOML on Python 3.10 needs tomli"
)
WSGIApp = Callable[..., Iterable[bytes]]


def cli_env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORS_") and k not in ("FORCE_COLOR", "NO_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "adapters"), env.get("PYTHONPATH", "")])
    env.update(extra or {})
    return env


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 30, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m cors_core ARGS`` in a fresh interpreter, stdout piped (so never a TTY)."""
    return subprocess.run(
        [sys.executable, "-m", "cors_core", *args], capture_output=True, text=True, env=cli_env(env), timeout=timeout, cwd=cwd
    )


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@contextmanager
def serve(app: WSGIApp) -> Iterator[str]:
    """Serve *app* on 127.0.0.1 (a free port) in a thread; yields the base URL without a trailing slash."""
    server = make_server("127.0.0.1", 0, app, server_class=_Threading, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def middleware() -> Any:
    """cors_wsgi.CORSMiddleware, or skip when the adapter is not there yet."""
    import cors_wsgi

    found = getattr(cors_wsgi, "CORSMiddleware", None)
    if found is None:
        pytest.skip("cors_wsgi.CORSMiddleware is not available")
    return found


class Demo:
    """``python -m cors_core demo`` running as a subprocess, with the URLs it printed.

    It runs in a session (process group) of its own, which :meth:`kill` ends whatever state the test
    left it in; every Demo still alive after a test is killed by the autouse fixture in conftest.py.
    ``sigint_ignored=True`` starts it as a shell starts a background job (SIGINT inherited ignored).
    """

    alive: ClassVar[list[Demo]] = []

    def __init__(self, *args: str, marker: str = "Press Ctrl-C", sigint_ignored: bool = False, python_flags: tuple[str, ...] = ()) -> None:
        command = [sys.executable, *python_flags, "-m", "cors_core", "demo", "--no-browser", "--port", "0", "--api-port", "0", *args]
        if sigint_ignored:
            command = ["/bin/sh", "-c", 'trap "" INT; exec "$@"', "sh", *command]
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(None), cwd=ROOT, start_new_session=True
        )
        Demo.alive.append(self)
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.banner = self._wait_for(marker, 20)
        except BaseException:
            self.kill()
            raise
        page = re.search(r"page\W+(http://[^/\s\"]+)/", self.banner)
        api = re.search(r"(?:API|api)\W+(http://[^/\s\"]+)/", self.banner)
        assert page and api, self.banner
        self.page, self.api = page.group(1), api.group(1)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.append(line)

    def output(self) -> str:
        return "".join(self._lines)

    def _wait_for(self, marker: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while marker not in self.output():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                time.sleep(0.2)
                err = self.proc.stderr.read() if self.proc.stderr and self.proc.poll() is not None else ""
                raise AssertionError(f"demo did not print {marker!r}: {self.output()!r} {err!r}")
            time.sleep(0.05)
        return self.output()

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        """Send *sig*; returns the exit status and everything printed on stdout. The process group is killed in any case."""
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(sig)
            code = self.proc.wait(timeout=15)
            self._reader.join(timeout=5)
            return code, self.output()
        finally:
            self.kill()

    def kill(self) -> None:
        """End the demo's whole process group (SIGKILL) if anything of it is left, and close the pipes."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        if self in Demo.alive:
            Demo.alive.remove(self)
