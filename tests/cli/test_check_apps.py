"""``check --flask MODULE:APP`` and ``check --django SETTINGS``: the CLI loads small real apps (tests/cli/apps/) as a subprocess."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ._support import run_cli

APPS = Path(__file__).parent / "apps"


def _check(*args: str) -> tuple[int, dict[str, Any], str]:
    j = run_cli("check", *args, "--json", cwd=APPS, timeout=60)
    assert j.returncode in (0, 1), j.stderr
    text = run_cli("check", *args, cwd=APPS, timeout=60)
    assert text.returncode == j.returncode, text.stderr
    return j.returncode, json.loads(j.stdout), text.stdout


def _by_name(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {p["name"]: p for p in data["problems"]}


def test_flask_app_every_problem_at_once_with_the_users_names() -> None:
    """App-wide options, resources, every @cross_origin view and app.config keys, each named as written (R15, R24)."""
    rc, data, text = _check("--flask", "flask_ours_bad:app")
    assert rc == 1 and data["uses"] is None
    problems = _by_name(data)
    assert set(problems) == {
        "resources['/api/*']['origins']",
        "resources['/api/*']['max_age']",
        "methds",
        "app.config['CORS_ORIGINS']",
        "origins",
        "app.config['CORS_SUPORTS_CREDENTIALS']",
    }
    assert problems["resources['/api/*']['max_age']"]["fix"].startswith("e.g. resources['/api/*']['max_age'] = 600")
    assert "did you mean 'methods'?" in problems["methds"]["message"]
    assert re.fullmatch(r"@cross_origin at flask_ours_bad\.py:\d+", problems["methds"]["where"])
    assert "one string containing a comma: write a list" in problems["app.config['CORS_ORIGINS']"]["message"]
    assert problems["app.config['CORS_ORIGINS']"]["fix"].startswith("write app.config['CORS_ORIGINS'] = [")
    assert problems["origins"]["code"] == "insecure" and "view 'v'" in problems["origins"]["where"]  # R15
    assert problems["app.config['CORS_SUPORTS_CREDENTIALS']"]["fix"] == "did you mean CORS_SUPPORTS_CREDENTIALS?"  # cors_flask's own hint
    assert sum("checked:" in line for line in text.splitlines()) == 4  # CORS(app) and the three views
    assert "6 problem(s)" in text and text.count("fix: ") == 6


def test_flask_app_without_problems_exits_0() -> None:
    rc, data, text = _check("--flask", "flask_ours_good:app")
    assert rc == 0 and data["ok"] and data["problems"] == []  # app.config['CORS_HEADERS'] is no one's key: cors_flask says nothing
    assert len(data["checked"]) == 3  # CORS(app), CORS(blueprint) at registration, @cross_origin 'public'
    assert "ok: no problem" in text


def test_flask_cors_app_reports_what_switching_changes() -> None:
    """An app still on flask-cors: what cors_flask would refuse (D2, D3) and the guide's differences that apply."""
    pytest.importorskip("flask_cors")
    rc, data, text = _check("--flask", "flask_peer:app")
    assert rc == 1 and data["uses"] == "flask-cors"
    ids = [d["id"] for d in data["differences"]]
    assert {"D1", "D2", "D3"} <= set(ids) and "D8" not in ids and "D9" not in ids
    codes = {p["code"] for p in data["problems"]}
    assert codes == {"insecure", "origin"}  # credentials with the default '*' (D3), an unescaped '.' (D2)
    assert "switching to cors_flask changes (docs/migrating-from-flask-cors.md)" in text


def test_django_settings_and_cors_views() -> None:
    """Settings by their names and check ids, the middleware order, misspelt settings, and every @cors view."""
    rc, data, _ = _check("--django", "dj_ours_settings")
    assert rc == 1 and data["uses"] is None
    problems = _by_name(data)
    assert problems["CORS_ALLOWED_ORIGINS"]["fix"] == "write CORS_ALLOWED_ORIGINS = ['https://a.example.com', 'https://b.example.com']"
    assert problems["CORS_PREFLIGHT_MAX_AGE"]["code"] == "cors_django.E004"
    assert problems["CORS_PREFLIGHT_MAX_AGE"]["message"].count("86400") == 1
    assert "CORS_PREFLIGHT_MAX_AGE = 600" in problems["CORS_PREFLIGHT_MAX_AGE"]["fix"]
    assert problems["MIDDLEWARE"]["code"] == "cors_django.W001"
    assert problems["CORS_ALOW_CREDENTIALS"]["code"] == "cors_django.W003"
    assert problems["CORS_ALOW_CREDENTIALS"]["fix"] == "Did you mean CORS_ALLOW_CREDENTIALS?"
    views = [p for p in data["problems"] if p["where"].startswith("@cors at dj_urls.py:")]
    assert len(views) == 2  # both refused views, though the first one already fails
    assert any("did you mean 'origins'?" in p["message"] for p in views)
    assert any(p["code"] == "insecure" for p in views)
    assert any("@cors view good at /good" in c for c in data["checked"])


def test_django_project_without_problems_exits_0() -> None:
    rc, data, _ = _check("--django", "dj_good_settings")
    assert rc == 0, data  # CORS_HEADERS is no one's setting: cors_django says nothing
    assert any("@cors view partner at /api/partner" in c for c in data["checked"])


def test_django_cors_headers_project_reports_what_switching_changes() -> None:
    pytest.importorskip("corsheaders")
    rc, data, text = _check("--django", "dj_peer_settings")
    assert rc == 1 and data["uses"] == "django-cors-headers"
    assert [p["code"] for p in data["problems"]] == ["cors_django.E100"]  # any origin with credentials (R15)
    ids = [d["id"] for d in data["differences"]]
    assert {"D1", "D4"} <= set(ids) and "D3" not in ids
    assert "switching to cors_django changes (docs/migrating-from-django-cors-headers.md)" in text


def test_bad_targets_are_usage_errors() -> None:
    assert run_cli("check", "--flask", "no_such_module:app", cwd=APPS).returncode == 2
    assert run_cli("check", "--flask", "flask_ours_good:nothing", cwd=APPS).returncode == 2
    assert run_cli("check", "--django", "no_such_settings", cwd=APPS).returncode == 2
    assert run_cli("check", "--flask", "a:b", "--django", "c", cwd=APPS).returncode == 2
