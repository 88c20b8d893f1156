"""Translate Starlette's ``CORSMiddleware`` keywords into one cors_core ``Policy``, once, at start-up.

Meanings are translated, not spellings (docs/migrating-from-starlette.md): Starlette always allows
the four CORS-safelisted request headers, reads ``allow_methods=["*"]`` as its list of eight methods,
echoes any requested header for ``allow_headers=["*"]`` (Authorization included), full-matches
``allow_origin_regex`` and answers preflights with 200 (400 when the origin is refused; an allowed
origin whose method or header is refused gets 200 and the allowed lists, R23 revised, difference D15).
Every problem is raised together, as one :class:`cors_core.PolicyError` naming Starlette's keywords.
"""

from __future__ import annotations

from typing import Any

from cors_core import ConfigProblem, InsecureConfiguration, InvalidOrigin, Policy, PolicyError

#: Starlette's keywords and their defaults (starlette.middleware.cors, 1.x).
STARLETTE_DEFAULTS: dict[str, Any] = {
    "allow_origins": (),
    "allow_methods": ("GET",),
    "allow_headers": (),
    "allow_credentials": False,
    "allow_origin_regex": None,
    "allow_private_network": False,
    "expose_headers": (),
    "max_age": 600,
}
#: What Starlette means by ``allow_methods=["*"]``.
STARLETTE_ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
#: Request headers Starlette allows whatever ``allow_headers`` says (the CORS-safelisted ones).
STARLETTE_SAFELISTED_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")
#: Keywords Starlette tests with ``"*" in value`` (None is a TypeError there; expose_headers=None is not), with an example.
_NOT_NONE = {"allow_origins": "['https://app.example.com']", "allow_methods": "['GET', 'POST']", "allow_headers": "['X-Token']"}
#: Core option name -> the Starlette keyword a user wrote, for error messages.
_USER_NAMES = {"origins": "allow_origins", "origin_regexes": "allow_origin_regex"}


def _listed(value: Any) -> Any:
    """A list from a collection; a bare string is left for the core to refuse (Starlette would test it as a substring)."""
    if value is None or isinstance(value, (str, bytes)):
        return value
    try:
        return list(value)
    except TypeError:
        return value


def _origins(value: Any, credentials: Any, problems: list[ConfigProblem]) -> Any:
    items = _listed(value)
    if items == "*" or (isinstance(items, list) and "*" in items):
        if credentials is True:
            problems.append(
                InsecureConfiguration(
                    "allow_origins",
                    ["*"],
                    "with allow_credentials=True, Starlette reflects every origin with credentials, "
                    "so every website could read your users' authenticated responses",
                    "list the origins that may send credentials, e.g. allow_origins=['https://app.example.com'], "
                    "or keep allow_origins=['*'] and set allow_credentials=False",
                )
            )
        return "*"  # Starlette reads '*' anywhere in the list as "every origin"
    if isinstance(items, list):
        for item in items:
            if isinstance(item, str) and "*" in item:
                problems.append(
                    InvalidOrigin(
                        "allow_origins",
                        item,
                        "Starlette compares allow_origins literally, so this pattern never matched any origin",
                        "use allow_origin_regex=r'https://.*\\.example\\.com' (full-matched), or remove it",
                    )
                )
        return [item for item in items if not (isinstance(item, str) and "*" in item)]
    return items


def _headers(value: Any) -> tuple[Any, dict[str, Any]]:
    items = _listed(value)
    if items == "*" or (isinstance(items, list) and "*" in items):
        # Starlette echoes whatever is requested, Authorization included.
        return [], {"allow_any_request_header": True}
    if not isinstance(items, list):
        return items, {"echo_request_headers": False}
    names = {**{h.lower(): h for h in STARLETTE_SAFELISTED_HEADERS}, **{h.lower(): h for h in items if isinstance(h, str)}}
    others = [h for h in items if not isinstance(h, str)]  # left for the core to refuse with its message
    # Starlette sends the sorted list of allowed names, whatever was requested: sorted() as it is, so
    # upper-case names come before lower-case ones ('X-Token, authorization'), as in Starlette's answer.
    return sorted(names.values()) + others, {"echo_request_headers": False}


def _user_problem(problem: ConfigProblem) -> ConfigProblem:
    option = _USER_NAMES.get(problem.option, problem.option)
    message = problem.message
    if option == "allow_origins" and message.startswith("no origin"):
        message = (
            "no origin is allowed (Starlette's default allow_origins=() with no allow_origin_regex), so the middleware would do nothing"
        )
        return InvalidOrigin(option, problem.value, message, "list origins, e.g. allow_origins=['https://app.example.com'], or ['*']")
    return type(problem)(option, problem.value, message, problem.fix)


def policy_from_starlette(options: dict[str, Any]) -> Policy:
    """The Policy that Starlette's keywords (missing ones at Starlette's defaults) mean."""
    unknown = sorted(set(options) - set(STARLETTE_DEFAULTS))
    if unknown:
        raise TypeError(f"unknown CORSMiddleware keyword(s) {', '.join(unknown)}; Starlette's are {', '.join(STARLETTE_DEFAULTS)}")
    refused_none = [name for name in _NOT_NONE if name in options and options[name] is None]
    if refused_none:
        raise TypeError(
            f"{', '.join(f'{name}=None' for name in refused_none)}: Starlette refuses None there too (TypeError); "
            f"pass a list, e.g. {', '.join(f'{name}={_NOT_NONE[name]}' for name in refused_none)}, "
            "or leave the keyword out for Starlette's default"
        )
    o = {**STARLETTE_DEFAULTS, **options}
    problems: list[ConfigProblem] = []
    methods = _listed(o["allow_methods"])
    if methods == "*" or (isinstance(methods, list) and "*" in methods):
        methods = list(STARLETTE_ALL_METHODS)  # Starlette tests "*" in allow_methods: a bare "*" is its wildcard too
    headers, header_options = _headers(o["allow_headers"])
    kwargs: dict[str, Any] = {
        "origins": _origins(o["allow_origins"], o["allow_credentials"], problems),
        # The core checks it (type, compiles, unescaped '.', ReDoS); its problems are renamed to allow_origin_regex.
        "origin_regexes": [] if o["allow_origin_regex"] is None else [o["allow_origin_regex"]],
        "allow_methods": methods,
        "allow_headers": headers,
        **header_options,
        "allow_credentials": o["allow_credentials"],
        "allow_private_network": o["allow_private_network"],
        "expose_headers": _listed(o["expose_headers"]),
        "max_age": o["max_age"],
        "preflight_status": 200,
        "refused_preflight_status": 400,
    }
    if kwargs["origins"] == "*":
        kwargs["origin_regexes"] = []  # '*' already allows every origin: Starlette ignores the regex then
        if o["allow_credentials"] is True:
            kwargs["allow_credentials"] = False  # refused above, with Starlette's names; keep the core quiet about it
    try:
        policy = Policy(**kwargs)
    except PolicyError as exc:
        problems += exc.problems
    else:
        if not problems:
            return policy
    if any(
        not p.message.startswith("no origin")
        for p in problems
        if p.option in ("origins", "origin_regexes", "allow_origins", "allow_origin_regex")
    ):
        problems = [p for p in problems if not p.message.startswith("no origin")]  # only a consequence of the others
    raise PolicyError([_user_problem(p) for p in problems])
