"""Example strings a regex admits, made from its parsed form: what the build-time checks try a pattern on.

For each alternative and each optional part, one short string is made (``https?://app\\.example\\.com``
gives ``http://app.example.com`` and ``https://app.example.com``); a character class contributes a
letter if it has one, else a digit, else its first character. Only strings the compiled pattern
really full-matches are returned, so a pattern the walk cannot follow (back-references,
look-arounds) just yields fewer examples.
"""

from __future__ import annotations

import re
from typing import Any

from .redos import _ASSERTS, _ATOMIC, _REPEATS, _SINGLE_OPS, _c, _parse, single_chars

#: At most this many examples per pattern (the walk keeps the first ones of each combination).
LIMIT = 32
_PREFERRED = "abcdefghijklmnopqrstuvwxyz0123456789-.:/_ABCDEFGHIJKLMNOPQRSTUVWXYZ~!$&'()*+,;=@%"


def _one_char(op: Any, av: Any, flags: int) -> str | None:
    mask = single_chars(op, av, flags)
    for ch in _PREFERRED:
        if mask >> ord(ch) & 1:
            return ch
    return None


def _combine(left: list[str], right: list[str]) -> list[str]:
    return list(dict.fromkeys(a + b for a in left for b in right))[:LIMIT]


def _examples(items: Any, flags: int) -> list[str]:
    out = [""]
    for op, av in items:
        if op is _c.AT or op in _ASSERTS:
            continue
        if op in _REPEATS:
            low, _high, body = av
            bodies = _examples(body, flags)
            options = ([""] if low == 0 else []) + [b * max(low, 1) for b in bodies]
        elif op is _c.SUBPATTERN:
            options = _examples(av[-1], flags)
        elif op is _ATOMIC:
            options = _examples(av, flags)
        elif op is _c.BRANCH:
            options = [e for branch in av[1] for e in _examples(branch, flags)]
        elif op in _SINGLE_OPS:
            ch = _one_char(op, av, flags)
            if ch is None:
                return []
            options = [ch]
        else:  # back-references, conditionals: not followed
            options = [""]
        out = _combine(out, options)
    return out


def examples(rx: re.Pattern[str]) -> list[str]:
    """Up to LIMIT different strings that *rx* full-matches (possibly none)."""
    parsed = _parse(rx.pattern, rx.flags)
    if parsed is None:
        return []
    return [s for s in _examples(parsed, rx.flags | parsed.state.flags) if rx.fullmatch(s)]
