r"""Refusing, when a policy is built, the regular expressions that can backtrack for too long (ReDoS).

Python's ``re`` backtracks. Two shapes make it slow on a crafted input, and both are found by
walking the parsed pattern (nesting at any depth, with or without groups), not by a textual heuristic:

- **exponential**: a repetition whose body can itself repeat, be left out, or choose between
  alternatives (``(a+)+``, ``(a|aa)*``, ``(?:[a-z]?[a-z]?)+``, ``(?:x?){24}``): it can try
  exponentially many ways to match before failing. Always refused, unless each round of the outer
  repetition is pinned by a character only it takes at its start or end (``([a-z0-9-]+\.)+``).
- **polynomial**: unbounded repetitions in a row that can take the same characters, with nothing
  between them that could not take one of those too (``[^?]*/[^?]*/[^?]*/x`` is O(n³)). Three or more
  are refused (``MAX_POLYNOMIAL_DEGREE``); the quadratic ones that remain run only on bounded input
  (an Origin of at most 1024 characters, a path of at most ``MAX_REGEX_PATH_LENGTH``).
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

_parser: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
_c: Any = importlib.import_module("re._constants" if sys.version_info >= (3, 11) else "sre_constants")

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_ASSERTS = {_c.ASSERT, _c.ASSERT_NOT}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
_SINGLE_OPS = {_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN}

#: The most unbounded repetitions in a row, able to take the same characters, that a pattern may have.
MAX_POLYNOMIAL_DEGREE = 2
#: A repetition whose number of rounds can vary by more than this counts as unbounded for the polynomial check.
_UNBOUNDED = 3


def _walk(items: Any, in_repeat: bool, flags: int) -> bool:
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            repeats = high > 1
            if in_repeat and (repeats or low != high):  # a body that can repeat or be left out: ambiguous
                return True
            if repeats and _delimited(body, flags):  # ([a-z0-9-]+\.)+: each round ends at its own '.'
                continue
            if _walk(body, in_repeat or repeats, flags):
                return True
        elif op is _c.BRANCH:
            if in_repeat and len(av[1]) > 1:
                return True
            if any(_walk(branch, in_repeat, flags) for branch in av[1]):
                return True
        elif op is _c.SUBPATTERN:
            if _walk(av[-1], in_repeat, flags):
                return True
        elif op in _ASSERTS:  # av = (direction, body)
            if _walk(av[1], in_repeat, flags):
                return True
        elif op is _ATOMIC:
            if _walk(av, in_repeat, flags):
                return True
        elif op is _c.GROUPREF_EXISTS:
            if any(branch is not None and _walk(branch, in_repeat, flags) for branch in av[1:]):
                return True
    return False


def _opened(items: Any) -> list[Any]:
    """*items* with the groups that neither repeat nor capture anything special opened up: a flat sequence."""
    out: list[Any] = []
    for op, av in items:
        if op is _c.SUBPATTERN:
            out += _opened(av[-1])
        elif op in _REPEATS and av[0] == av[1] == 1:
            out += _opened(av[2])
        else:
            out.append((op, av))
    return out


def _delimited(body: Any, flags: int) -> bool:
    r"""True if a repeated *body* matches each string in one way only, and its rounds cannot trade characters.

    That holds when the body is single characters and at most one repetition of a single character
    (so one split per round), and its first or last item is a single character that nothing else in
    the body can match (so every round starts or ends at a character only it takes): ``([a-z0-9-]+\.)+``
    backtracks linearly, unlike ``([a-z.]+\.)+`` or ``(a+)+``.
    """
    items = _opened(body)
    if len(items) < 2:
        return False
    varying = 0
    for op, av in items:
        if op in _REPEATS:
            inner = _opened(av[2])
            if len(inner) != 1 or inner[0][0] not in _SINGLE_OPS:
                return False
            varying += av[0] != av[1]
        elif op not in _SINGLE_OPS:
            return False
    if varying > 1:
        return False
    for edge, rest in ((items[-1], items[:-1]), (items[0], items[1:])):
        if edge[0] in _SINGLE_OPS and not single_chars(edge[0], edge[1], flags) & _chars(rest, flags):
            return True
    return False


# Character sets as bit masks: bit c for ASCII code c, bit 128 for "any non-ASCII character".
_ALL = (1 << 129) - 1
_NON_ASCII = 1 << 128


def _mask(chars: str) -> int:
    out = 0
    for ch in chars:
        out |= 1 << ord(ch) if ord(ch) < 128 else _NON_ASCII
    return out


_DIGIT = _mask("0123456789")
_WORD = _mask("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") | _NON_ASCII
_SPACE = _mask(" \t\n\r\f\v") | _NON_ASCII
_CATEGORIES = {
    "CATEGORY_DIGIT": _DIGIT,
    "CATEGORY_NOT_DIGIT": _ALL & ~_DIGIT,
    "CATEGORY_WORD": _WORD,
    "CATEGORY_NOT_WORD": (_ALL & ~_WORD) | _NON_ASCII,
    "CATEGORY_SPACE": _SPACE,
    "CATEGORY_NOT_SPACE": _ALL,
}


def _code(c: int, ignore_case: bool) -> int:
    out = 1 << c if c < 128 else _NON_ASCII
    if ignore_case and c < 128:
        out |= _mask(chr(c).swapcase())
    return out


def single_chars(op: Any, av: Any, flags: int) -> int:
    """What one single-character item can match."""
    ic = bool(flags & re.IGNORECASE)
    if op is _c.LITERAL:
        return _code(av, ic)
    if op is _c.NOT_LITERAL:
        return _ALL & ~(1 << av) if av < 128 else _ALL
    if op is _c.ANY:
        return _ALL if flags & re.DOTALL else _ALL & ~_mask("\n")
    if op is _c.IN:
        out, negate = 0, False
        for iop, iav in av:
            if iop is _c.NEGATE:
                negate = True
            elif iop is _c.LITERAL:
                out |= _code(iav, ic)
            elif iop is _c.RANGE:
                lo, hi = iav
                for c in range(lo, min(hi, 127) + 1):
                    out |= _code(c, ic)
                if hi >= 128:
                    out |= _NON_ASCII
            elif iop is _c.CATEGORY:
                out |= _CATEGORIES.get(str(iav), _ALL)
            else:
                out = _ALL
        return (_ALL & ~out) | _NON_ASCII if negate else out
    return _ALL


class _Atom:
    """One item of a sequence, for the polynomial check: what it can match, its own degree (0: bounded), may it be empty."""

    __slots__ = ("chars", "degree", "optional")

    def __init__(self, chars: int, degree: int, optional: bool) -> None:
        self.chars = chars
        self.degree = degree
        self.optional = optional


def _chars(items: Any, flags: int) -> int:
    """Every character *items* can match."""
    out = 0
    for op, av in items:
        if op in _REPEATS:
            out |= _chars(av[2], flags)
        elif op is _c.SUBPATTERN:
            out |= _chars(av[-1], flags)
        elif op is _c.BRANCH:
            for branch in av[1]:
                out |= _chars(branch, flags)
        elif op is _ATOMIC:
            out |= _chars(av, flags)
        elif op is _c.AT or op in _ASSERTS:
            continue  # zero width
        else:
            out |= single_chars(op, av, flags)
    return out


def _atoms(items: Any, flags: int) -> list[_Atom]:
    """*items* as a flat sequence of atoms (groups that do not repeat are opened up)."""
    out: list[_Atom] = []
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if high == low == 1:
                out += _atoms(body, flags)
            else:
                inner = _degree(body, flags)
                out.append(_Atom(_chars(body, flags), max(inner, 1 if high - low > _UNBOUNDED else 0), low == 0))
        elif op is _c.SUBPATTERN:
            out += _atoms(av[-1], flags)
        elif op is _c.BRANCH:
            branch_degrees = [_degree(branch, flags) for branch in av[1]]
            out.append(_Atom(_chars([(op, av)], flags), max(branch_degrees), True))  # may be empty: assumed so
        elif op is _c.AT or op in _ASSERTS:
            continue
        else:
            out.append(_Atom(_chars([(op, av)], flags), 0, False))
    return out


def _degree(items: Any, flags: int) -> int:
    """The longest chain of unbounded repetitions that can trade characters with each other (0 if none).

    An earlier run A chains to a later run B if they share characters, and each item that must
    stand between them can take one of those too (items that may be empty do not separate them):
    then a run of such characters can be split between A and B in as many ways as it is long.
    """
    atoms = _atoms(items, flags)
    chains: list[tuple[int, int]] = []  # (index of an unbounded atom, longest chain ending there)
    best = 0
    for j, atom in enumerate(atoms):
        if not atom.degree:
            continue
        length = atom.degree  # a group with a chain inside counts with its whole chain
        for i, before in chains:
            shared = atoms[i].chars & atom.chars
            if shared and all(shared & middle.chars for middle in atoms[i + 1 : j] if not middle.optional):
                length = max(length, before + atom.degree)
        chains.append((j, length))
        best = max(best, length)
    return best


def _parse(pattern: str, flags: int) -> Any:
    try:
        return _parser.parse(pattern, flags)
    except Exception:  # not a pattern re accepts: the caller reports the compile error itself
        return None


def is_catastrophic(pattern: str, flags: int = 0) -> bool:
    """True if *pattern* nests a repetition, an optional item or an alternation inside a repetition (at any depth)."""
    parsed = _parse(pattern, flags)
    return parsed is not None and _walk(parsed, False, flags | parsed.state.flags)


def polynomial_degree(pattern: str, flags: int = 0) -> int:
    """The number of unbounded repetitions in a row that can take the same characters (its worst case is O(n**degree))."""
    parsed = _parse(pattern, flags)
    if parsed is None:
        return 0
    return _degree(parsed, flags | parsed.state.flags)


def backtracking_problem(pattern: str, flags: int = 0) -> str | None:
    """Why *pattern* can take too long on a crafted input (a sentence for an error message), or None."""
    if is_catastrophic(pattern, flags):
        return (
            "it repeats something that can itself repeat, be left out or alternate ((a+)+, (a|aa)*, (a?b?)+), "
            "which can take exponential time"
        )
    degree = polynomial_degree(pattern, flags)
    if degree > MAX_POLYNOMIAL_DEGREE:
        return (
            f"it has {degree} unbounded repetitions in a row that can take the same characters (like [^?]*/[^?]*/[^?]*), "
            f"which takes O(n^{degree}) time on a crafted input"
        )
    return None
