"""``python -m cors_core check`` (a file or the environment) lists every problem."""

from __future__ import annotations

import json
from pathlib import Path

from ._support import needs_toml, run_cli

BAD = """
origins = ["https://app.example.com/"]
alow_methods = ["PUT"]
allow_credentials = true

[[rules]]
path = "/public/*"
origins = "*"
allow_credentials = true

[[rules]]
path = "regex:(/x"
origins = ["https://a.example.com"]
"""


@needs_toml
def test_valid_file(tmp_path: Path) -> None:
    f = tmp_path / "ok.toml"
    f.write_text('origins = ["https://app.example.com"]\n[[rules]]\npath = "/public/*"\norigins = "*"\n')
    r = run_cli("check", str(f))
    assert r.returncode == 0, r.stdout
    assert r.stdout.startswith("ok: PolicySet(")
    assert "/public/*: Policy(origins=['*'])" in r.stdout


@needs_toml
def test_every_problem_of_every_rule_is_listed(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(BAD)
    r = run_cli("check", str(f), "--json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    options = [p["option"] for p in data["problems"]]
    assert "alow_methods" in options
    assert "origins" in options  # the trailing '/'
    assert "rules[0] (/public/*).origins" in options  # '*' with credentials (R15)
    assert "rules[1] (regex:(/x).path" in options
    kinds = {p["option"]: p["kind"] for p in data["problems"]}
    assert kinds["rules[0] (/public/*).origins"] == "insecure"
    assert all(p["fix"] for p in data["problems"])
    text = run_cli("check", str(f))
    assert text.returncode == 1
    assert text.stdout.count("fix: ") == len(data["problems"])


@needs_toml
def test_unreadable_files_are_usage_errors(tmp_path: Path) -> None:
    f = tmp_path / "broken.toml"
    f.write_text("origins = [\n")
    r = run_cli("check", str(f))
    assert r.returncode == 2 and "cannot read" in r.stderr
    assert run_cli("check", str(tmp_path / "missing.toml")).returncode == 2
    assert run_cli("check").returncode == 2


def test_environment_variables() -> None:
    ok = run_cli("check", "--env", env={"CORS_ORIGINS": '["https://a.example.com", "https://b.example.com"]', "CORS_MAX_AGE": "600"})
    assert ok.returncode == 0, ok.stdout
    assert "max_age=600" in ok.stdout
    bad = run_cli(
        "check",
        "--env",
        "--json",
        env={"CORS_ORIGINS": "https://a.example.com/", "CORS_ALLOW_CREDENTIALS": "maybe", "CORS_ALLOWED_ORIGINS": "x"},
    )
    assert bad.returncode == 1
    options = {p["option"] for p in json.loads(bad.stdout)["problems"]}
    assert options == {"CORS_ALLOWED_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_ORIGINS"}


def test_environment_prefix() -> None:
    r = run_cli("check", "--env", "--env-prefix", "MYAPP_CORS_", env={"MYAPP_CORS_ORIGINS": "*"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert run_cli("check", "--env", "x.toml").returncode == 2
