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

from .errors import ConfigProblem, InvalidValue, PolicyError
from .paths import PolicySet
from .policy import _OPTIONS, Policy

_REGEX_PREFIX = "regex:"


def policy_from_mapping(data: Mapping[str, Any]) -> Policy | PolicySet:
    """Build a Policy (or a PolicySet when ``rules`` is present) from plain data; unknown keys are refused."""
    data = dict(data)
    rules = data.pop("rules", None)
    unknown = sorted(set(data) - set(_OPTIONS))
    if unknown:
        close = {k: [o for o in _OPTIONS if o.split("_")[-1] in k] for k in unknown}
        problems: list[ConfigProblem] = [
            InvalidValue(k, data[k], "unknown option", f"use one of: {', '.join(close[k] or _OPTIONS)}") for k in unknown
        ]
        raise PolicyError(problems)
    if rules is None:
        return Policy(**data)
    default = Policy(**data) if data else None
    pairs = []
    for rule in rules:
        rule = dict(rule)
        path = rule.pop("path", None)
        if not isinstance(path, str):
            raise PolicyError([InvalidValue("rules.path", path, "each rule needs a path", "write path = '/api/*'")])
        key: str | re.Pattern[str] = re.compile(path[len(_REGEX_PREFIX) :]) if path.startswith(_REGEX_PREFIX) else path
        built = policy_from_mapping(rule)
        assert isinstance(built, Policy)
        pairs.append((key, built))
    return PolicySet(pairs, default=default)


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
