"""No ReDoS: catastrophic regexes are refused when a policy is built, and request values are bounded first.

The approach (documented in docs/security.md): cors_core.redos walks the parsed pattern and refuses any
repetition whose body can itself repeat or alternate, at any depth; in addition a request Origin longer
than 1024 characters, or not shaped like a serialised origin, is refused before any user regex (or
origin_check) sees it. These tests need no clock: they check what is refused and what code runs.
"""

from __future__ import annotations

import re

import pytest

from cors_core import InvalidOrigin, InvalidPathRule, Policy, PolicyError, PolicySet, RequestMeta, decide
from cors_core.origins import MAX_ORIGIN_LENGTH
from cors_core.redos import is_catastrophic

CATASTROPHIC = (
    r"https://(a+)+\.example\.com",
    r"https://((a)+)+\.example\.com",  # nesting through an inner group: the old textual check let it through
    r"https://(?:[a-z]+)*\.example\.com",
    r"https://(a|aa)*\.example\.com",  # overlapping alternatives under a repetition
    r"https://(x+x+)+y",
    r"https://(\w+\d*)+\.example\.com",
    r"https://(a*){2,}\.example\.com",
    r"https://(?=(a+)+)a\.example\.com",
)
SAFE = (
    r"https://[a-z0-9-]+\.example\.com",
    r"https://pr-[0-9]{1,6}\.preview\.example\.net(:[0-9]+)?",
    r"https://(?:www\.|api\.)?example\.com",
    r"https://example\.com|https://example\.org",
    r"chrome-extension://[a-p]{32}",
)


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_origin_regex_is_refused_at_build_time(pattern: str) -> None:
    with pytest.raises(PolicyError) as caught:
        Policy(["https://app.example.com"], origin_regexes=[pattern])
    assert [type(p) for p in caught.value.problems] == [InvalidOrigin]
    assert "exponential" in str(caught.value)
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
