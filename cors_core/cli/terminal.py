"""Terminal output for the command line: colour only on a TTY (or when asked), never when piped."""

from __future__ import annotations

import os
from typing import TextIO

_CODES = {"ok": "32", "bad": "31", "warn": "33", "dim": "2", "bold": "1", "head": "1;36"}


def colour_wanted(stream: TextIO, choice: str = "auto") -> bool:
    """Whether to colour *stream*: ``always``/``never``, or for ``auto`` a TTY unless NO_COLOR is set.

    FORCE_COLOR turns colour on in ``auto`` mode (https://no-color.org, https://force-color.org).
    """
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


#: How much of one value from the outside (a server's header, a request's path) is printed.
SHOWN_LIMIT = 300


def _escaped(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(text: str, limit: int = SHOWN_LIMIT) -> str:
    """*text* made safe to print: anything but printable ASCII escaped (no terminal control sequence, no
    bidi override, no line break from a probed server or a request can reach the terminal), cut after *limit* characters."""
    head = text[:limit]
    out = "".join(c if " " <= c <= "~" else _escaped(ord(c)) for c in head)
    return out + (f"...({len(text)} characters in all)" if len(text) > limit else "")


class Style:
    """Wraps text in ANSI colour codes when enabled, and returns it unchanged otherwise."""

    __slots__ = ("enabled",)

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _paint(self, kind: str, text: str) -> str:
        return f"\x1b[{_CODES[kind]}m{text}\x1b[0m" if self.enabled else text

    def ok(self, text: str) -> str:
        return self._paint("ok", text)

    def bad(self, text: str) -> str:
        return self._paint("bad", text)

    def warn(self, text: str) -> str:
        return self._paint("warn", text)

    def dim(self, text: str) -> str:
        return self._paint("dim", text)

    def bold(self, text: str) -> str:
        return self._paint("bold", text)

    def head(self, text: str) -> str:
        return self._paint("head", text)
