"""No ReDoS: catastrophic regexes are refused when a policy is built, and request values are bounded first.

The approach (documented in docs/security.md): cors_core.redos walks the parsed pattern and refuses any
repetition whose body can itself repeat or alternate, at any depth; in addition a request Origin longer
than 1024 characters, or not shaped like a serialised origin, is refused before any user regex (or
origin_check) sees it. These tests need no clock: they check what is refused and what code runs.
"""

from __future__ import annotations

import re
import time

import pytest

from cors_core import InvalidOrigin, InvalidPathRule, Policy, PolicyError, PolicySet, RequestMeta, decide
from cors_core.origins import MAX_ORIGIN_LENGTH
from cors_core.paths import MAX_REGEX_PATH_LENGTH
from cors_core.redos import backtracking_problem, is_catastrophic, polynomial_degree

CATASTROPHIC = (
    r"https://(a+)+\.example\.com",
    r"https://((a)+)+\.example\.com",  # nesting through an inner group: the old textual check let it through
    r"https://(?:[a-z]+)*\.example\.com",
    r"https://(a|aa)*\.example\.com",  # overlapping alternatives under a repetition
    r"https://(x+x+)+y",
    r"https://(\w+\d*)+\.example\.com",
    r"https://(a*){2,}\.example\.com",
    r"https://(?=(a+)+)a\.example\.com",
    r"https://(?:[a-z0-9]?[a-z0-9]?)+\.example\.com",  # optional items inside a repeat (issue 11: 40 bytes took seconds)
    r"https://(?:[a-z0-9-]?){24}[a-z0-9-]{24}\.example\.com",
    r"https://([a-z.]+\.)+example\.com",  # the '.' that ends a round is one the run can take too
    r"https://([a-z]+[a-z]+\.)+example\.com",  # two runs that trade characters inside each round
    r"(?i)https://([a-z]+A)+\.example\.com",  # 'A' ends a round, but the run takes it too when case is ignored
    r"https://(([a-z]+\.)+x)+\.example\.com",  # a pinned repetition inside one that is not
)
SAFE = (
    r"https://[a-z0-9-]+\.example\.com",
    r"https://pr-[0-9]{1,6}\.preview\.example\.net(:[0-9]+)?",
    r"https://(?:www\.|api\.)?example\.com",
    r"https://example\.com|https://example\.org",
    r"chrome-extension://[a-p]{32}",
    r"^https://([a-z0-9-]+\.)+example\.com$",  # the usual "any depth of subdomain" regex: each round ends at its '.'
    r"^https://(\w+\.)*example\.com$",
    r"https://api(\.[a-z0-9-]+)+\.example\.com",  # each round starts at its '.'
)


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_origin_regex_is_refused_at_build_time(pattern: str) -> None:
    with pytest.raises(PolicyError) as caught:
        Policy(["https://app.example.com"], origin_regexes=[pattern])
    assert [type(p) for p in caught.value.problems] == [InvalidOrigin]
    assert "exponential" in str(caught.value) or "O(n^" in str(caught.value)
    with pytest.raises(PolicyError):  # compiled patterns too
        Policy(["https://app.example.com"], origin_regexes=[re.compile(pattern)])


@pytest.mark.parametrize("pattern", SAFE)
def test_ordinary_origin_regexes_are_accepted(pattern: str) -> None:
    assert not is_catastrophic(pattern)
    assert Policy(origin_regexes=[pattern]).origin_regexes == (pattern,)


def test_catastrophic_path_regex_is_refused_at_build_time() -> None:
    """Request paths have no length bound in the core, so PolicySet refuses such regexes itself."""
    with pytest.raises(PolicyError) as caught:
        PolicySet({re.compile(r"/api/((a)+)+/x"): Policy("*")})
    assert [type(p) for p in caught.value.problems] == [InvalidPathRule]
    PolicySet({re.compile(r"/v[0-9]+/.*"): Policy("*")})  # an ordinary one is fine


class _Spy:
    """Stands in for a compiled regex and records which Origins reached it."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.pattern = "spy"

    def fullmatch(self, origin: str) -> None:
        self.seen.append(origin)


def test_no_regex_or_origin_check_runs_on_an_overlong_or_malformed_origin() -> None:
    """R7: the length bound and the shape check come before any user regex or callback."""
    checked: list[str] = []
    policy = Policy(origin_regexes=[r"https://[a-z]+\.example\.com"], origin_check=lambda o: checked.append(o) is None and False)
    spy = _Spy()
    policy._matcher.regexes = (spy,)  # type: ignore[assignment]
    evil = "https://" + "a" * MAX_ORIGIN_LENGTH + ".example.com"
    for origin in (evil, "https://a.example.com/" + "a" * 5000, "https://" + "a" * 10**6, "https://A.example.com"):
        assert not decide(RequestMeta("GET", "/", origin), policy).allowed
    assert spy.seen == [] and checked == []
    just_inside = "https://" + "a" * (MAX_ORIGIN_LENGTH - len("https://.example.com")) + ".example.com"
    assert len(just_inside) == MAX_ORIGIN_LENGTH
    decide(RequestMeta("GET", "/", just_inside), policy)
    assert spy.seen == [just_inside] and checked == [just_inside]


def test_catastrophic_regexes_are_refused_by_the_compat_layers_too() -> None:
    """flask-cors style ``origins`` regexes and django-cors-headers style CORS_ALLOWED_ORIGIN_REGEXES."""
    from cors_flask import CORS
    from django.core.exceptions import ImproperlyConfigured
    from flask import Flask

    from ._runners import django_app, django_settings

    with pytest.raises(PolicyError):
        CORS(Flask("redos"), origins=[r"https://((a)+)+\.example\.com"])
    with django_settings(None, CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://((a)+)+\.example\.com$"]):
        with pytest.raises(ImproperlyConfigured, match="exponential"):
            django_app()


# --- issue 11, item 4: no ReDoS wherever a regex runs ----------------------------------------------------------

#: A generous ceiling for one worst-case request (normal cost is well under 0.1 s even on a loaded machine).
WORST_CASE_SECONDS = 2.0
POLYNOMIAL = (r"/api/[^?]*/[^?]*/[^?]*/download", r"/a/.*/.*/.*/.*/z", r"/a/.*/b/.*/c/.*", r"https://[a-z.]*[a-z.]*[a-z.]*\.x\.com")


def _worst(seconds: list[float], run: object) -> None:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    seconds.append(time.perf_counter() - start)


@pytest.mark.parametrize("pattern", POLYNOMIAL)
def test_cubic_backtracking_regexes_are_refused_for_paths_and_origins(pattern: str) -> None:
    """Three or more unbounded runs that trade characters: O(n^3) (the issue's 4 KB path took 10 s)."""
    assert polynomial_degree(pattern) >= 3
    assert "O(n^" in (backtracking_problem(pattern) or "")
    with pytest.raises(PolicyError, match=r"O\(n\^"):
        PolicySet({re.compile(pattern): Policy("*")})
    with pytest.raises(PolicyError, match=r"O\(n\^"):
        Policy(origin_regexes=[pattern])


@pytest.mark.parametrize("pattern", [r"/api/[a-z]+/[0-9]+/[a-z]+", r"/v[0-9]+/.*", r"/api/[^?]*/[^?]*/download", r"/files/.*\.pdf"])
def test_linear_and_quadratic_path_regexes_are_accepted(pattern: str) -> None:
    assert polynomial_degree(pattern) <= 2 and not is_catastrophic(pattern)
    PolicySet({re.compile(pattern): Policy("*")})


def test_worst_case_path_regex_runs_in_bounded_time_on_any_path_a_server_accepts() -> None:
    """The slowest accepted shape (quadratic) on its worst path, at and far beyond the bound (64 KB request lines)."""
    rules = PolicySet({re.compile(r"/api/[^?]*/[^?]*/download"): Policy("*"), re.compile(r"/a/.*/.*/z"): Policy("*")})
    seconds: list[float] = []
    for length in (MAX_REGEX_PATH_LENGTH, MAX_REGEX_PATH_LENGTH + 1, 64 * 1024):
        for path in ("/api/" + "/" * (length - 5), "/a/" + "/" * (length - 3)):
            _worst(seconds, lambda path=path: rules.policy_for(path))
            _worst(seconds, lambda path=path: decide(RequestMeta("GET", path, "https://x.example"), rules))
    assert max(seconds) < WORST_CASE_SECONDS, seconds


def test_worst_case_origin_regex_runs_in_bounded_time() -> None:
    policy = Policy(origin_regexes=[r"https://[a-z.]*[a-z.]*\.example\.com"])
    seconds: list[float] = []
    for origin in ("https://" + "a" * (MAX_ORIGIN_LENGTH - 8), "https://" + "a" * 10**5, "https://" + "." * (MAX_ORIGIN_LENGTH - 8)):
        _worst(seconds, lambda origin=origin: decide(RequestMeta("GET", "/", origin), policy))
    assert max(seconds) < WORST_CASE_SECONDS, seconds


def test_pinned_repetitions_backtrack_linearly() -> None:
    """([a-z0-9-]+\\.)+ is accepted because every round ends at a '.' the run cannot take: measured, not assumed."""
    policy = Policy(origin_regexes=[r"^https://([a-z0-9-]+\.)+example\.com$", r"https://api(\.[a-z0-9-]+)+\.example\.net"])
    seconds: list[float] = []
    for body in ("a." * 508, "a" * 1016, "-." * 500 + "example.co", "a" * 500 + "." + "a" * 500, ".a" * 508):
        for origin in ("https://" + body + "x", "https://api" + body):
            _worst(seconds, lambda origin=origin: decide(RequestMeta("GET", "/", origin), policy))
    assert max(seconds) < WORST_CASE_SECONDS / 100, seconds  # milliseconds at most: no backtracking blow-up
    assert decide(RequestMeta("GET", "/", "https://a.b-c.example.com"), policy).allowed


def test_the_issues_exponential_origin_regex_is_refused_before_it_can_run() -> None:
    """(?:[a-z0-9]?[a-z0-9]?)+ on a 40-byte Origin took seconds, 45 bytes minutes: it never gets built now."""
    with pytest.raises(PolicyError, match="be left out"):
        Policy(origin_regexes=[r"https://(?:[a-z0-9]?[a-z0-9]?)+\.example\.com"])


def test_django_cors_urls_regex_with_redos_fails_manage_py_check() -> None:
    """CORS_URLS_REGEX runs on every request's path, no Origin needed: r'^/api/(\\w+/?)+$' (4 s at 26 chars) is E106."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from ._runners import django_settings

    for pattern in (r"^/api/(\w+/?)+$", r"^/api/[^?]*/[^?]*/[^?]*/download"):
        with django_settings(None, CORS_URLS_REGEX=pattern, CORS_ALLOWED_ORIGINS=["https://app.example"]):
            with pytest.raises(SystemCheckError, match=r"cors_django\.E106.*CORS_URLS_REGEX"):
                call_command("check")


def test_django_cors_urls_regex_never_runs_on_a_path_over_the_bound() -> None:
    from ._runners import _call, django_app, django_settings, environ_for

    seconds: list[float] = []
    with django_settings(None, CORS_URLS_REGEX=r"^/api/[^?]*/[^?]*/x$", CORS_ALLOWED_ORIGINS=["https://app.example"]):
        app, ran = django_app()
        inside = _call(app, environ_for("GET", "/api/a/b/x", (("Origin", "https://app.example"),)), ran)
        assert inside.getlist("Access-Control-Allow-Origin") == ["https://app.example"]
        for length in (MAX_REGEX_PATH_LENGTH, 64 * 1024):
            path = "/api/" + "/" * (length - 5)
            _worst(seconds, lambda path=path: _call(app, environ_for("GET", path, (("Origin", "https://app.example"),)), ran))
        long_match = environ_for("GET", "/api/" + "a" * MAX_REGEX_PATH_LENGTH + "/b/x", (("Origin", "https://app.example"),))
        assert _call(app, long_match, ran).getlist("Access-Control-Allow-Origin") == []  # over the bound: CORS off
    assert max(seconds) < WORST_CASE_SECONDS, seconds


def test_flask_resource_patterns_with_redos_are_refused_at_cors_app() -> None:
    from cors_flask import CORS
    from flask import Flask

    for pattern in (r"/api/(\w+/?)+", r"/api/[^?]*/[^?]*/[^?]*/download"):
        with pytest.raises(PolicyError, match="ReDoS"):
            CORS(Flask("redos"), resources={pattern: {"origins": "*"}, r"/other/*": {"origins": "*"}})
