"""cors_django's refusals and CORS_REPORT_ONLY_POLICY on the logger ``cors_core.django``, through the test client (caplog)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import djtest_settings
import pytest
from cors_django._log import LOG
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from cors_core import Decision, Policy, PolicySet

ORIGIN = "https://app.example"
OTHER = "https://other.example"
API = PolicySet({"/api/*": Policy([ORIGIN], allow_methods=["PUT"])})
REPORTS: list[tuple[Decision, Decision]] = []


def remember(enforced: Decision, candidate: Decision) -> None:
    """CORS_REPORT_ONLY_CALLBACK, given by its dotted path."""
    REPORTS.append((enforced, candidate))


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    LOG.reset()
    REPORTS.clear()
    yield
    LOG.reset()


def cors_records(caplog: pytest.LogCaptureFixture) -> list[Any]:
    return [r for r in caplog.records if r.name == "cors_core.django"]


def test_refusals_name_the_setting_and_rule(caplog: pytest.LogCaptureFixture) -> None:
    """R23: each refusal once, with reason, name, escaped origin/method/path and the policy's setting and rule."""
    caplog.set_level(logging.INFO, logger="cors_core")
    with override_settings(**djtest_settings.base_overrides, CORS_POLICY=API):
        client = Client()
        client.get("/api/items/", headers={"origin": "https://evil.example\x1b[31m"})
        client.options("/api/items/", headers={"origin": ORIGIN, "access-control-request-method": "DELETE"})
        client.get("/api/items/", headers={"origin": ORIGIN})  # allowed: nothing logged
    got = cors_records(caplog)
    assert [(r.cors_reason, r.cors_name, r.cors_policy) for r in got] == [
        ("origin-not-allowed", "", "CORS_POLICY rule '/api/*'"),
        ("method-not-allowed", "'DELETE'", "CORS_POLICY rule '/api/*'"),
    ]
    assert got[0].cors_origin == "'https://evil.example\\x1b[31m'" and "\x1b" not in got[0].getMessage()
    assert got[1].cors_method == "'OPTIONS'" and got[1].cors_path == "'/api/items/'"


def test_settings_mode_and_cors_views(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cors_core")
    with override_settings(**djtest_settings.base_overrides, CORS_ALLOWED_ORIGINS=[ORIGIN]):
        client = Client()
        client.get("/", headers={"origin": OTHER})
        client.get("/decorated/", headers={"origin": "https://fourth.example"})  # another origin: not left out by the bound
        client.options("/decorated/", headers={"origin": "https://view.example", "access-control-request-method": "DELETE"})
    assert [r.cors_policy for r in cors_records(caplog)] == ["CORS_* settings", *["@cors view 'djtest_views.decorated'"] * 2]


def test_off_by_default_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cors_core")
    with override_settings(**djtest_settings.base_overrides, CORS_POLICY=API):
        Client().get("/api/items/", headers={"origin": OTHER})
    assert cors_records(caplog) == []


def test_report_only_policy_is_reported_never_enforced(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cors_core")
    candidate = Policy([ORIGIN, OTHER], allow_methods=["PUT"])
    with override_settings(
        **djtest_settings.base_overrides,
        CORS_POLICY=API,
        CORS_REPORT_ONLY_POLICY=candidate,
        CORS_REPORT_ONLY_CALLBACK=f"{__name__}.remember",
    ):
        client = Client()
        refused = client.get("/api/items/", headers={"origin": OTHER})
        preflight = client.options("/api/items/", headers={"origin": OTHER, "access-control-request-method": "PUT"})
        client.get("/api/items/", headers={"origin": ORIGIN})  # both allow: no report
    assert "Access-Control-Allow-Origin" not in refused and "Access-Control-Allow-Origin" not in preflight
    assert preflight.status_code == 403  # the enforced policy's refusal, whatever the candidate says
    assert [(e.reason, c.reason, c.kind.value) for e, c in REPORTS] == [
        ("origin-not-allowed", "allowed", "actual"),
        ("origin-not-allowed", "allowed", "preflight"),
    ]
    [record] = cors_records(caplog)  # one per (change, reason, origin) per interval
    assert record.cors_report == "would-allow" and record.levelno == logging.WARNING


def test_report_only_compares_the_request_the_decision_was_made_from(monkeypatch: pytest.MonkeyPatch) -> None:
    """Report-only reuses the middleware's RequestMeta: one per request, whether the path is a preflight or not."""
    from cors_django import middleware

    built: list[object] = []
    real = middleware.request_meta
    monkeypatch.setattr(middleware, "request_meta", lambda request: built.append(request) or real(request))
    with override_settings(
        **djtest_settings.base_overrides,
        CORS_POLICY=API,
        CORS_REPORT_ONLY_POLICY=Policy([ORIGIN, OTHER], allow_methods=["PUT"]),
        CORS_REPORT_ONLY_CALLBACK=f"{__name__}.remember",
    ):
        client = Client()
        client.get("/api/items/", headers={"origin": OTHER})
        assert len(built) == 1
        client.options("/api/items/", headers={"origin": OTHER, "access-control-request-method": "PUT"})
        assert len(built) == 2
    assert [(e.kind.value, c.reason) for e, c in REPORTS] == [("actual", "allowed"), ("preflight", "allowed")]


@pytest.mark.parametrize(
    ("settings", "check_id"),
    [
        ({"CORS_REPORT_ONLY_POLICY": {"origins": [ORIGIN]}}, "cors_django.E108"),
        ({"CORS_REPORT_ONLY_POLICY": Policy([ORIGIN]), "CORS_REPORT_ONLY_CALLBACK": "no.such.module.report"}, "cors_django.E109"),
        ({"CORS_REPORT_ONLY_CALLBACK": f"{__name__}.remember"}, "cors_django.E108"),
    ],
)
def test_report_only_settings_are_checked_at_start_up(settings: dict[str, Any], check_id: str) -> None:
    with override_settings(**djtest_settings.base_overrides, CORS_POLICY=API, **settings):
        assert check_id in [m.id for m in run_checks()]
        with pytest.raises(ImproperlyConfigured, match=check_id.split(".")[1]):
            from cors_django import CorsMiddleware

            CorsMiddleware(lambda request: None)
