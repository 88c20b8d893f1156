"""``Policy``: an immutable, validated CORS configuration, compiled for the per-request path."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from .canaries import credential_regex_problems, label_boundary_problem
from .decision import Decision, RequestKind, shared_fields
from .errors import (
    ConfigProblem,
    InsecureConfiguration,
    InvalidHeaderName,
    InvalidMethod,
    InvalidOrigin,
    InvalidValue,
    PolicyError,
    UninspectableOriginCheck,
    did_you_mean,
)
from .origins import OriginMatcher, credential_problems
from .tokens import (
    FORBIDDEN_METHODS,
    FORBIDDEN_RESPONSE_HEADERS,
    NON_WILDCARD_REQUEST_HEADER,
    is_forbidden_request_header,
    is_token,
    normalize_method,
)

#: Largest Access-Control-Max-Age accepted (one day; browsers cap lower, see docs).
MAX_MAX_AGE = 86400
#: Default bound on how many names a preflight may request (R36).
DEFAULT_MAX_REQUEST_HEADERS = 64
#: Hard bound on the size of Access-Control-Request-Headers, read before splitting (R36).
MAX_REQUEST_HEADERS_BYTES = 4096
#: Header that carries the refusal reason when ``debug`` is on.
DEBUG_HEADER = "X-CORS-Reason"

_OPTIONS = (
    "origins",
    "origin_regexes",
    "origin_check",
    "origin_check_cacheable",
    "allow_credentials",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "max_age",
    "allow_private_network",
    "preflight_status",
    "refused_preflight_status",
    "max_request_headers",
    "echo_request_headers",
    "allow_any_request_header",
    "echo_origin",
    "debug",
    "dangerously_allow_credentials_with_any_origin",
    "dangerously_allow_insecure_origins",
    "dangerously_allow_public_suffix_wildcards",
)


#: A comma or white space inside one value: several values written as one string (the usual environment-variable mistake).
_JOINED = re.compile(r"[,\s]")


#: Option names of other CORS libraries (lower case) and the Policy option each one means, for "did you mean".
OPTION_ALIASES = {
    "allow_origin": "origins",
    "allow_origins": "origins",
    "allowed_origins": "origins",
    "allow_all_origins": "origins",
    "origin": "origins",
    "origin_whitelist": "origins",
    "allowed_origin_regexes": "origin_regexes",
    "origin_regex_whitelist": "origin_regexes",
    "origin_regex": "origin_regexes",
    "allow_origin_regex": "origin_regexes",
    "send_wildcard": "origins",
    "methods": "allow_methods",
    "allowed_methods": "allow_methods",
    "allow_methods_list": "allow_methods",
    "headers": "allow_headers",
    "allowed_headers": "allow_headers",
    "exposed_headers": "expose_headers",
    "expose_headers_list": "expose_headers",
    "supports_credentials": "allow_credentials",
    "credentials": "allow_credentials",
    "preflight_max_age": "max_age",
}


def _joined(option: str, value: str, kind: type[ConfigProblem]) -> ConfigProblem:
    parts = [v for v in re.split(r"[,\s]+", value) if v]
    what = "a comma" if "," in value else "spaces"
    return kind(option, value, f"one string containing {what}: write a list", f"write {option}={parts!r}")


def _several(item: str) -> bool:
    """One list item that holds several origins: a comma, or two ``scheme://`` parts separated by spaces."""
    return "," in item or (item.count("://") > 1 and sum("://" in part for part in item.split()) > 1)


def _as_list(option: str, value: Any, problems: list[ConfigProblem], kind: type[ConfigProblem]) -> list[Any]:
    """Accept an iterable of values or the single string "*"; refuse other bare strings."""
    if value is None:
        return []
    if isinstance(value, str):
        if value == "*":
            return ["*"]
        if _JOINED.search(value.strip()):
            problems.append(_joined(option, value, kind))
            return []
        problems.append(
            kind(
                option,
                value,
                "a single string is not a list (it would be read character by character or as one comma-joined value)",
                f"pass a list, e.g. {[v.strip() for v in value.split(',') if v.strip()]!r}",
            )
        )
        return []
    if isinstance(value, (bytes, bytearray)):
        problems.append(kind(option, value, "bytes are not accepted", "pass a list of str"))
        return []
    try:
        return list(value)
    except TypeError:
        problems.append(kind(option, value, "it is not a list", "pass a list of strings"))
        return []


def _flag(option: str, value: Any, problems: list[ConfigProblem]) -> bool:
    if not isinstance(value, bool):
        problems.append(InvalidValue(option, value, "it must be True or False", f"write {option}={bool(value)!r}"))
        return False
    return value


class Policy:
    """An immutable CORS policy for one set of resources.

    Every option is validated and normalised when the policy is built; all problems are raised
    together as one :class:`~cors_core.errors.PolicyError`. Instances are safe to share between
    threads. See ``docs/policy.md`` for every option, its default and what is refused.
    """

    __slots__ = (
        *_OPTIONS,
        "_matcher",
        "_static",
        "_any_method",
        "_methods",
        "_acam",
        "_acah",
        "_any_header",
        "_never_by_wildcard",
        "_headers",
        "_allowed_rest",
        "_exact_answers",
        "_not_cors",
        "_vary_preflight_value",
        "_refusal",
        "_static_answer",
        "_origin_refusal",
        "_pattern_allowed",
        "_refused_preflight",
        "_no_origin",
        "_vary_actual",
        "_vary_preflight",
        "_preflight_extra",
        "_reflect_any",
    )

    origins: tuple[str, ...]
    origin_regexes: tuple[str, ...]
    origin_check: Callable[[str], bool] | None
    origin_check_cacheable: bool
    allow_credentials: bool
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age: int | None
    allow_private_network: bool
    preflight_status: int
    refused_preflight_status: int
    max_request_headers: int
    echo_request_headers: bool
    allow_any_request_header: bool
    echo_origin: bool
    debug: bool
    dangerously_allow_credentials_with_any_origin: bool
    dangerously_allow_insecure_origins: bool
    dangerously_allow_public_suffix_wildcards: bool
    _matcher: OriginMatcher
    _static: bool
    _any_method: bool
    _methods: frozenset[str]
    _acam: str
    _acah: str
    _any_header: bool
    _never_by_wildcard: frozenset[str]
    _headers: frozenset[str]
    _allowed_rest: dict[str, str]
    _exact_answers: dict[str, Decision]
    _not_cors: Mapping[str, str]
    _vary_preflight_value: str
    _refusal: type[Decision]
    _static_answer: Decision | None
    _origin_refusal: Decision
    _pattern_allowed: type[Decision]
    _refused_preflight: Mapping[str, str]
    _no_origin: Decision
    _vary_actual: tuple[str, ...]
    _vary_preflight: tuple[str, ...]
    _preflight_extra: dict[str, str]
    _reflect_any: bool

    def __new__(cls, *args: Any, **kwargs: Any) -> Policy:
        """Refuse an unknown keyword with the option it probably means (Python's own message names no alternative)."""
        unknown = [k for k in kwargs if k not in _OPTIONS]
        if unknown:
            hint = did_you_mean(unknown[0], _OPTIONS, OPTION_ALIASES)
            raise TypeError(f"Policy() got an unexpected keyword argument {unknown[0]!r}" + (f": {hint}" if hint else ""))
        return super().__new__(cls)

    def __init__(
        self,
        origins: str | Iterable[str] = (),
        *,
        origin_regexes: Iterable[str | re.Pattern[str]] = (),
        origin_check: Callable[[str], bool] | None = None,
        origin_check_cacheable: bool = False,
        allow_credentials: bool = False,
        allow_methods: str | Iterable[str] = (),
        allow_headers: str | Iterable[str] = (),
        expose_headers: str | Iterable[str] = (),
        max_age: int | None = None,
        allow_private_network: bool = False,
        preflight_status: int = 200,
        refused_preflight_status: int = 403,
        max_request_headers: int = DEFAULT_MAX_REQUEST_HEADERS,
        echo_request_headers: bool = True,
        allow_any_request_header: bool = False,
        echo_origin: bool = False,
        debug: bool = False,
        dangerously_allow_credentials_with_any_origin: bool = False,
        dangerously_allow_insecure_origins: bool = False,
        dangerously_allow_public_suffix_wildcards: bool = False,
    ) -> None:
        problems: list[ConfigProblem] = []
        flags = {
            name: _flag(name, value, problems)
            for name, value in (
                ("origin_check_cacheable", origin_check_cacheable),
                ("allow_credentials", allow_credentials),
                ("allow_private_network", allow_private_network),
                ("debug", debug),
                ("echo_request_headers", echo_request_headers),
                ("allow_any_request_header", allow_any_request_header),
                ("echo_origin", echo_origin),
                ("dangerously_allow_credentials_with_any_origin", dangerously_allow_credentials_with_any_origin),
                ("dangerously_allow_insecure_origins", dangerously_allow_insecure_origins),
                ("dangerously_allow_public_suffix_wildcards", dangerously_allow_public_suffix_wildcards),
            )
        }
        credentials = flags["allow_credentials"]

        # Origins (R5-R10, R15).
        origin_list = _as_list("origins", origins, problems, InvalidOrigin)
        for item in [o for o in origin_list if isinstance(o, str) and _several(o)]:  # ["https://a.com,https://b.com"]
            problems.append(_joined("origins", item, InvalidOrigin))
            origin_list.remove(item)
        regex_list = _as_list("origin_regexes", origin_regexes, problems, InvalidOrigin)
        if origin_check is not None and not callable(origin_check):
            problems.append(InvalidOrigin("origin_check", origin_check, "it is not callable", "pass a function origin -> bool"))
            origin_check = None
        matcher = OriginMatcher(origin_list, regex_list, origin_check, flags["origin_check_cacheable"], problems)
        for rx in matcher.regexes:
            loose = label_boundary_problem(rx)
            if loose is not None:
                problems.append(loose)
        if flags["origin_check_cacheable"] and getattr(origin_check, "cors_per_request", False):
            problems.append(
                InvalidValue(
                    "origin_check_cacheable",
                    True,
                    "the origin check looks at more than the origin (the path, the user), so its answer for one request "
                    "must not be reused for another request from the same origin",
                    "remove origin_check_cacheable",
                )
            )
        origins_refused = any(p.option in ("origins", "origin_regexes") for p in problems)  # "no origin" would only repeat it
        if not (matcher.any or matcher.entries or matcher.regexes or origin_check is not None) and not origins_refused:
            problems.append(
                InvalidOrigin(
                    "origins",
                    origins,
                    "no origin is allowed, so the policy would never grant anything",
                    "list origins, e.g. ['https://app.example.com'], or '*' for any origin without credentials",
                )
            )
        if matcher.any and (matcher.entries or matcher.regexes or origin_check is not None):
            problems.append(
                InvalidOrigin(
                    "origins",
                    origins,
                    "'*' already allows every origin, so the other origins, regexes or checks mean nothing",
                    "use either '*' or a list of origins",
                )
            )
        if flags["echo_origin"] and not matcher.any:
            problems.append(
                InvalidValue(
                    "echo_origin", True, "it only changes how origins '*' is answered", "remove echo_origin or use origins='*'"
                )
            )
        if credentials:
            if matcher.any and not flags["dangerously_allow_credentials_with_any_origin"]:
                problems.append(
                    InsecureConfiguration(
                        "origins",
                        "*",
                        "any origin together with credentials lets every website read your users' authenticated responses",
                        "list the origins that may send credentials, or set dangerously_allow_credentials_with_any_origin=True",
                    )
                )
            problems += credential_problems(
                matcher, flags["dangerously_allow_insecure_origins"], flags["dangerously_allow_public_suffix_wildcards"]
            )
            for rx in matcher.regexes:
                problems += credential_regex_problems(
                    rx,
                    flags["dangerously_allow_credentials_with_any_origin"],
                    flags["dangerously_allow_insecure_origins"],
                    flags["dangerously_allow_public_suffix_wildcards"],
                )
            if origin_check is not None and not getattr(origin_check, "cors_per_request", False):
                warnings.warn(
                    UninspectableOriginCheck(
                        f"allow_credentials=True with origin_check={getattr(origin_check, '__qualname__', origin_check)!r}: "
                        "cors-core cannot inspect a function, so the checks that refuse plain-http origins, 'null', "
                        "public-suffix wildcards and any-origin for credentialed policies do not cover what it allows; "
                        "make sure it only returns True for https origins you control"
                    ),
                    stacklevel=2,
                )

        # Methods (Fetch "normalize a method", "forbidden method").
        methods: list[str] = []
        any_method = False
        for m in _as_list("allow_methods", allow_methods, problems, InvalidMethod):
            if m == "*":
                any_method = True
            elif not isinstance(m, str) or not is_token(m):
                problems.append(InvalidMethod("allow_methods", m, "a method must be an HTTP token", "e.g. 'PUT' or 'PATCH'"))
            elif m.upper() in FORBIDDEN_METHODS:
                problems.append(InvalidMethod("allow_methods", m, "browsers never send this method (Fetch forbidden method)", "remove it"))
            else:
                methods.append(normalize_method(m))  # 'patch' stays 'patch': it matches only 'patch'
        methods = list(dict.fromkeys(methods))

        # Request headers ("*" = all but Authorization).
        headers: list[str] = []
        any_header = False
        for h in _as_list("allow_headers", allow_headers, problems, InvalidHeaderName):
            if h == "*":
                any_header = True
            elif not isinstance(h, str) or not is_token(h):
                problems.append(InvalidHeaderName("allow_headers", h, "a header name must be an HTTP token", "e.g. 'X-Requested-With'"))
            elif is_forbidden_request_header(h):
                problems.append(
                    InvalidHeaderName(
                        "allow_headers", h, "scripts can never set this header (Fetch forbidden request-header)", "remove it"
                    )
                )
            else:
                headers.append(h)
        if flags["allow_any_request_header"]:
            # Every well-formed name, Authorization included, echoed by name: what flask-cors's allow_headers='*' does.
            if headers or not flags["echo_request_headers"]:
                problems.append(
                    InvalidValue(
                        "allow_any_request_header",
                        True,
                        "it allows every requested name and echoes it, so a list of names or echo_request_headers=False "
                        "means nothing beside it",
                        "use allow_any_request_header=True alone, or list the names in allow_headers",
                    )
                )
            any_header = True
        first_spelling: dict[str, str] = {}
        for h in headers:
            first_spelling.setdefault(h.lower(), h)
        spelled_headers = list(first_spelling.values())
        headers = list(first_spelling)

        # Exposed response headers.
        expose: list[str] = []
        expose_any = False
        for h in _as_list("expose_headers", expose_headers, problems, InvalidHeaderName):
            if h == "*":
                expose_any = True
                if credentials:
                    problems.append(
                        InvalidHeaderName(
                            "expose_headers",
                            "*",
                            "with credentials, browsers read '*' as a header literally named '*'",
                            "list the header names to expose",
                        )
                    )
            elif not isinstance(h, str) or not is_token(h):
                problems.append(InvalidHeaderName("expose_headers", h, "a header name must be an HTTP token", "e.g. 'X-Total-Count'"))
            elif h.lower() in FORBIDDEN_RESPONSE_HEADERS:
                problems.append(InvalidHeaderName("expose_headers", h, "browsers never expose Set-Cookie to scripts", "remove it"))
            elif h.lower() not in {e.lower() for e in expose}:
                expose.append(h)
        if expose_any:
            expose = ["*", *expose]

        # Max-age, status, limits.
        if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, int) or not 0 <= max_age <= MAX_MAX_AGE):
            problems.append(
                InvalidValue(
                    "max_age",
                    max_age,
                    f"it must be a whole number of seconds from 0 to {MAX_MAX_AGE}, or None for the browser default (5 s)",
                    "e.g. max_age=600 (0 disables preflight caching)",
                )
            )
            max_age = None
        if isinstance(preflight_status, bool) or not isinstance(preflight_status, int) or not 200 <= preflight_status <= 299:
            problems.append(
                InvalidValue(
                    "preflight_status", preflight_status, "a preflight answer must have an ok status (200-299)", "use 200 or 204"
                )
            )
            preflight_status = 200
        if (
            isinstance(refused_preflight_status, bool)
            or not isinstance(refused_preflight_status, int)
            or not (200 <= refused_preflight_status <= 299 or 400 <= refused_preflight_status <= 499)
        ):
            problems.append(
                InvalidValue(
                    "refused_preflight_status",
                    refused_preflight_status,
                    "a refused preflight is answered with 403 (Fetch's suggestion) or, for old clients, an ok or other 4xx status",
                    "use 403 (the default) or 200",
                )
            )
            refused_preflight_status = 403
        if isinstance(max_request_headers, bool) or not isinstance(max_request_headers, int) or not 1 <= max_request_headers <= 1024:
            problems.append(
                InvalidValue("max_request_headers", max_request_headers, "it must be a whole number from 1 to 1024", "keep the default 64")
            )
            max_request_headers = DEFAULT_MAX_REQUEST_HEADERS

        if problems:
            raise PolicyError(problems)

        set_ = object.__setattr__
        set_(self, "origins", ("*",) if matcher.any else matcher.entries)
        set_(self, "origin_regexes", tuple(rx.pattern for rx in matcher.regexes))
        set_(self, "origin_check", origin_check)
        set_(self, "allow_methods", ("*", *methods) if any_method else tuple(methods))
        set_(self, "allow_headers", ("*", *headers) if any_header else tuple(headers))
        set_(self, "expose_headers", tuple(expose))
        set_(self, "max_age", max_age)
        set_(self, "preflight_status", preflight_status)
        set_(self, "refused_preflight_status", refused_preflight_status)
        set_(self, "max_request_headers", max_request_headers)
        for name, value in flags.items():
            set_(self, name, value)
        self._compile(matcher, any_method, methods, any_header, headers, spelled_headers, expose)

    def _compile(
        self,
        matcher: OriginMatcher,
        any_method: bool,
        methods: list[str],
        any_header: bool,
        headers: list[str],
        spelled_headers: list[str],
        expose: list[str],
    ) -> None:
        """Precompute everything the per-request path needs (sets, joined values, constant dicts)."""
        set_ = object.__setattr__
        credentials = self.allow_credentials
        static = matcher.any and not credentials and not self.echo_origin
        set_(self, "_matcher", matcher)
        set_(self, "_static", static)
        set_(self, "_reflect_any", matcher.any and not static)
        set_(self, "_any_method", any_method)
        set_(self, "_methods", frozenset(methods))
        set_(self, "_acam", ", ".join(methods))
        # Listing the configured names (not echoing) is only possible without '*'.
        set_(self, "_acah", "" if (any_header or self.echo_request_headers) else ", ".join(spelled_headers))
        set_(self, "_any_header", any_header)
        # R21: '*' never covers Authorization, and a name literally '*' is never echoed (a browser reads it as the wildcard).
        never = ("*",) if self.allow_any_request_header else (NON_WILDCARD_REQUEST_HEADER, "*")
        set_(self, "_never_by_wildcard", frozenset(never))
        set_(self, "_headers", frozenset(headers))

        actual: dict[str, str] = {}
        if credentials:
            actual["Access-Control-Allow-Credentials"] = "true"
        if expose:
            actual["Access-Control-Expose-Headers"] = ", ".join(expose)
        # The allowed answer but its Access-Control-Allow-Origin, which is the request's origin (R10-R12, R28, R30).
        set_(self, "_allowed_rest", {**actual, "Vary": "Origin", **({DEBUG_HEADER: "allowed"} if self.debug else {})})
        # The allowed answer to an actual request from a listed exact origin depends on nothing else, so
        # decide() keeps it once built: bounded by the origins list, never grown by what a client sends.
        set_(self, "_exact_answers", {})
        vary_actual = () if static else ("Origin",)
        set_(self, "_vary_actual", vary_actual)
        not_cors: dict[str, str] = {}
        if static:  # R31: a static policy answers every response the same, so no Vary is needed.
            not_cors = {"Access-Control-Allow-Origin": "*", **actual}
        elif vary_actual:
            not_cors = {"Vary": "Origin"}
        set_(self, "_not_cors", MappingProxyType(not_cors))  # shared by every decision: read-only
        # A request without Origin always gets this same answer (R2), so it is built once, not per request; so does
        # every actual request under a static policy (R31), for decide_origin() without the request.
        static_answer = Decision(RequestKind.ACTUAL, True, self._not_cors, (), "allowed", None, None, self) if static else None
        set_(self, "_static_answer", static_answer)
        set_(self, "_no_origin", Decision(RequestKind.NOT_CORS, False, self._not_cors, vary_actual, "no-origin", None, None, self))

        vary_pf = [*vary_actual, "Access-Control-Request-Method", "Access-Control-Request-Headers"]
        if self.allow_private_network:
            vary_pf.append("Access-Control-Request-Private-Network")
        set_(self, "_vary_preflight", tuple(vary_pf))
        set_(self, "_vary_preflight_value", ", ".join(vary_pf))
        # Refusals carry only Vary (R23, R30): one shared, read-only header map per kind (an actual request's is _not_cors).
        set_(self, "_refused_preflight", MappingProxyType({"Vary": self._vary_preflight_value}))
        # The refusal of an actual request from an origin not allowed: only the request differs (see shared_fields);
        # the allowed answer to an origin a pattern matched: only the request and the headers (its origin) differ.
        set_(self, "_refusal", shared_fields(RequestKind.ACTUAL, False, self._not_cors, vary_actual, "origin-not-allowed", self))
        rest = MappingProxyType(self._allowed_rest)  # what reflected_rest() hands adapters: a read-only view
        set_(self, "_pattern_allowed", shared_fields(RequestKind.ACTUAL, True, None, vary_actual, "allowed", self, rest))
        origin_refusal = object.__new__(self._refusal)  # decide_origin()'s refusal, for every origin: names none
        origin_refusal._meta = None
        set_(self, "_origin_refusal", origin_refusal)
        extra: dict[str, str] = {}
        if credentials:
            extra["Access-Control-Allow-Credentials"] = "true"
        if self.max_age is not None:
            extra["Access-Control-Max-Age"] = str(self.max_age)
        set_(self, "_preflight_extra", extra)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Policy is immutable; use policy.replace(...) to derive a new one")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Policy is immutable")

    @property
    def is_static(self) -> bool:
        """True if every response gets the same headers whatever the Origin (any origin, no credentials)."""
        return self._static

    def to_dict(self) -> dict[str, Any]:
        """The normalised configuration; ``Policy(**p.to_dict())`` builds an equal policy."""
        out: dict[str, Any] = {}
        for name in _OPTIONS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def replace(self, **changes: Any) -> Policy:
        """A new policy with some options changed (validated again as a whole)."""
        options = self.to_dict()
        options["origin_regexes"] = list(self._matcher.regexes)  # compiled: keeps flags such as re.VERBOSE
        options.update(changes)  # an unknown name is refused by Policy() itself, with the option it probably means
        return Policy(**options)

    def __repr__(self) -> str:
        defaults = {
            "preflight_status": 200,
            "refused_preflight_status": 403,
            "max_request_headers": DEFAULT_MAX_REQUEST_HEADERS,
            "echo_request_headers": True,
        }
        shown = {k: v for k, v in self.to_dict().items() if (v != defaults[k] if k in defaults else v not in (None, False, []))}
        return "Policy(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and self.to_dict() == other.to_dict() and self._matcher.regexes == other._matcher.regexes

    def __hash__(self) -> int:
        return hash(repr(self))

    def allows_authorization(self) -> bool:
        """True if the policy lists Authorization explicitly (``*`` never covers it) or allows any request header."""
        return NON_WILDCARD_REQUEST_HEADER in self._headers or self.allow_any_request_header
