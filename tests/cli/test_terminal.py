"""Colour on a terminal, none when piped: the command line decides from stdout itself."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ._support import ROOT, cli_env

pty = pytest.importorskip("pty")


def _run_on_a_tty(*args: str, env: dict[str, str] | None = None) -> str:
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "cors_core", *args], stdout=follower, stderr=subprocess.PIPE, env=cli_env(env), cwd=ROOT, timeout=30
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the other side is closed and drained
                break
            if not data:
                break
            chunks.append(data)
        assert proc.returncode in (0, 1), proc.stderr
        return b"".join(chunks).decode()
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)


def test_colour_on_a_terminal() -> None:
    out = _run_on_a_tty("explain", "--origin", "https://app.example.com")
    assert "\x1b[32mallowed\x1b[0m" in out


def test_no_colour_on_a_terminal_with_no_color_or_never() -> None:
    assert "\x1b[" not in _run_on_a_tty("explain", "--origin", "https://app.example.com", env={"NO_COLOR": "1"})
    assert "\x1b[" not in _run_on_a_tty("explain", "--origin", "https://app.example.com", "--color", "never")


def test_json_is_plain_on_a_terminal() -> None:
    out = _run_on_a_tty("check", "--env", "--json", env={"CORS_ORIGINS": "*"})
    assert "\x1b[" not in out and '"ok": true' in out
