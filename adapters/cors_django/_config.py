"""Turning Django settings into a validated cors_core policy, with every problem as a system-check Error.

Two ways to configure: ``CORS_POLICY`` (a ``Policy`` or ``PolicySet``, output identical to the other
adapters), or the django-cors-headers settings (drop-in; see docs/django.md for what each one maps to).
All validation is the core's; this module only maps settings to ``Policy`` options and the core's
problems back to setting names and stable check ids.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.utils.module_loading import import_string

from cors_core import ConfigProblem, Decision, InsecureConfiguration, Policy, PolicyError, PolicySet, decision_without_origin
from cors_core.paths import MAX_REGEX_PATH_LENGTH
from cors_core.redos import backtracking_problem
from cors_core.refusal_log import ReportCallback, check_report_only, policy_label

from .conf import conf, setting_name
from .signals import check_request_enabled

#: The request being decided, for the signal-based origin check (set only around ``decide``).
current_request: ContextVar[HttpRequest | None] = ContextVar("cors_django_request", default=None)

# Core option -> (check id, what the whole setting should be, what one item is called).
_OPTION_INFO = {
    "allow_headers": ("E001", "a list or tuple of header names", "Header"),
    "allow_any_request_header": ("E001", "a list or tuple of header names, or ['*']", ""),
    "allow_methods": ("E002", "a list or tuple of method names", "Method"),
    "allow_credentials": ("E003", "True or False", ""),
    "max_age": ("E004", "a whole number of seconds from 0 to 86400", ""),
    "origins": ("E006", "a list or tuple of origins such as 'https://app.example.com'", "Origin"),
    "origin_regexes": ("E007", "a list or tuple of regular expressions (str or compiled)", "Regex"),
    "expose_headers": ("E008", "a list or tuple of header names", "Header"),
    "allow_private_network": ("E015", "True or False", ""),
}
# Policy options that the django-cors-headers settings fill in; CORS_POLICY_OPTIONS may not set them.
_MAPPED = frozenset({*_OPTION_INFO, "origin_check"})


#: The settings that CORS_POLICY replaces: django-cors-headers' (with their old aliases) and CORS_POLICY_OPTIONS.
SETTINGS_BESIDE_POLICY = (
    "CORS_ALLOWED_ORIGINS",
    "CORS_ORIGIN_WHITELIST",
    "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ORIGIN_REGEX_WHITELIST",
    "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ORIGIN_ALLOW_ALL",
    "CORS_URLS_REGEX",
    "CORS_ALLOW_METHODS",
    "CORS_ALLOW_HEADERS",
    "CORS_EXPOSE_HEADERS",
    "CORS_PREFLIGHT_MAX_AGE",
    "CORS_ALLOW_CREDENTIALS",
    "CORS_ALLOW_PRIVATE_NETWORK",
    "CORS_POLICY_OPTIONS",
)


def _id(code: str) -> str:
    return f"cors_django.{code}"


def _err(code: str, msg: str, hint: str) -> Error:
    return Error(msg, hint=hint, id=_id(code))


def _signal_says_yes(request: HttpRequest) -> bool:
    """True if any ``check_request_enabled`` receiver returns a truthy value for *request*."""
    if not check_request_enabled.has_listeners():
        return False
    return any(result for _, result in check_request_enabled.send(sender=None, request=request))


def signal_allows(origin: str) -> bool:
    """Origin check of the settings mode: the signal, asked about the request being decided."""
    request = current_request.get()
    return request is not None and _signal_says_yes(request)


# Its receivers see the whole request (path, user), so its answer is never cached per origin.
signal_allows.cors_per_request = True  # type: ignore[attr-defined]


@dataclass
class Config:
    """What the middleware needs per request, built once from the settings."""

    #: The policy or policy set; in settings mode always a single ``Policy``.
    policy: Policy | PolicySet
    #: Settings mode: CORS_URLS_REGEX (matched with ``re.match`` on ``path_info``, as django-cors-headers does).
    urls_regex: re.Pattern[str] | None = None
    #: True in settings mode: format the answers like django-cors-headers where that is harmless.
    compat: bool = False
    _vary: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    #: The policy when one Policy covers every path (no PolicySet, no CORS_URLS_REGEX): the middleware's short path.
    everywhere: Policy | None = field(init=False, default=None)
    #: The core's shared answer to every request without Origin under ``everywhere``, and its Vary names.
    no_origin: Decision | None = field(init=False, default=None)
    no_origin_vary: tuple[str, ...] = field(init=False, default=())
    #: ``no_origin`` as entries of Django's header store ({lower name: (name, value)}), Vary included.
    no_origin_store: dict[str, tuple[str, str]] = field(init=False, default_factory=dict)
    #: CORS_REPORT_ONLY_POLICY and CORS_REPORT_ONLY_CALLBACK: the candidate compared on every CORS request, and who is told.
    report_only: Policy | PolicySet | None = field(init=False, default=None)
    on_report: ReportCallback | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        policy = self.policy
        if isinstance(policy, Policy) and self.urls_regex is None:
            self.everywhere = policy
            self.no_origin = first = decision_without_origin(policy)
            assert first is not None  # a Policy always has one
            self.no_origin_vary = vary = self.vary_names(first.vary)
            self.no_origin_store = {name.lower(): (name, value) for name, value in first.headers.items() if name != "Vary"}
            if vary:
                self.no_origin_store["vary"] = ("Vary", ", ".join(vary))

    def policy_for(self, request: HttpRequest) -> Policy | None:
        """The policy that applies to *request*, or None when CORS is off for it."""
        policy = self.policy
        if isinstance(policy, PolicySet):
            return policy.policy_for(request.path_info)
        rx = self.urls_regex
        # CORS_URLS_REGEX runs on every path, Origin or not: never on one longer than the ReDoS bound.
        if rx is None or (len(request.path_info) <= MAX_REGEX_PATH_LENGTH and rx.match(request.path_info)):
            return policy
        return policy if _signal_says_yes(request) else None

    def label(self, request: HttpRequest) -> str:
        """Which setting's policy applied to *request* (for the log's ``cors_policy``)."""
        if self.compat:
            return "CORS_* settings"
        return policy_label(self.policy, request.path_info, "CORS_POLICY")

    def vary_names(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The Vary names to merge; lowercase in settings mode ("origin", as django-cors-headers writes it)."""
        if not self.compat:
            return names
        lowered = self._vary.get(names)
        if lowered is None:
            lowered = self._vary[names] = tuple(n.lower() for n in names)
        return lowered


def _problem_error(problem: ConfigProblem, setting: str, whole: object) -> Error:
    """One core problem as a check Error naming the Django setting, in the message and in the hint."""
    core_option = problem.option
    if re.fullmatch(r"CORS_[A-Z_]+", setting) and setting != "CORS_POLICY_OPTIONS":  # hints in the setting's own words
        problem = problem.named(setting, " = ")
    hint = problem.fix
    if "dangerously_" in hint:
        hint += " (core options such as this go in the CORS_POLICY_OPTIONS setting, a dict)"
    if isinstance(problem, InsecureConfiguration):
        return Error(f"{setting}: {problem.message}.", hint=hint, id=_id("E100"))
    info = _OPTION_INFO.get(core_option)
    if info is None:
        return Error(f"CORS_POLICY_OPTIONS[{core_option!r}]={problem.value!r}: {problem.message}.", hint=hint, id=_id("E103"))
    code, expected, item = info
    if problem.value is whole or not item:
        why = "" if problem.message.startswith("it must be") else f"; {problem.message}"  # say the point once (E003, E004)
        return Error(f"{setting} should be {expected}{why} (got {problem.value!r}).", hint=hint, id=_id(code))
    if core_option == "origins":
        code = _origin_code(problem.value)
    return Error(f"{item} {problem.value!r} in {setting}: {problem.message}.", hint=hint, id=_id(code))


def _origin_code(value: object) -> str:
    """E013 (no scheme or host) and E014 (path, query or fragment) as in django-cors-headers; E101 otherwise."""
    if not isinstance(value, str):
        return "E006"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "E013"
    if parts.scheme == "file":
        return "E101"
    if not parts.scheme or not parts.netloc:
        return "E013"
    if parts.path or parts.query or parts.fragment:
        return "E014"
    return "E101"


def _from_policy_setting(value: object) -> tuple[Config | None, list[Error]]:
    if not isinstance(value, (Policy, PolicySet)):
        return None, [
            Error(
                f"CORS_POLICY should be a cors_core.Policy or cors_core.PolicySet, not {type(value).__name__}.",
                hint="e.g. CORS_POLICY = Policy(['https://app.example.com'])",
                id=_id("E104"),
            )
        ]
    clashing = [
        name
        for name in SETTINGS_BESIDE_POLICY
        if hasattr(settings, name)
    ]
    if clashing:
        return None, [
            Error(
                f"CORS_POLICY replaces the other CORS settings, which would be ignored: {', '.join(clashing)}.",
                hint="Put everything in CORS_POLICY, or remove CORS_POLICY and use the CORS_* settings.",
                id=_id("E105"),
            )
        ]
    return Config(value), []


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def load() -> tuple[Config | None, list[Error]]:
    """Build the configuration from the current settings: (config, []) or (None, every problem found)."""
    config, errors = _load_enforced()
    report_only, on_report = conf.CORS_REPORT_ONLY_POLICY, conf.CORS_REPORT_ONLY_CALLBACK
    if isinstance(on_report, str):
        try:
            on_report = import_string(on_report)
        except ImportError as exc:
            problem = f"CORS_REPORT_ONLY_CALLBACK {on_report!r} cannot be imported: {exc}."
            errors.append(_err("E109", problem, "Give the dotted path of a function, e.g. 'myproject.cors.report'."))
            on_report = None
    try:
        check_report_only(report_only, on_report, "CORS_REPORT_ONLY_POLICY", "CORS_REPORT_ONLY_CALLBACK")
    except TypeError as exc:
        errors.append(_err("E108", f"{exc}.", "e.g. CORS_REPORT_ONLY_POLICY = Policy(['https://app.example.com'])"))
    if errors:
        return None, errors
    if config is not None:
        config.report_only, config.on_report = report_only, on_report
    return config, errors


def _load_enforced() -> tuple[Config | None, list[Error]]:
    """The enforced configuration: CORS_POLICY, or the django-cors-headers settings."""
    policy_setting = conf.CORS_POLICY
    if policy_setting is not None:
        return _from_policy_setting(policy_setting)

    errors: list[Error] = []
    if hasattr(settings, "CORS_MODEL"):
        errors.append(
            _err("E012", "The CORS_MODEL setting was removed from django-cors-headers in 3.0.", "Use the check_request_enabled signal.")
        )
    if hasattr(settings, "CORS_REPLACE_HTTPS_REFERER"):
        errors.append(
            Error(
                "The CORS_REPLACE_HTTPS_REFERER setting was removed from django-cors-headers in 3.0.",
                hint="Set CSRF_TRUSTED_ORIGINS instead.",
                id=_id("E013"),
            )
        )

    all_name = setting_name("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
    allow_all = conf.CORS_ALLOW_ALL_ORIGINS
    if not isinstance(allow_all, bool):
        errors.append(_err("E005", f"{all_name} should be True or False (got {allow_all!r}).", f"{all_name} = True"))
        allow_all = False

    urls_regex: re.Pattern[str] | None = None
    raw_regex = conf.CORS_URLS_REGEX
    if isinstance(raw_regex, re.Pattern):
        urls_regex = raw_regex
    elif isinstance(raw_regex, str):
        try:
            # The default '^.*$' matches every path_info (which has no newline): no need to run it per request.
            urls_regex = None if raw_regex in ("^.*$", ".*", "^.*") else re.compile(raw_regex)
        except re.error as exc:
            errors.append(_err("E009", f"CORS_URLS_REGEX does not compile: {exc}.", "Fix the regular expression."))
    else:
        errors.append(_err("E009", f"CORS_URLS_REGEX should be a string or a compiled regex (got {raw_regex!r}).", r"e.g. r'^/api/'"))
    slow = None if urls_regex is None else backtracking_problem(urls_regex.pattern, urls_regex.flags)
    if slow is not None:
        errors.append(
            _err(
                "E106",
                f"CORS_URLS_REGEX {urls_regex.pattern!r}: {slow}; it runs on the path of every request, no Origin needed (ReDoS).",
                r"Match a prefix without nested repetition, e.g. r'^/api/' or r'^/api/[\w/]*$'.",
            )
        )

    origins_name = setting_name("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")
    regexes_name = setting_name("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")
    origins = conf.CORS_ALLOWED_ORIGINS
    if _is_list(origins) and "*" in origins:
        errors.append(
            Error(
                f"Origin '*' in {origins_name}: '*' is not an origin.",
                hint="Set CORS_ALLOW_ALL_ORIGINS = True to allow every origin.",
                id=_id("E013"),
            )
        )
        origins = [o for o in origins if o != "*"]

    # 0 is sent as "Access-Control-Max-Age: 0" (no caching), where django-cors-headers sends nothing (5 s in browsers).
    max_age = conf.CORS_PREFLIGHT_MAX_AGE

    extra = conf.CORS_POLICY_OPTIONS
    if not isinstance(extra, dict):
        errors.append(
            _err("E103", f"CORS_POLICY_OPTIONS should be a dict of cors_core.Policy options (got {extra!r}).", "e.g. {'debug': True}")
        )
        extra = {}
    taken = sorted(set(extra) & _MAPPED)
    unknown = sorted(k for k in extra if k not in _MAPPED and k not in Policy.__init__.__kwdefaults__)  # type: ignore[operator]
    if taken or unknown:
        for key in taken:
            errors.append(_err("E103", f"CORS_POLICY_OPTIONS[{key!r}] is set through its own CORS_* setting.", "Use that setting."))
        for key in unknown:
            errors.append(_err("E103", f"CORS_POLICY_OPTIONS[{key!r}] is not a cors_core.Policy option.", "See docs/policy.md."))
        extra = {}

    if extra.get("origin_check_cacheable") is True and not allow_all:
        errors.append(
            _err(
                "E103",
                "CORS_POLICY_OPTIONS['origin_check_cacheable'] cannot be True with the CORS_* settings: the origin check is then "
                "the check_request_enabled signal, whose receivers see the whole request (its path, its user), so an answer "
                "cached for one origin on one path would be reused for that origin on every other path.",
                "Remove 'origin_check_cacheable' from CORS_POLICY_OPTIONS.",
            )
        )
        extra = {k: v for k, v in extra.items() if k != "origin_check_cacheable"}

    allow_headers = conf.CORS_ALLOW_HEADERS
    # django-cors-headers sends '*' as it is, which browsers (Chromium, Firefox) read as every name, Authorization
    # included: the core's allow_any_request_header, not its own '*' (which never covers Authorization, R21).
    any_header = _is_list(allow_headers) and "*" in allow_headers
    values: dict[str, Any] = {
        "origins": "*" if allow_all else origins,
        "origin_regexes": () if allow_all else conf.CORS_ALLOWED_ORIGIN_REGEXES,
        "origin_check": None if allow_all else signal_allows,
        "allow_credentials": conf.CORS_ALLOW_CREDENTIALS,
        "allow_methods": conf.CORS_ALLOW_METHODS,
        "allow_headers": () if any_header else allow_headers,
        "allow_any_request_header": any_header,
        "expose_headers": conf.CORS_EXPOSE_HEADERS,
        "max_age": max_age,
        "allow_private_network": conf.CORS_ALLOW_PRIVATE_NETWORK,
    }
    names = {
        "origins": all_name if allow_all else origins_name,
        "origin_regexes": regexes_name,
        "allow_credentials": "CORS_ALLOW_CREDENTIALS",
        "allow_methods": "CORS_ALLOW_METHODS",
        "allow_headers": "CORS_ALLOW_HEADERS",
        "allow_any_request_header": "CORS_ALLOW_HEADERS",
        "expose_headers": "CORS_EXPOSE_HEADERS",
        "max_age": "CORS_PREFLIGHT_MAX_AGE",
        "allow_private_network": "CORS_ALLOW_PRIVATE_NETWORK",
    }
    policy: Policy | None = None
    try:
        # As django-cors-headers answers: 200 for preflights, and the configured header list rather than an echo.
        answers = {"preflight_status": 200, "refused_preflight_status": 200, "echo_request_headers": any_header}
        policy = Policy(**{**answers, **extra, **values})
    except PolicyError as exc:
        for problem in exc.problems:
            if isinstance(problem, InsecureConfiguration) and problem.option == "origins" and allow_all:
                setting = f"{all_name} with CORS_ALLOW_CREDENTIALS"
                problem = InsecureConfiguration(
                    problem.option,
                    problem.value,
                    problem.message,
                    f"set {all_name} = False and list the origins that may send credentials in CORS_ALLOWED_ORIGINS, "
                    "e.g. ['https://app.example.com'] (or, if you really mean it, "
                    "CORS_POLICY_OPTIONS = {'dangerously_allow_credentials_with_any_origin': True})",
                )
            else:
                setting = names.get(problem.option, "CORS_POLICY_OPTIONS")
            errors.append(_problem_error(problem, setting, values.get(problem.option, extra.get(problem.option))))
    if allow_all:  # the lists are ignored then, but a mistake in them is still reported (as django-cors-headers does)
        lists = {"origins": origins, "origin_regexes": conf.CORS_ALLOWED_ORIGIN_REGEXES}
        try:
            Policy(lists["origins"], origin_regexes=lists["origin_regexes"], origin_check=signal_allows)
        except PolicyError as exc:
            for problem in exc.problems:
                setting = origins_name if problem.option == "origins" else regexes_name
                errors.append(_problem_error(problem, setting, lists.get(problem.option)))
    if errors or policy is None:
        return None, errors
    return Config(policy, urls_regex, compat=True), []


# The built configuration, cached until a CORS_* setting changes (Django's setting_changed signal). The
# generation counter keeps a build that raced with a settings change from being stored: that change would be lost.
_cache: tuple[Config | None, list[Error]] | None = None
#: The cached Config when it has one Policy for every path (``everywhere``): what the middleware's short path reads.
fast: Config | None = None
_generation = 0
_lock = threading.Lock()


def invalidate() -> None:
    """Forget the built configuration; the next request or check builds it again."""
    global _cache, _generation, fast
    with _lock:
        _generation += 1
        _cache = None
        fast = None


def cached() -> tuple[Config | None, list[Error]]:
    """The configuration built from the current settings, built at most once per settings change."""
    global _cache, fast
    found = _cache
    if found is not None:
        return found
    generation = _generation
    found = load()
    with _lock:
        if generation == _generation:
            _cache = found
            config = found[0]
            fast = config if config is not None and config.everywhere is not None else None
    return found


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CORS_"):
        invalidate()


setting_changed.connect(_on_setting_changed, dispatch_uid="cors_django.settings")
