"""Building policies from plain data: a TOML or JSON file, or a dict.

A file holds the options of one ``Policy`` at the top level, and optionally path rules::

    origins = ["https://app.example.com"]
    allow_methods = ["PUT"]

    [[rules]]
    path = "/public/*"
    origins = ["*"]

With ``[[rules]]`` the top-level options are the default policy of a :class:`PolicySet`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigProblem, InvalidPathRule, InvalidValue, PolicyError, did_you_mean
from ..paths import PolicySet
from ..policy import _OPTIONS, OPTION_ALIASES, Policy

_REGEX_PREFIX = "regex:"


def policy_from_mapping(data: Mapping[str, Any]) -> Policy | PolicySet:
    """Build a Policy (or a PolicySet when ``rules`` is present) from plain data; unknown keys are refused.

    Every problem is reported at once, those of each rule named ``rules[i]`` with its path.
    """
    data = dict(data)
    rules = data.pop("rules", None)
    problems: list[ConfigProblem] = []
    default = _build(data, "", problems) if (rules is None or data) else None
    if rules is None:
        if problems:
            raise PolicyError(problems)
        assert default is not None
        return default
    if not isinstance(rules, list):
        raise PolicyError([*problems, InvalidValue("rules", rules, "rules must be a list of tables", "write [[rules]] sections")])
    pairs: list[tuple[str | re.Pattern[str], Policy]] = []
    for i, rule in enumerate(rules):
        where = f"rules[{i}]"
        if not isinstance(rule, Mapping):
            problems.append(InvalidValue(where, rule, "a rule must be a table", "write a [[rules]] section"))
            continue
        rule = dict(rule)
        path = rule.pop("path", None)
        if not isinstance(path, str):
            problems.append(InvalidValue(f"{where}.path", path, "each rule needs a path", "write path = '/api/*'"))
            continue
        where = f"{where} ({path})"
        key: str | re.Pattern[str] = path
        if path.startswith(_REGEX_PREFIX):
            try:
                key = re.compile(path[len(_REGEX_PREFIX) :])
            except re.error as exc:
                problems.append(InvalidPathRule(f"{where}.path", path, f"the regex does not compile ({exc})", "fix the regex"))
                continue
        built = _build(rule, where + ".", problems)
        if built is not None:
            pairs.append((key, built))
    if problems:
        raise PolicyError(problems)
    return PolicySet(pairs, default=default)


def _build(data: dict[str, Any], where: str, problems: list[ConfigProblem]) -> Policy | None:
    """One Policy from *data*, or None with its problems (options prefixed by *where*) added to *problems*."""
    found: list[ConfigProblem] = []
    for k in sorted(set(data) - set(_OPTIONS)):
        hint = did_you_mean(k, _OPTIONS, OPTION_ALIASES)
        fix = hint or f"use one of: {', '.join(_OPTIONS)}"
        found.append(InvalidValue(k, data[k], "unknown option" + (f": {hint}" if hint else ""), fix))
    try:
        built: Policy | None = Policy(**{k: v for k, v in data.items() if k in _OPTIONS})
    except PolicyError as exc:
        found += exc.problems
        built = None
    if not found:
        return built
    problems += [type(p)(where + p.option, p.value, p.message, p.fix) for p in found]
    return None


def load_policy(path: str | Path) -> Policy | PolicySet:
    """Read a policy from a ``.toml`` or ``.json`` file."""
    path = Path(path)
    text = path.read_bytes()
    if path.suffix == ".json":
        data = json.loads(text)
    else:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            try:
                import tomli as tomllib
            except ImportError as exc:
                raise RuntimeError("reading TOML on Python 3.10 needs 'tomli' (pip install tomli), or use JSON") from exc
        data = tomllib.loads(text.decode("utf-8"))
    if not isinstance(data, dict):
        raise PolicyError([InvalidValue("file", str(path), "the file must hold a table of options", "see docs/policy.md")])
    return policy_from_mapping(data)
