"""The real entry point ``python -m cors_core`` agrees with the core: same headers as decide(), exit codes.

Output formats and the CLI's other commands are tested in tests/cli; here only the core's contract.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cors_core import PolicyError, RequestMeta, decide
from cors_core.cli.config import policy_from_mapping

ROOT = Path(__file__).resolve().parents[2]

POLICY = {
    "origins": ["https://app.example.com"],
    "allow_methods": ["PUT", "patch"],
    "allow_headers": ["Content-Type"],
    "allow_credentials": True,
    "max_age": 60,
    "rules": [{"path": "/public/*", "origins": "*"}],
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cors_core", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    f = tmp_path / "policy.json"
    f.write_text(json.dumps(POLICY))
    return f


def explain(policy_file: Path, *args: str) -> tuple[int, dict[str, Any]]:
    r = run("explain", "--policy", str(policy_file), "--json", *args)
    return r.returncode, json.loads(r.stdout)


def test_explain_allowed_exits_0_with_the_headers_decide_gives(policy_file: Path) -> None:
    code, out = explain(policy_file, "--origin", "https://app.example.com", "--method", "PUT", "--credentials",
                        "--header", "Content-Type: application/json")
    assert code == 0 and out["allowed"] is True
    preflight_step, actual_step = out["steps"]
    policy = policy_from_mapping(POLICY)
    pf = decide(RequestMeta("OPTIONS", "/", "https://app.example.com", "PUT", "content-type", None, 1), policy)
    act = decide(RequestMeta("PUT", "/", "https://app.example.com", None, None, None, 1), policy)
    assert preflight_step["headers"] == dict(pf) and preflight_step["status"] == pf.status == 204
    assert actual_step["headers"] == dict(act)
    assert preflight_step["headers"]["Access-Control-Allow-Credentials"] == "true"  # R12


def test_explain_refused_exits_1_with_the_reason(policy_file: Path) -> None:
    code, out = explain(policy_file, "--origin", "https://app.example.com", "--method", "PATCH")
    assert code == 1 and out["allowed"] is False
    step = out["steps"][0]
    assert step["kind"] == "preflight" and step["reason"] == "method-not-allowed" and step["status"] == 403
    assert not [h for h in step["headers"] if h.startswith("Access-Control-Allow-")]  # R23
    assert "case-sensitive" in step["message"]  # 'patch' is listed, 'PATCH' is not (R18)


def test_explain_uses_the_path_rules(policy_file: Path) -> None:
    code, out = explain(policy_file, "--origin", "https://anyone.example", "--path", "/public/logo.png")
    assert code == 0 and out["steps"][-1]["headers"]["Access-Control-Allow-Origin"] == "*"
    code, out = explain(policy_file, "--origin", "https://anyone.example", "--path", "/private")
    assert code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "--origin", "https://a.example", "--method", "CONNECT"],  # fetch() refuses it
        ["explain"],  # --origin is required
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).returncode == 2


def test_check_valid_file_exits_0(policy_file: Path) -> None:
    r = run("check", str(policy_file))
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_lists_the_same_typed_problems_as_the_core(tmp_path: Path) -> None:
    bad = {"origins": ["https://a.example/", "*"], "allow_credentials": True, "allow_methods": ["TRACE"], "expose_headers": ["Set-Cookie"],
           "max_age": 86401}
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad))
    r = run("check", str(f), "--json")
    assert r.returncode == 1
    reported = [p["kind"] for p in json.loads(r.stdout)["problems"]]
    with pytest.raises(PolicyError) as exc:
        policy_from_mapping(bad)
    assert sorted(reported) == sorted(p.code for p in exc.value.problems)
    assert {"origin", "insecure", "method", "header", "value"} <= set(reported)
