"""Policies from environment variables: list splitting, flags, numbers, typos."""

from __future__ import annotations

import pytest

from cors_core import Policy, PolicyError
from cors_core.cli.env import options_from_env, policy_from_env, variable_names


def test_nothing_set_is_no_policy() -> None:
    assert policy_from_env({"PATH": "/bin", "CORS_REQUIRE_BROWSER": "1"}) is None


@pytest.mark.parametrize(
    "value",
    [
        "https://a.com, https://b.com",
        "https://a.com,https://b.com,",
        " https://a.com\n https://b.com ",
        '["https://a.com", "https://b.com"]',
    ],
)
def test_origin_lists(value: str) -> None:
    policy = policy_from_env({"CORS_ORIGINS": value})
    assert policy == Policy(["https://a.com", "https://b.com"])


def test_star_flags_and_numbers() -> None:
    opts = options_from_env(
        {
            "CORS_ORIGINS": "*",
            "CORS_ALLOW_PRIVATE_NETWORK": "Yes",
            "CORS_DEBUG": "off",
            "CORS_MAX_AGE": "600",
            "CORS_PREFLIGHT_STATUS": "200",
            "CORS_ALLOW_METHODS": "PUT PATCH",
            "CORS_EXPOSE_HEADERS": "",  # empty counts as unset
        }
    )
    assert opts == {
        "origins": "*",
        "allow_private_network": True,
        "debug": False,
        "max_age": 600,
        "preflight_status": 200,
        "allow_methods": ["PUT", "PATCH"],
    }


def test_regexes_are_split_on_white_space_only() -> None:
    policy = policy_from_env({"CORS_ORIGIN_REGEXES": r"https://[a-z]{1,3}\.example\.com  https://x\.example\.org"})
    assert policy is not None
    assert policy.origin_regexes == (r"https://[a-z]{1,3}\.example\.com", r"https://x\.example\.org")


def test_every_problem_is_named_by_its_variable() -> None:
    with pytest.raises(PolicyError) as info:
        policy_from_env(
            {
                "CORS_ORIGINS": "*",
                "CORS_ALLOW_CREDENTIALS": "true",  # '*' with credentials is refused (R15)
                "CORS_MAX_AGE": "ten",
                "CORS_ORIGN": "https://a.com",  # typo
                "CORS_SUPPORTS_CREDENTIALS": "true",  # flask-cors' name
            }
        )
    options = {p.option for p in info.value.problems}
    assert options == {"CORS_ORIGINS", "CORS_MAX_AGE", "CORS_ORIGN", "CORS_SUPPORTS_CREDENTIALS"}
    fixes = {p.option: p.fix for p in info.value.problems}
    assert fixes["CORS_ORIGN"] == "did you mean CORS_ORIGINS?"
    assert fixes["CORS_SUPPORTS_CREDENTIALS"] == "did you mean CORS_ALLOW_CREDENTIALS?"


def test_bad_json_array() -> None:
    with pytest.raises(PolicyError) as info:
        policy_from_env({"CORS_ORIGINS": '["https://a.com"'})
    assert info.value.problems[0].option == "CORS_ORIGINS"


def test_prefix_and_names() -> None:
    assert policy_from_env({"APP_ORIGINS": "https://a.com"}, prefix="APP_") == Policy(["https://a.com"])
    assert "CORS_ORIGIN_CHECK" not in variable_names()
    assert variable_names()[0] == "CORS_ORIGINS"


def test_every_option_has_a_variable_of_the_right_kind() -> None:
    """Options added to Policy later get a variable too, typed from Policy's own defaults."""
    policy = policy_from_env(
        {
            "CORS_ORIGINS": "*",
            "CORS_ECHO_ORIGIN": "yes",
            "CORS_ECHO_REQUEST_HEADERS": "false",
            "CORS_REFUSED_PREFLIGHT_STATUS": "200",
        }
    )
    assert policy is not None
    assert policy.echo_origin is True and policy.echo_request_headers is False and policy.refused_preflight_status == 200
