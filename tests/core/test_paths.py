"""PolicySet: path rules with one documented precedence, and the flask-cors CVE classes at core level.

flask-cors CVE-2024-6839 (regex priority by pattern length), CVE-2024-6844 (``+`` decoded to a space),
CVE-2024-6866 (case-insensitive path matching): each has a test below.
"""

from __future__ import annotations

import re

import pytest

from cors_core import InvalidPathRule, Policy, PolicyError, PolicySet, RequestKind
from cors_core.paths import normalize_path

from ._support import actual, preflight

PUBLIC = Policy("*")
API = Policy(["https://api-client.example"], allow_methods=["PUT"])
ADMIN = Policy(["https://admin.example"], allow_methods=["PUT"], allow_credentials=True)
JSON = Policy(["https://json.example"])
V1 = Policy(["https://v1.example"])
DEFAULT = Policy(["https://default.example"])

SET = PolicySet(
    [
        (re.compile(r"/api/.*"), JSON),  # a long, general regex given first must not beat a specific rule
        ("/api/*", API),
        ("/api/admin", ADMIN),
        ("/api/v1/*", V1),
        ("/public/*", PUBLIC),
    ],
    default=DEFAULT,
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/admin", ADMIN),  # exact beats every prefix
        ("/api/admin/", API),  # exact is exact: the trailing slash falls to the prefix
        ("/api/v1/users", V1),  # longest prefix
        ("/api/v1", V1),  # a prefix rule covers the bare prefix too
        ("/api/users", API),
        ("/api", API),
        ("/apix", DEFAULT),  # prefix on segment boundaries only
        ("/public/logo.png", PUBLIC),
        ("/elsewhere", DEFAULT),
    ],
)
def test_precedence_exact_then_longest_prefix_then_regex_then_default(path: str, expected: Policy) -> None:
    assert SET.policy_for(path) is expected


def test_regexes_apply_in_order_after_prefixes_and_full_match() -> None:
    first = Policy(["https://first.example"])
    second = Policy(["https://second.example"])
    s = PolicySet([(re.compile(r"/files/.*\.json"), first), (re.compile(r"/files/.*"), second)])
    assert s.policy_for("/files/a.json") is first
    assert s.policy_for("/files/a.json.txt") is second  # full match, not search
    assert s.policy_for("/x/files/a.json") is None


def test_priority_is_by_specificity_not_regex_length() -> None:
    """CVE-2024-6839 class: a longer regex must not outrank a more specific exact or prefix rule."""
    s = PolicySet([(re.compile(r"/api/(users|admin|settings|anything-long-here)(/.*)?"), PUBLIC), ("/api/admin", ADMIN)])
    assert s.policy_for("/api/admin") is ADMIN
    assert s.policy_for("/api/users") is PUBLIC


@pytest.mark.parametrize("path", ["/API/admin", "/Api/Admin", "/api/ADMIN"])
def test_matching_is_case_sensitive(path: str) -> None:
    """CVE-2024-6866 class: /API/admin is not /api/admin."""
    s = PolicySet({"/api/admin": ADMIN, "/api/*": API})
    assert s.policy_for(path) is not ADMIN


def test_plus_is_not_decoded() -> None:
    """CVE-2024-6844 class: '+' in a path stays '+', it does not become a space."""
    s = PolicySet({"/a b": ADMIN, "/a+b": PUBLIC})
    assert s.policy_for("/a+b") is PUBLIC
    assert s.policy_for("/a b") is ADMIN
    assert PolicySet({"/a b": ADMIN}).policy_for("/a+b") is None


def test_percent_escapes_are_not_decoded_again() -> None:
    """The server decodes once; '%2F' reaching the core is literal text, not a separator."""
    assert SET.policy_for("/api%2Fadmin") is DEFAULT


@pytest.mark.parametrize(
    "path",
    [
        "/public/../api/admin",
        "/api/v1/../admin",
        "/x/y/../../api/admin",
        "/../api/admin",
        "/api/./admin",
        "/api//admin",
        "/public\\..\\api\\admin",
    ],
)
def test_dot_segment_path_whose_raw_and_normalised_rules_differ_gets_no_cors(path: str) -> None:
    """The routed (raw) path and its normalised form pick different rules: neither applies, no CORS at all."""
    assert SET.policy_for(path) is None
    for origin in ("https://admin.example", "https://public.example", "https://api-client.example", "https://default.example"):
        assert preflight(SET, origin=origin, path=path).kind is RequestKind.OUT_OF_SCOPE


@pytest.mark.parametrize(("path", "expected"), [("/public/x/../y", PUBLIC), ("/api/v1//x", V1), ("/api/admin/..", API), ("//x", DEFAULT)])
def test_dot_segment_path_whose_raw_and_normalised_rules_agree_keeps_that_rule(path: str, expected: Policy) -> None:
    """Only a disagreement with the normalised form costs CORS: ``/api/v1//x`` is under /api/v1/* either way."""
    assert SET.policy_for(path) is expected


def test_regex_rules_do_not_run_on_paths_longer_than_the_bound() -> None:
    """ReDoS bound: a path over MAX_REGEX_PATH_LENGTH gets an exact or prefix rule, else no CORS (not the default)."""
    from cors_core.paths import MAX_REGEX_PATH_LENGTH

    rules = PolicySet({re.compile(r"/files/.*"): JSON, "/api/*": API}, default=PUBLIC)
    assert rules.policy_for("/files/" + "a" * (MAX_REGEX_PATH_LENGTH - 7)) is JSON
    assert rules.policy_for("/files/" + "a" * MAX_REGEX_PATH_LENGTH) is None
    assert rules.policy_for("/api/" + "a" * MAX_REGEX_PATH_LENGTH) is API
    assert PolicySet({"/api/*": API}, default=PUBLIC).policy_for("/x/" + "a" * MAX_REGEX_PATH_LENGTH) is PUBLIC


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("/", "/"), ("", "/"), ("/a/b", "/a/b"), ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/a/b/..", "/a/"), ("/a/.", "/a/"),
     ("/..", "/"), ("/a//b/", "/a/b/"), ("/a/.hidden", "/a/.hidden"), ("/a/..b", "/a/..b"), ("/A+B", "/A+B")],
)
def test_normalize_path(raw: str, normal: str) -> None:
    assert normalize_path(raw) == normal


def test_no_rule_and_no_default_is_out_of_scope() -> None:
    s = PolicySet({"/api/*": API})
    for d in (actual(s, path="/other"), preflight(s, path="/other")):
        assert d.kind is RequestKind.OUT_OF_SCOPE and dict(d) == {} and d.status is None


def test_decide_uses_the_policy_of_the_path() -> None:
    assert actual(SET, origin="https://admin.example", path="/api/admin")["Access-Control-Allow-Credentials"] == "true"
    assert actual(SET, origin="https://x.example", path="/public/a")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in actual(SET, origin="https://admin.example", path="/api/users")


def test_root_prefix_catches_everything_but_more_specific_rules() -> None:
    s = PolicySet({"/*": PUBLIC, "/api/*": API})
    assert s.policy_for("/") is PUBLIC and s.policy_for("/anything/at/all") is PUBLIC and s.policy_for("/api/x") is API


@pytest.mark.parametrize(
    ("rules", "words"),
    [
        ({"api/*": API}, "start with '/'"),
        ({"/api/*/x": API}, "final '/*'"),
        ({"/a*": API}, "final '/*'"),
        ({"/api/../admin": API}, "dot segments"),
        ({"/api//x": API}, "dot segments"),
        ({"/x": "not a policy"}, "not a Policy"),
        ([("/x", API), ("/x", ADMIN)], "twice"),
        ([("/x/*", API), ("/x/*", ADMIN)], "twice"),
        ({re.compile(rb"/api/.*"): API}, "str pattern"),  # a bytes regex would raise on every request: refused when built
    ],
)
def test_invalid_rules_are_refused(rules: object, words: str) -> None:
    with pytest.raises(PolicyError) as exc:
        PolicySet(rules)  # type: ignore[arg-type]
    assert all(isinstance(p, InvalidPathRule) for p in exc.value.problems)
    assert words in str(exc.value)


def test_all_rule_problems_are_reported_together() -> None:
    with pytest.raises(PolicyError) as exc:
        PolicySet({"api": API, "/a/*/b": API, "/x": "nope"}, default="nope")  # type: ignore[arg-type]
    assert len(exc.value.problems) == 4


def test_policy_set_is_immutable_and_lists_its_policies() -> None:
    with pytest.raises(AttributeError):
        SET.default = None
    assert {id(p) for p in SET.policies()} == {id(p) for p in (JSON, API, ADMIN, V1, PUBLIC, DEFAULT)}
