"""Building a policy from environment variables (``CORS_ORIGINS="https://a.com, https://b.com"`` ...).

Every :class:`~cors_core.Policy` option but ``origin_check`` has a variable: the prefix (``CORS_`` by
default) followed by the option name in capitals. Lists are separated by commas and/or white space,
or written as a JSON array; regexes (``CORS_ORIGIN_REGEXES``) are separated by white space only,
since commas occur inside them. Flags read ``true/false``, ``1/0``, ``yes/no``, ``on/off``. An empty
variable counts as unset. A variable with the prefix that looks like a misspelt option is reported.
"""

from __future__ import annotations

import difflib
import inspect
import json
import os
import re
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigProblem, InvalidValue, PolicyError
from ..policy import _OPTIONS, OPTION_ALIASES, Policy

#: The prefix of the variables read by default.
DEFAULT_PREFIX = "CORS_"

_ENV_OPTIONS = tuple(o for o in _OPTIONS if o != "origin_check")
# The kind of each option, from the defaults of Policy(): flags are bool, numbers int (None: max_age).
_DEFAULTS = {name: p.default for name, p in inspect.signature(Policy.__init__).parameters.items()}
_LISTS = tuple(o for o in _ENV_OPTIONS if isinstance(_DEFAULTS.get(o), tuple))
_INTS = tuple(o for o in _ENV_OPTIONS if _DEFAULTS.get(o) is None or type(_DEFAULTS.get(o)) is int)
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")
def variable_names(prefix: str = DEFAULT_PREFIX) -> list[str]:
    """The variables read, in the order of the Policy options."""
    return [prefix + o.upper() for o in _ENV_OPTIONS]


def _split(value: str, option: str, problems: list[ConfigProblem]) -> list[str]:
    text = value.strip()
    if text.startswith("["):
        try:
            data = json.loads(text)
        except ValueError as exc:
            problems.append(InvalidValue(option, value, f"it starts with '[' but is not a JSON array ({exc})", 'write ["a", "b"] or a, b'))
            return []
        if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
            problems.append(InvalidValue(option, value, "the JSON value is not an array of strings", 'write ["a", "b"]'))
            return []
        return data
    separators = r"\s+" if option == "origin_regexes" else r"[\s,]+"
    return [item for item in re.split(separators, text) if item]


def _convert(option: str, raw: str, problems: list[ConfigProblem]) -> Any:
    if option in _LISTS:
        items = _split(raw, option, problems)
        return "*" if items == ["*"] else items
    lowered = raw.strip().lower()
    if option in _INTS:
        if lowered in ("none", "null"):
            return None
        try:
            return int(lowered)
        except ValueError:
            problems.append(InvalidValue(option, raw, "it is not a whole number", "write e.g. 600"))
            return None
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    problems.append(InvalidValue(option, raw, "it is not a yes/no value", "write true or false"))
    return None


def _renamed(problems: list[ConfigProblem] | tuple[ConfigProblem, ...], prefix: str) -> list[ConfigProblem]:
    """The problems with each option named by its variable, in the fix too, so the message points at what to edit."""
    return [p.named(prefix + p.option.upper()) if p.option in _OPTIONS else p for p in problems]


def _collect(environ: Mapping[str, str] | None, prefix: str) -> tuple[dict[str, Any], list[ConfigProblem]]:
    env = os.environ if environ is None else environ
    problems: list[ConfigProblem] = []
    options: dict[str, Any] = {}
    for option in _ENV_OPTIONS:
        raw = env.get(prefix + option.upper(), "")
        if raw.strip() == "":
            continue
        found: list[ConfigProblem] = []
        value = _convert(option, raw, found)
        problems += _renamed(found, prefix)
        if value is not None or option in _INTS:
            options[option] = value
    known = set(variable_names(prefix))
    for name in sorted(env):
        if not name.startswith(prefix) or name in known:
            continue
        rest = name[len(prefix) :].lower()
        # one-word names (CORS_HEADERS, CORS_METHODS) are too common for other uses to be reported
        target = OPTION_ALIASES.get(rest) if "_" in rest or rest == "origin" else None
        if target is None:
            close = difflib.get_close_matches(rest, _ENV_OPTIONS, n=1, cutoff=0.8)
            target = close[0] if close else None
        if target is not None:
            problems.append(InvalidValue(name, env[name], "this variable is not read", f"did you mean {prefix}{target.upper()}?"))
    return options, problems


def options_from_env(environ: Mapping[str, str] | None = None, prefix: str = DEFAULT_PREFIX) -> dict[str, Any]:
    """The Policy options found in *environ* (default ``os.environ``), converted; raises PolicyError on problems."""
    options, problems = _collect(environ, prefix)
    if problems:
        raise PolicyError(problems)
    return options


def policy_from_env(environ: Mapping[str, str] | None = None, prefix: str = DEFAULT_PREFIX) -> Policy | None:
    """A Policy from the environment, or None when no variable of the prefix is set.

    Raises :class:`~cors_core.PolicyError` listing every problem, as ``Policy()`` does.
    """
    options, problems = _collect(environ, prefix)
    if not options and not problems:
        return None
    origins = options.pop("origins", ())
    try:
        policy = Policy(origins, **options)
    except PolicyError as exc:
        problems += _renamed(exc.problems, prefix)
    if problems:
        raise PolicyError(problems)
    return policy
