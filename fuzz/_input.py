"""A tiny, deterministic byte format shared by the harnesses, the seed writer and the corpus replay tests.

libFuzzer mutates raw bytes; :class:`Reader` turns any byte string into structured choices and
strings without ever failing (running out of bytes reads zeros), and :class:`Writer` is its
inverse, so seed inputs can be written as readable Python instead of opaque files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

#: Selector values of :meth:`Reader.pick_or_text`: a listed value, or free text.
PICK, TEXT = 0, 1


class Reader:
    """Consume *data* front to back; never raises, whatever the bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def byte(self) -> int:
        """The next byte, or 0 once the input is used up."""
        if self._pos >= len(self._data):
            return 0
        value = self._data[self._pos]
        self._pos += 1
        return value

    def flag(self) -> bool:
        return self.byte() & 1 == 1

    def choice(self, options: Sequence[T]) -> T:
        return options[self.byte() % len(options)]

    def text(self) -> str:
        """A length-prefixed string: 1 mode byte (even: latin-1, odd: UTF-8), 1-3 length bytes, the bytes."""
        mode = self.byte()
        length = self.byte()
        if length == 255:  # long form: two more bytes, big-endian, times 16 (up to ~1 MiB)
            length = ((self.byte() << 8) | self.byte()) * 16
        chunk = self._data[self._pos : self._pos + length]
        self._pos += len(chunk)
        if length > len(chunk) and chunk:  # a long form past the end repeats what is there
            chunk = (chunk * (length // len(chunk) + 1))[:length]
        return chunk.decode("utf-8", "replace") if mode & 1 else chunk.decode("latin-1")

    def pick_or_text(self, options: Sequence[str]) -> str:
        """Mostly one of *options*; sometimes free text, so the fuzzer can explore beyond the list."""
        if self.byte() % 4 == 3:
            return self.text()
        return self.choice(options)


class Writer:
    """Build inputs that a :class:`Reader` reads back as the given structure."""

    def __init__(self) -> None:
        self._out = bytearray()

    def byte(self, value: int) -> Writer:
        self._out.append(value & 0xFF)
        return self

    def flag(self, value: bool) -> Writer:
        return self.byte(int(value))

    def choice(self, options: Sequence[T], value: T) -> Writer:
        return self.byte(options.index(value))

    def text(self, value: str) -> Writer:
        try:
            raw, mode = value.encode("latin-1"), 0
        except UnicodeEncodeError:
            raw, mode = value.encode("utf-8"), 1
        self.byte(mode)
        if len(raw) < 255:
            self.byte(len(raw))
        else:
            if len(raw) % 16:
                raise ValueError("long strings must have a length divisible by 16")
            units = len(raw) // 16
            self.byte(255).byte(units >> 8).byte(units)
        self._out += raw
        return self

    def pick_or_text(self, options: Sequence[str], value: str) -> Writer:
        if value in options:
            return self.byte(PICK).choice(options, value)
        return self.byte(3).text(value)

    def getvalue(self) -> bytes:
        return bytes(self._out)
