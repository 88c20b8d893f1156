"""Refusing, when a policy is built, the regular expressions that can take exponential time (ReDoS).

Python's ``re`` backtracks. A repetition whose body can itself repeat (``(a+)+``, ``((a)+)+``) or
choose between alternatives (``(a|aa)*``) can try exponentially many ways to match before failing,
so one crafted request could hold a worker for minutes. Such patterns are refused at build time,
by walking the parsed pattern (nesting at any depth, with or without groups), not by a textual
heuristic. What remains is at most polynomial, and request values are bounded before any regex runs.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

_parser: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
_c: Any = importlib.import_module("re._constants" if sys.version_info >= (3, 11) else "sre_constants")

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_ASSERTS = {_c.ASSERT, _c.ASSERT_NOT}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)


def _walk(items: Any, in_repeat: bool) -> bool:
    for op, av in items:
        if op in _REPEATS:
            _low, high, body = av
            repeats = high > 1
            if repeats and in_repeat:
                return True
            if _walk(body, in_repeat or repeats):
                return True
        elif op is _c.BRANCH:
            if in_repeat and len(av[1]) > 1:
                return True
            if any(_walk(branch, in_repeat) for branch in av[1]):
                return True
        elif op is _c.SUBPATTERN:
            if _walk(av[-1], in_repeat):
                return True
        elif op in _ASSERTS:  # av = (direction, body)
            if _walk(av[1], in_repeat):
                return True
        elif op is _ATOMIC:
            if _walk(av, in_repeat):
                return True
        elif op is _c.GROUPREF_EXISTS:
            if any(branch is not None and _walk(branch, in_repeat) for branch in av[1:]):
                return True
    return False


def is_catastrophic(pattern: str, flags: int = 0) -> bool:
    """True if *pattern* nests a repetition, or an alternation, inside a repetition (at any depth)."""
    try:
        parsed = _parser.parse(pattern, flags)
    except Exception:  # not a pattern re accepts: the caller reports the compile error itself
        return False
    return _walk(parsed, False)
