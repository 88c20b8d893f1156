"""Configuration messages name what the user wrote: "did you mean" for every unknown key, hints in the user's own names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cors_core import Policy, PolicyError

from ._support import needs_toml, run_cli


def _problems(*args: str, env: dict[str, str] | None = None) -> list[dict[str, str]]:
    r = run_cli("check", *args, "--json", env=env)
    assert r.returncode == 1, (r.stdout, r.stderr)
    return json.loads(r.stdout)["problems"]  # type: ignore[no-any-return]


@needs_toml
def test_toml_unknown_key_says_did_you_mean(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text('origins = ["https://a.example.com"]\nmax_ages = 600\nsupports_credentials = true\n')
    by_option = {p["option"]: p for p in _problems(str(f))}
    assert "did you mean 'max_age'?" in by_option["max_ages"]["message"]
    assert "did you mean 'allow_credentials'?" in by_option["supports_credentials"]["message"]


def test_json_unknown_key_in_a_rule_says_did_you_mean(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text(json.dumps({"origins": ["https://a.example.com"], "rules": [{"path": "/x/*", "origins": "*", "alow_headers": ["X-A"]}]}))
    [problem] = _problems(str(f))
    assert problem["option"] == "rules[0] (/x/*).alow_headers" and "did you mean 'allow_headers'?" in problem["message"]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("max_ages", "max_age"),
        ("allow_origins", "origins"),
        ("methods", "allow_methods"),
        # peers' names by what they mean, never a dangerously_* opt-in that merely looks alike
        ("send_wildcard", "origins"),
        ("allow_origin_regex", "origin_regexes"),
        ("cors_allowed_origins", "origins"),
        ("dangerously_allow_insecure_origin", "dangerously_allow_insecure_origins"),  # written on purpose: its own spelling
    ],
)
def test_policy_keyword_says_did_you_mean(written: str, meant: str) -> None:
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{written}': did you mean '{meant}'"):
        Policy(["https://a.example.com"], **{written: 1})


def test_environment_names_the_variable_in_the_hint_and_guesses_misspelt_ones() -> None:
    problems = _problems("--env", env={"CORS_ORIGINS": "https://a.example.com", "CORS_MAX_AGE": "100000", "CORS_ALLOWED_ORIGINS": "x"})
    by_option = {p["option"]: p for p in problems}
    assert "CORS_MAX_AGE=600" in by_option["CORS_MAX_AGE"]["fix"] and "max_age" not in by_option["CORS_MAX_AGE"]["fix"]
    assert by_option["CORS_ALLOWED_ORIGINS"]["fix"] == "did you mean CORS_ORIGINS?"


def test_comma_joined_origin_string_says_write_a_list() -> None:
    """A comma inside one origin string (the usual environment-variable mistake), in a list or alone."""
    for value in ("https://a.com,https://b.com", ["https://a.com,https://b.com"]):
        with pytest.raises(PolicyError) as info:
            Policy(value)
        [problem] = info.value.problems
        assert "one string containing a comma: write a list" in problem.message
        assert "['https://a.com', 'https://b.com']" in problem.fix
