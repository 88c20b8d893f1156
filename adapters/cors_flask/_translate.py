"""Translate flask-cors options (kwargs, ``CORS_*`` config, ``resources``) into cors_core policies, once.

Nothing here runs per request. Every problem of every resource is collected and raised together
as one :class:`cors_core.PolicyError`, with flask-cors option names in the messages.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from cors_core import (
    ConfigProblem,
    InsecureConfiguration,
    InvalidHeaderName,
    InvalidOrigin,
    InvalidPathRule,
    InvalidValue,
    Policy,
    PolicyError,
    PolicySet,
    did_you_mean,
)
from cors_core.errors import close_name
from cors_core.regex_examples import examples

from .core import CONFIG_OPTIONS, DEFAULT_OPTIONS


class ResourceFallThroughWarning(UserWarning):
    """A regex resource flask-cors matched as a prefix lets deeper paths fall through to a broader resource here."""

#: Characters from which flask-cors guesses that a string is a regular expression.
_REGEX_HINTS = frozenset("*\\]?$^[()")

#: flask-cors option names (keys of DEFAULT_OPTIONS) plus cors_core options passed through unchanged.
_PASSTHROUGH = (
    "dangerously_allow_credentials_with_any_origin",
    "dangerously_allow_insecure_origins",
    "dangerously_allow_public_suffix_wildcards",
    "preflight_status",
    "debug",
)
KNOWN_OPTIONS = frozenset(DEFAULT_OPTIONS) | frozenset(_PASSTHROUGH)

#: Names of other libraries (and of cors_core) -> the flask-cors option, for "did you mean".
_FLASK_ALIASES = {
    "allow_credentials": "supports_credentials",
    "credentials": "supports_credentials",
    "allow_methods": "methods",
    "allowed_methods": "methods",
    "allow_origins": "origins",
    "allowed_origins": "origins",
    "origin": "origins",
    "allowed_headers": "allow_headers",
    "headers": "allow_headers",
    "exposed_headers": "expose_headers",
}

#: Core option name -> the flask-cors name a user wrote, for error messages.
_USER_NAMES = {"allow_credentials": "supports_credentials", "allow_methods": "methods", "origin_regexes": "origins"}


#: django-cors-headers' names for flask-cors keys: written by people who know the other library.
_OTHER_LIBRARY_NAMES = {
    "CORS_ALLOW_CREDENTIALS": "CORS_SUPPORTS_CREDENTIALS",
    "CORS_ALLOWED_ORIGINS": "CORS_ORIGINS",
    "CORS_ALLOW_ORIGINS": "CORS_ORIGINS",
    "CORS_ALLOW_METHODS": "CORS_METHODS",
    "CORS_PREFLIGHT_MAX_AGE": "CORS_MAX_AGE",
}


def misspelt_keys(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(key, known key)`` for each ``CORS_*`` key of *config* that is not one flask-cors reads but is close to one.

    Keys far from every known one are left alone: other extensions may own ``CORS_*`` names too, and
    ``CORS_HEADERS`` (in many tutorials, read by no library) stays harmless.
    """
    found = []
    for key in config:
        if isinstance(key, str) and key.startswith("CORS_") and key not in CONFIG_OPTIONS:
            close = close_name(key, CONFIG_OPTIONS, _OTHER_LIBRARY_NAMES)
            if close is not None:
                found.append((key, close))
    return found


def misspelt_error(config: Mapping[str, Any]) -> PolicyError | None:
    """The PolicyError that names every misspelt ``CORS_*`` key of *config* (see misspelt_keys), or None."""
    misspelt = misspelt_keys(config)
    if not misspelt:
        return None
    return PolicyError(
        [
            InvalidValue(f"app.config[{key!r}]", config[key], "no such key: it would be ignored", f"did you mean {known}?")
            for key, known in misspelt
        ]
    )


def read_keys(config: Mapping[str, Any]) -> dict[str, Any]:
    """Only the ``CORS_*`` keys of *config* that flask-cors reads: what it goes by when a key is misspelt."""
    return {key: config[key] for key in CONFIG_OPTIONS if key in config}


def config_options(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The options set through ``CORS_*`` keys of an app config (keys whose value is None are unset).

    A key that looks like a misspelling of a known one raises PolicyError (flask-cors ignores it silently).
    """
    if not config:
        return {}
    error = misspelt_error(config)
    if error is not None:
        raise error
    out: dict[str, Any] = {}
    for key in CONFIG_OPTIONS:
        value = config.get(key)
        if value is not None:
            out[key[5:].lower()] = value
    return out


def merge(config: Mapping[str, Any] | None, *layers: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults < app.config ``CORS_*`` < each layer in turn (kwargs, then resource options)."""
    options: dict[str, Any] = dict(DEFAULT_OPTIONS)
    options.update(config_options(config))
    for layer in layers:
        options.update(layer)
    return options


def check_names(options: Mapping[str, Any], where: str) -> None:
    """Refuse unknown option names (flask-cors only logs them, so a typo silently changes nothing)."""
    unknown = sorted(set(options) - KNOWN_OPTIONS)
    if unknown:
        hints = [f"{name}: {hint}" for name in unknown if (hint := did_you_mean(name, KNOWN_OPTIONS, _FLASK_ALIASES))]
        guess = f" ({'; '.join(hints)})" if hints else ""
        raise TypeError(f"unknown CORS option(s) {', '.join(unknown)}{where}{guess}; known options: {', '.join(sorted(DEFAULT_OPTIONS))}")


def _items(value: Any) -> list[Any]:
    """A scalar or an iterable as a list; a str or compiled regex is one item."""
    if value is None:
        return []
    if isinstance(value, (str, re.Pattern)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _split(value: Any) -> list[Any]:
    """Like _items, but a str is a comma-separated list (flask-cors sends a str as the header value)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return _items(value)


def _is_origin_pattern(text: str) -> bool:
    """True for the core's pattern language: ``https://*.example.com`` and/or a final ``:*`` port."""
    plain = text.replace("://*.", "://", 1)
    if plain.endswith(":*"):
        plain = plain[:-2]
    return plain != text and _REGEX_HINTS.isdisjoint(plain)


def _origins(value: Any, problems: list[ConfigProblem]) -> tuple[list[str] | str, list[re.Pattern[str]]]:
    """Split flask-cors ``origins`` into exact origins / patterns and compiled regexes."""
    exact: list[str] = []
    regexes: list[re.Pattern[str]] = []
    for item in _items(value):
        if isinstance(item, re.Pattern):
            regexes.append(item)
        elif not isinstance(item, str):
            problems.append(InvalidOrigin("origins", item, "an origin must be a string or a compiled regex", "write 'https://app.example.com'"))
        elif item in ("*", ".*"):
            return "*", []  # flask-cors reads '*' anywhere in the list as "every origin"
        elif _is_origin_pattern(item) or _REGEX_HINTS.isdisjoint(item):
            exact.append(item)
        else:
            try:
                regexes.append(re.compile(item, re.IGNORECASE))
            except re.error as exc:
                problems.append(InvalidOrigin("origins", item, f"it looks like a regular expression but does not compile ({exc})", "fix"))
    return exact, regexes


def _methods(value: Any, problems: list[ConfigProblem]) -> list[str]:
    out: list[str] = []
    for item in _split(value):
        if isinstance(item, str):
            out.append(item.strip().upper())
        else:
            problems.append(InvalidValue("methods", item, "a method must be a string", "write e.g. ['GET', 'POST']"))
    return out


def _allow_headers(value: Any, problems: list[ConfigProblem]) -> list[str]:
    out: list[str] = []
    for item in _split(value):
        if isinstance(item, str) and item in ("*", ".*"):
            out.append("*")
        elif isinstance(item, str) and _REGEX_HINTS.isdisjoint(item):
            out.append(item)
        else:
            problems.append(
                InvalidHeaderName(
                    "allow_headers",
                    getattr(item, "pattern", item),
                    "regular expressions are not supported for request header names",
                    "list the header names, or use '*' (every requested name, Authorization included, echoed by name)",
                )
            )
    return out


def _max_age(value: Any, problems: list[ConfigProblem]) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    problems.append(InvalidValue("max_age", value, "it must be a number of seconds or a timedelta", "e.g. max_age=600"))
    return None


def _strict_flag(name: str, value: Any, problems: list[ConfigProblem]) -> bool:
    if isinstance(value, bool):
        return value
    problems.append(InvalidValue(name, value, "it must be True or False (a string 'false' would read as true)", f"write {name}=False"))
    return False


def _user_problem(problem: ConfigProblem, where: str) -> ConfigProblem:
    """Restate a core problem with the flask-cors option name and the place it was configured."""
    option = _USER_NAMES.get(problem.option, problem.option) + where
    if isinstance(problem, InsecureConfiguration) and problem.value == "*" and problem.option == "origins":
        return InsecureConfiguration(
            option,
            "*",
            "supports_credentials=True with every origin allowed (origins='*', flask-cors's default): flask-cors would "
            "reflect any origin with credentials, so every website could read your users' authenticated responses",
            "list the origins that may send credentials, e.g. origins=['https://app.example.com']",
        )
    fix = problem.named(_USER_NAMES[problem.option]).fix if problem.option in _USER_NAMES else problem.fix
    return type(problem)(option, problem.value, problem.message, fix)


def policy_from_options(options: Mapping[str, Any], where: str = "") -> Policy:
    """Build the one Policy that a merged set of flask-cors options means (see the migration guide)."""
    problems: list[ConfigProblem] = []
    origins, regexes = _origins(options.get("origins"), problems)
    kwargs: dict[str, Any] = {
        "origins": origins,
        "origin_regexes": regexes,
        "allow_methods": _methods(options.get("methods"), problems),
        "allow_headers": _allow_headers(options.get("allow_headers"), problems),
        "allow_any_request_header": False,
        # flask-cors sends the names sorted; a str is sent as it is, i.e. a comma-separated list.
        "expose_headers": sorted(_split(options.get("expose_headers")), key=str),
        "max_age": _max_age(options.get("max_age"), problems),
        "allow_credentials": _strict_flag("supports_credentials", options.get("supports_credentials", False), problems),
        "allow_private_network": _strict_flag("allow_private_network", options.get("allow_private_network", False), problems),
    }
    if "*" in kwargs["allow_headers"]:
        # flask-cors's '*' (its default) echoes every requested name, Authorization included: the core's
        # allow_any_request_header. The core's own '*' keeps its Fetch meaning (never Authorization).
        kwargs["allow_headers"] = []
        kwargs["allow_any_request_header"] = True
    if origins == "*" and options.get("send_wildcard") is False and options.get("always_send") is False:
        # Nothing without an Origin, and the origin echoed otherwise (flask-cors's "W3" setup): only an
        # echoing policy can leave a request without Origin unanswered; the browser outcome is the same.
        kwargs["echo_origin"] = not kwargs["allow_credentials"]
    for name in _PASSTHROUGH:
        if name in options:
            kwargs[name] = options[name]
    try:
        policy = Policy(**kwargs)
    except PolicyError as exc:
        problems += exc.problems
        policy = None
    if problems or policy is None:
        if any(isinstance(p, InvalidOrigin) and not p.message.startswith("no origin") for p in problems):
            problems = [p for p in problems if not p.message.startswith("no origin")]  # only a consequence of the others
        raise PolicyError([_user_problem(p, where) for p in problems])
    return policy


#: The beginning of a pattern before its first regex metacharacter: how specific a path pattern is.
_LITERAL_START = re.compile(r"[^.^$*+?{}\[\]\\|()]*")

#: What the default resource r'/*' becomes: every path.
_EVERY_PATH = "(?:/.*)?"


def _glob_regex(text: str) -> str | None:
    """The full-match regex of a path whose only special character is '*', or None if it is not such a glob.

    ``/api/*`` means ``/api`` and everything below it; any other ``*`` means "any characters".
    A '*' after '.', ')' or ']' is regex syntax, so the string is not a glob.
    """
    if not (set(text) & _REGEX_HINTS) <= {"*"} or re.search(r"[.)\]]\*", text):
        return None
    if text.endswith("/*") and "*" not in text[:-2]:
        return re.escape(text[:-2]) + _EVERY_PATH
    return ".*".join(re.escape(part) for part in text.split("*"))


def _resource_key(raw: Any, problems: list[ConfigProblem]) -> str | re.Pattern[str] | None:
    """A flask-cors resource pattern as a PolicySet key: exact path or full-matched regex."""
    if isinstance(raw, re.Pattern):
        return raw
    if not isinstance(raw, str):
        problems.append(InvalidPathRule("resources", raw, "a resource must be a path string or a compiled regex", "write e.g. r'/api/*'"))
        return None
    if _is_literal(raw):
        return raw  # a literal path: exact match, as in flask-cors
    source = _glob_regex(raw) or raw
    try:
        return re.compile(source)
    except re.error as exc:
        problems.append(InvalidPathRule("resources", raw, f"it looks like a regular expression but does not compile ({exc})", "fix it"))
        return None


def parse_resources(resources: Any) -> list[tuple[Any, Mapping[str, Any]]]:
    """The ``resources`` option as (pattern, options) pairs, in flask-cors's order of precedence.

    A dict is sorted as flask-cors 6 sorts it, literal paths first, then patterns with more '/'
    first, with one change: between patterns with as many '/', the one with the longer literal
    beginning (``/api/v1/`` in ``/api/v1/.*``) comes before a merely longer one (flask-cors would put
    ``/api/[a-z0-9_-]+/.*`` first). Raises ValueError for a value of the wrong type, as flask-cors does.
    """
    if isinstance(resources, Mapping):
        pairs = list(resources.items())

        def specificity(pair: tuple[Any, Any]) -> tuple[int, int, int, int]:
            text = pair[0].pattern if isinstance(pair[0], re.Pattern) else str(pair[0])
            literal = isinstance(pair[0], str) and _REGEX_HINTS.isdisjoint(text)
            fixed = len(_LITERAL_START.match(text).group())  # type: ignore[union-attr]  # always matches
            return (0 if literal else 1, -text.count("/"), -fixed, -len(text))

        return sorted(pairs, key=specificity)
    if isinstance(resources, (str, re.Pattern)):
        return [(resources, {})]
    if isinstance(resources, Iterable):
        return [(item, {}) for item in resources]
    raise ValueError(f"Unexpected value for resources argument: {resources!r} (pass a path pattern, a list of them, or a dict)")


def policy_set_from_options(config: Mapping[str, Any] | None, *layers: Mapping[str, Any]) -> Policy | PolicySet:
    """The policies of a ``CORS(...)`` call: one Policy per resource, each from its merged options.

    When the only resource covers every path (the default ``r'/*'``), that one Policy is returned
    as it is: it means the same and saves the path lookup on every request.
    """
    merged = merge(config, *layers)
    problems: list[ConfigProblem] = []
    pairs = parse_resources(merged.get("resources", r"/*"))
    # Patterns that are all literal paths or 'prefix/*' globs become the core's exact and prefix rules
    # (a dict lookup per request, longest prefix first, which is flask-cors's order for them);
    # otherwise every pattern is a regex, kept in flask-cors's order.
    as_prefixes = all(_is_literal(raw) or _prefix_glob(raw) for raw, _ in pairs)
    rules: list[tuple[str | re.Pattern[str], Policy]] = []
    written: dict[int, Any] = {}  # id(policy) -> the resource pattern as the user wrote it
    for raw, resource_options in pairs:
        where = f" (resource {getattr(raw, 'pattern', raw)!r})" if len(pairs) > 1 or raw != r"/*" else ""
        if not isinstance(resource_options, Mapping):
            problems.append(InvalidPathRule("resources", raw, "the options of a resource must be a dict", "write {'/api/*': {...}}"))
            continue
        check_names(resource_options, where)
        key = raw if as_prefixes and (_is_literal(raw) or _prefix_glob(raw)) else _resource_key(raw, problems)
        try:
            policy = policy_from_options(merge(config, *layers, resource_options), where)
        except PolicyError as exc:
            problems += exc.problems
            continue
        if key is not None:
            rules.append((key, policy))
            written[id(policy)] = getattr(raw, "pattern", raw)
    if not problems and len(rules) == 1 and rules[0][0] in ("/*", "*"):
        return rules[0][1]  # every path: the Policy itself means the same, without a path lookup per request
    if not problems:
        try:
            policy_set = PolicySet([("/*", p) if k == "*" else (k, p) for k, p in rules])
        except PolicyError as exc:
            problems += exc.problems
        else:
            _warn_fall_through(rules, written, policy_set)
            return policy_set
    raise PolicyError(problems)


def _warn_fall_through(rules: list[tuple[str | re.Pattern[str], Policy]], written: dict[int, Any], policy_set: PolicySet) -> None:
    """Warn where flask-cors's prefix match (re.match) applied a regex resource to deeper paths that, full-matched
    here, fall through to another resource (``r'/api/v[0-9]+/'`` strict, ``r'/*'`` open: ``/api/v1/users``) or to
    none at all (the same regex alone: ``/api/v1/users`` gets no CORS headers)."""
    for key, policy in rules:
        if not isinstance(key, re.Pattern):
            continue
        for example in examples(key):
            deeper = example.rstrip("/") + "/users/42"
            if not key.match(deeper) or key.fullmatch(deeper):
                continue
            caught = policy_set.policy_for(deeper)
            if caught is policy:
                continue
            mine = written[id(policy)]
            where = "no resource (no CORS headers)" if caught is None else f"resource {written.get(id(caught), '?')!r}"
            warnings.warn(
                ResourceFallThroughWarning(
                    f"resource {mine!r} is full-matched by cors_flask, so {deeper} falls through to {where}; "
                    f"flask-cors matched it as a prefix and applied {mine!r}. "
                    f"If deeper paths belong to it, write {mine.rstrip('$') + '.*'!r}."
                ),
                stacklevel=_caller_level(),
            )
            break


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside cors_flask, so that a warning points at the user's own line."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("cors_flask"):
        frame, level = frame.f_back, level + 1
    return level


def _is_literal(raw: Any) -> bool:
    return isinstance(raw, str) and _REGEX_HINTS.isdisjoint(raw)


def _prefix_glob(raw: Any) -> bool:
    """True for '/api/*' (and '*', '/*'): a path prefix, the only '*' at the end."""
    return isinstance(raw, str) and (raw == "*" or (raw.endswith("/*") and _REGEX_HINTS.isdisjoint(raw[:-2])))
