"""``python -m cors_core explain`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

from ._support import needs_toml, run_cli

ORIGIN = "https://app.example.com"


def test_allowed_preflighted_put_under_the_example_policy() -> None:
    r = run_cli("explain", "--origin", ORIGIN, "--method", "PUT", "--header", "Content-Type: application/json")
    assert r.returncode == 0, r.stderr
    assert "preflight: preflight, allowed" in r.stdout
    assert "Access-Control-Allow-Origin: https://app.example.com" in r.stdout
    assert "verdict: the script CAN read the response" in r.stdout
    assert "\x1b[" not in r.stdout  # piped: no colour


@needs_toml
def test_refused_method_prints_a_fix_that_really_works(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text('origins = ["https://app.example.com"]\nallow_methods = ["PUT"]\n')
    r = run_cli("explain", "--origin", ORIGIN, "--method", "PATCH", "--policy", str(policy))
    assert r.returncode == 1
    assert "method-not-allowed" in r.stdout
    assert "fix: add 'PATCH' to allow_methods" in r.stdout
    assert 'allow_methods = ["PUT", "PATCH"]' in r.stdout
    # Apply the printed change and ask again: now allowed.
    fixed = [line.strip() for line in r.stdout.splitlines() if line.startswith("    allow_methods")]
    policy.write_text('origins = ["https://app.example.com"]\n' + "\n".join(fixed) + "\n")
    again = run_cli("explain", "--origin", ORIGIN, "--method", "PATCH", "--policy", str(policy))
    assert again.returncode == 0, again.stdout


def test_json_output_has_every_step_and_the_policy_change() -> None:
    r = run_cli("explain", "--origin", "https://evil.example.net", "--method", "DELETE", "--json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert data["allowed"] is False
    [step] = data["steps"]  # the browser stops after the refused preflight
    assert step["step"] == "preflight" and step["reason"] == "origin-not-allowed" and step["status"] == 403
    assert step["browser"] == "blocked"
    assert data["policy_change"]["works"] is True
    assert "https://evil.example.net" in data["policy_change"]["changes"]["origins"]


@needs_toml
def test_wildcard_policy_with_credentials_is_blocked_by_the_browser_not_the_server(tmp_path: Path) -> None:
    """R12/R14: the server cannot see the credentials mode; '*' passes decide() but fails the CORS check."""
    policy = tmp_path / "p.toml"
    policy.write_text('origins = "*"\n')
    r = run_cli("explain", "--origin", ORIGIN, "--credentials", "--policy", str(policy), "--json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    [step] = data["steps"]
    assert step["allowed"] is True and step["headers"]["Access-Control-Allow-Origin"] == "*"
    assert step["browser"] == "blocked" and "'*'" in step["browser_reason"]
    assert data["policy_change"]["changes"] == {"allow_credentials": True, "origins": [ORIGIN]}


def test_star_allow_headers_never_covers_authorization(tmp_path: Path) -> None:
    """R21 / Fetch: '*' in Access-Control-Allow-Headers does not cover Authorization."""
    policy = tmp_path / "p.json"
    policy.write_text(json.dumps({"origins": [ORIGIN], "allow_headers": ["*"]}))
    r = run_cli("explain", "--origin", ORIGIN, "--header", "Authorization: Bearer x", "--policy", str(policy))
    assert r.returncode == 1
    assert "'*' never covers Authorization" in r.stdout
    assert 'allow_headers = ["*", "authorization"]' in r.stdout
    # with credentials too: the suggestion keeps '*' (the other headers stay allowed) and adds Authorization
    policy.write_text(json.dumps({"origins": [ORIGIN], "allow_headers": "*", "allow_credentials": True}))
    args = ("--header", "Authorization: x", "--header", "X-A: 1", "--credentials", "--policy", str(policy))
    r = run_cli("explain", "--origin", ORIGIN, *args)
    assert r.returncode == 1 and 'allow_headers = ["*", "authorization"]' in r.stdout


def test_policy_from_environment_variables() -> None:
    env = {"CORS_ORIGINS": "https://a.example.com, https://b.example.com", "CORS_ALLOW_CREDENTIALS": "true"}
    r = run_cli("explain", "--env", "--origin", "https://b.example.com", "--credentials", "--json", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    step = json.loads(r.stdout)["steps"][0]
    assert step["headers"]["Access-Control-Allow-Credentials"] == "true"


@needs_toml
def test_path_outside_every_rule_of_a_policy_set(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text('[[rules]]\npath = "/api/*"\norigins = ["https://app.example.com"]\n')
    r = run_cli("explain", "--origin", ORIGIN, "--path", "/admin", "--policy", str(policy))
    assert r.returncode == 1
    assert "out-of-scope" in r.stdout
    assert "no rule of the policy set covers the path '/admin'" in r.stdout


def test_colour_only_when_asked_or_forced() -> None:
    args = ("explain", "--origin", ORIGIN)
    assert "\x1b[32m" in run_cli(*args, "--color", "always").stdout
    assert "\x1b[" in run_cli(*args, env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in run_cli(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run_cli(*args, "--color", "always", "--json").stdout


def test_usage_errors_exit_2() -> None:
    r = run_cli("explain", "--origin", ORIGIN, "--method", "CONNECT")
    assert r.returncode == 2 and "fetch() refuses the method" in r.stderr
    r = run_cli("explain", "--origin", ORIGIN, "--policy", "/nonexistent/p.toml")
    assert r.returncode == 2 and "cannot read" in r.stderr
    r = run_cli("explain", "--origin", ORIGIN, "--env")
    assert r.returncode == 2 and "CORS_ORIGINS" in r.stderr
