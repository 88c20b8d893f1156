#!/usr/bin/env python3
"""Path rules and path regexes: ``PolicySet.policy_for`` against a reference, and accepted regexes stay fast.

Each input builds a ``PolicySet`` (exact paths, ``/x/*`` prefixes, regexes from a small grammar that
nests repetitions, optional items and alternations) and a batch of request paths (grammar-built with
dot segments, ``//``, backslashes, or raw bytes, up to beyond the regex length bound). Invariants:

- a regex the ReDoS check refuses is refused by ``PolicySet``; one it accepts is built;
- ``policy_for`` equals a slow restatement of the documented precedence: the raw path's rule, and
  for a path with dot segments, ``//`` or ``\\`` that rule only if the normalised path picks the same;
- an accepted regex answers its worst inputs (long runs of the characters it uses, at the length
  bound) in well under a second: a pattern that does not is a hole in the ReDoS check.
Run: ``python fuzz/run.py --harness paths``.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _input import Reader

SEGMENTS = ("api", "public", "users", "42", "v1", "a+b", "x", ".", "..", "", ".hidden", "..%2F", "\\", "files", "admin")
PIECES = (
    "/",
    "api",
    "[a-z]",
    "[0-9]",
    "[^?]",
    ".",
    "\\w",
    "x",
    "-",
    "(?:a|b)",
    "(?:ab|a)",
    "[a-z/]",
)
QUANTIFIERS = ("", "", "*", "+", "?", "{1,3}", "{2}", "{0,40}")
#: Above this, an accepted regex on one path is far beyond normal cost (quadratic at the bound is ~30 ms).
WORST_SECONDS = 1.5


def _regex(r: Reader, depth: int = 0) -> str:
    """A small path regex: pieces with quantifiers, sometimes a group that repeats or alternates."""
    out = "/"
    for _ in range(1 + r.byte() % 5):
        if depth < 2 and r.byte() % 4 == 0:
            inner = _regex(r, depth + 1)[1:]
            body = f"(?:{inner}|{_regex(r, depth + 1)[1:]})" if r.flag() else f"(?:{inner})"
        else:
            body = r.choice(PIECES)
        out += body + r.choice(QUANTIFIERS)
    return out


def _path(r: Reader, long: int) -> str:
    kind = r.byte() % 6
    if kind == 0:
        return r.text()
    if kind == 1:  # a long run of one character, around the regex bound
        return "/" + r.choice(("a", "/", "1", "ab", "a/", "x-")) * (long + r.byte() % 3 - 1)
    return "/" + "/".join(r.choice(SEGMENTS) for _ in range(1 + r.byte() % 6)) + ("/" if r.flag() else "")


def _reference_normal(path: str) -> str:
    """RFC 3986 5.2.4 on the path with '\\' as '/' and runs of '/' merged (written apart from cors_core.paths)."""
    path = re.sub("/+", "/", path.replace("\\", "/"))
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        elif seg == ".":
            if last:
                out.append("")
        else:
            out.append(seg)
    text = "/".join(out)
    if not text.startswith("/"):
        text = "/" + text
    return re.sub("/+", "/", text)


def _reference_lookup(exact: dict[str, Any], prefixes: dict[str, Any], regexes: list[tuple[Any, Any]], default: Any, path: str) -> Any:
    from cors_core.paths import MAX_REGEX_PATH_LENGTH

    if path in exact:
        return exact[path]
    for prefix in sorted(prefixes, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + "/") or prefix == "":
            return prefixes[prefix]
    if regexes:
        if len(path) > MAX_REGEX_PATH_LENGTH:
            return None
        for rx, policy in regexes:
            if rx.fullmatch(path):
                return policy
    return default


def _seconds(rule_set: Any, path: str) -> float:
    start = time.perf_counter()
    rule_set.policy_for(path)
    return time.perf_counter() - start


def check(data: bytes) -> None:
    """Raise AssertionError if an invariant above fails for the rules and paths built from *data*."""
    from cors_core import Policy, PolicyError, PolicySet
    from cors_core.paths import MAX_REGEX_PATH_LENGTH
    from cors_core.redos import backtracking_problem

    r = Reader(data)
    policies = [Policy([f"https://p{i}.example"]) for i in range(6)]
    exact: dict[str, Any] = {}
    prefixes: dict[str, Any] = {}
    regexes: list[tuple[Any, Any]] = []
    rules: list[tuple[Any, Any]] = []
    for i in range(r.byte() % 5):
        policy = policies[i]
        kind = r.byte() % 3
        if kind == 0:
            key = "/" + "/".join(r.choice(SEGMENTS[:7]) for _ in range(1 + r.byte() % 3))
            if key in exact or "//" in key or "/." in key:
                continue
            exact[key] = policy
        elif kind == 1:
            base = "/" + "/".join(r.choice(("api", "public", "users", "v1")) for _ in range(r.byte() % 3))
            base = base.rstrip("/")
            if base in prefixes:
                continue
            prefixes[base] = policy
            key = base + "/*"
        else:
            source = _regex(r)
            try:
                compiled = re.compile(source)
            except re.error:
                continue
            slow = backtracking_problem(source)
            try:
                PolicySet({compiled: policy})
            except PolicyError:
                assert slow is not None, f"refused {source!r} that the ReDoS check accepts"
                continue
            assert slow is None, f"{source!r} built although: {slow}"
            key = compiled
            regexes.append((compiled, policy))
        rules.append((key, policy))
    default = policies[5] if r.flag() else None
    rule_set = PolicySet(rules, default=default)
    for _ in range(1 + r.byte() % 6):
        path = _path(r, MAX_REGEX_PATH_LENGTH)
        got = rule_set.policy_for(path)
        raw = _reference_lookup(exact, prefixes, regexes, default, path or "/")
        if not ("//" in path or "\\" in path or {".", ".."} & set(path.split("/"))):
            want = raw
        else:
            other = _reference_lookup(exact, prefixes, regexes, default, _reference_normal(path))
            want = raw if raw is other else None
        assert got is want, f"rules={rules!r} default={default!r} path={path[:200]!r}: core {got!r}, reference {want!r}"
    for rx, _ in regexes:  # worst inputs: long runs of the pattern's own characters, at the bound
        for unit in ("a", "/", "a/", "1", "ab", "-"):
            text = "/" + unit * ((MAX_REGEX_PATH_LENGTH - 2) // len(unit)) + "!"
            took = min(_seconds(rule_set, text[:MAX_REGEX_PATH_LENGTH]) for _ in range(2))  # twice: a stalled machine is no finding
            assert took < WORST_SECONDS, f"accepted regex {rx.pattern!r} took {took:.2f} s on {unit!r} * {len(text)}"


if __name__ == "__main__":
    from _atheris import fuzz

    fuzz(check)
