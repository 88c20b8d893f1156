"""System checks: ``manage.py check`` reports every problem of the CORS settings, each with a stable id."""

from __future__ import annotations

import io
import re
from typing import Any

import djtest_settings
import pytest
from cors_django import CorsMiddleware
from cors_django.checks import check_middleware, check_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpResponse
from django.test import Client, override_settings

from cors_core import Policy, PolicySet

WITH_APP = {**djtest_settings.base_overrides, "INSTALLED_APPS": ["cors_django"]}


def ids(**overrides: Any) -> list[str]:
    with override_settings(**overrides):
        return [e.id for e in check_settings()]


def test_defaults_have_no_problem() -> None:
    assert ids() == []
    with override_settings(**WITH_APP):
        out = io.StringIO()
        call_command("check", stdout=out)
        assert "no issues" in out.getvalue()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"CORS_ALLOW_HEADERS": "content-type"}, ["cors_django.E001"]),  # a string where a list belongs
        ({"CORS_ALLOW_HEADERS": ["x bad"]}, ["cors_django.E001"]),  # not a token
        ({"CORS_ALLOW_HEADERS": ["cookie"]}, ["cors_django.E001"]),  # Fetch forbidden request-header
        ({"CORS_ALLOW_METHODS": ["TRACE"]}, ["cors_django.E002"]),  # Fetch forbidden method
        ({"CORS_ALLOW_CREDENTIALS": "yes"}, ["cors_django.E003"]),
        ({"CORS_PREFLIGHT_MAX_AGE": -1}, ["cors_django.E004"]),
        ({"CORS_PREFLIGHT_MAX_AGE": 10**6}, ["cors_django.E004"]),  # R24: more than a day
        ({"CORS_ALLOW_ALL_ORIGINS": "true"}, ["cors_django.E005"]),
        ({"CORS_ALLOWED_ORIGINS": "https://app.example"}, ["cors_django.E006"]),
        ({"CORS_ALLOWED_ORIGINS": [1]}, ["cors_django.E006"]),
        ({"CORS_ALLOWED_ORIGIN_REGEXES": [r"https://app.example.com"]}, ["cors_django.E007"]),  # unescaped dots
        ({"CORS_ALLOWED_ORIGIN_REGEXES": ["("]}, ["cors_django.E007"]),
        ({"CORS_EXPOSE_HEADERS": ["Set-Cookie"]}, ["cors_django.E008"]),
        ({"CORS_URLS_REGEX": "("}, ["cors_django.E009"]),
        ({"CORS_MODEL": "x"}, ["cors_django.E012"]),
        ({"CORS_ALLOWED_ORIGINS": ["app.example"]}, ["cors_django.E013"]),
        ({"CORS_ALLOWED_ORIGINS": ["*"]}, ["cors_django.E013"]),
        ({"CORS_ALLOWED_ORIGINS": ["https://app.example/"]}, ["cors_django.E014"]),
        ({"CORS_ALLOW_PRIVATE_NETWORK": 1}, ["cors_django.E015"]),
        ({"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}, ["cors_django.E100"]),  # R15
        ({"CORS_ALLOWED_ORIGINS": ["http://app.example"], "CORS_ALLOW_CREDENTIALS": True}, ["cors_django.E100"]),
        ({"CORS_ALLOWED_ORIGINS": ["https://app.example:99999"]}, ["cors_django.E101"]),
        ({"CORS_ALLOWED_ORIGINS": ["file://"]}, ["cors_django.E101"]),
        ({"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOWED_ORIGINS": ["app.example"]}, ["cors_django.E013"]),  # ignored, still checked
        ({"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOWED_ORIGINS": ["https://app.example"]}, []),
        ({"CORS_POLICY_OPTIONS": {"allow_methods": ["GET"]}}, ["cors_django.E103"]),
        ({"CORS_POLICY_OPTIONS": {"no_such_option": 1}}, ["cors_django.E103"]),
        ({"CORS_POLICY": ["https://app.example"]}, ["cors_django.E104"]),
        ({"CORS_POLICY": Policy(["https://app.example"]), "CORS_ALLOWED_ORIGINS": []}, ["cors_django.E105"]),
    ],
)
def test_each_problem_has_its_id(overrides: dict[str, Any], expected: list[str]) -> None:
    assert ids(**overrides) == expected


def test_messages_name_the_setting_actually_used() -> None:
    with override_settings(CORS_ORIGIN_WHITELIST=["app.example"]):
        (error,) = check_settings()
    assert "in CORS_ORIGIN_WHITELIST" in error.msg
    assert error.hint  # the core's fix
    with override_settings(CORS_ORIGIN_ALLOW_ALL=1):
        (error,) = check_settings()
    assert error.msg.startswith("CORS_ORIGIN_ALLOW_ALL should be")


def test_every_problem_is_reported_together() -> None:
    found = ids(
        CORS_ALLOWED_ORIGINS=["app.example", "https://ok.example", "https://x.example/path"],
        CORS_ALLOW_METHODS=["TRACE"],
        CORS_EXPOSE_HEADERS="X-Total",
        CORS_PREFLIGHT_MAX_AGE="10",
    )
    assert sorted(found) == ["cors_django.E002", "cors_django.E004", "cors_django.E008", "cors_django.E013", "cors_django.E014"]


def test_call_command_check_fails_with_the_ids() -> None:
    with override_settings(**WITH_APP, CORS_ALLOWED_ORIGINS=["app.example"], CORS_ALLOW_METHODS=["TRACE"]):
        with pytest.raises(SystemCheckError) as raised:
            call_command("check")
    text = str(raised.value)
    assert "cors_django.E013" in text
    assert "cors_django.E002" in text


def test_dangerous_combination_can_be_opted_into() -> None:
    """R15: any origin with credentials only through the core's explicit opt-in; then the origin is echoed."""
    dangerous = {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}
    opt_in = {"CORS_POLICY_OPTIONS": {"dangerously_allow_credentials_with_any_origin": True}}
    assert ids(**dangerous, **opt_in) == []
    with override_settings(**djtest_settings.base_overrides, **dangerous, **opt_in):
        response = Client().get("/", headers={"origin": "https://any.example"})
    assert response["Access-Control-Allow-Origin"] == "https://any.example"
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_middleware_refuses_to_start_with_bad_settings() -> None:
    with override_settings(CORS_ALLOWED_ORIGINS=["app.example"], CORS_ALLOW_HEADERS=["x bad"]):
        with pytest.raises(ImproperlyConfigured) as raised:
            CorsMiddleware(lambda request: HttpResponse())
    assert sorted(re.findall(r"cors_django\.E\d+", str(raised.value))) == ["cors_django.E001", "cors_django.E013"]


def test_policy_setting_is_checked_by_the_core_when_built() -> None:
    assert ids(CORS_POLICY=PolicySet({"/api/*": Policy(["https://app.example"])})) == []


SECURITY = "django.middleware.security.SecurityMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
CORS = "cors_django.CorsMiddleware"


def test_middleware_order_warning() -> None:
    with override_settings(MIDDLEWARE=[COMMON, CORS]):  # APPEND_SLASH is on by default: Common redirects
        (warning,) = check_middleware()
    assert warning.id == "cors_django.W001"
    assert "CommonMiddleware" in warning.msg and "APPEND_SLASH = True" in warning.hint
    with override_settings(MIDDLEWARE=[CORS, COMMON]):
        assert check_middleware() == []


def test_readme_order_passes_check_at_warning_level() -> None:
    """django-cors-headers' README order: SecurityMiddleware first answers nothing without SECURE_SSL_REDIRECT."""
    with override_settings(**{**WITH_APP, "MIDDLEWARE": [SECURITY, CORS, COMMON]}):
        call_command("check", "--fail-level", "WARNING", stdout=io.StringIO())
    with override_settings(**{**WITH_APP, "MIDDLEWARE": [SECURITY, CORS, COMMON], "SECURE_SSL_REDIRECT": True}):
        with pytest.raises(SystemCheckError, match=r"cors_django.W001(.|\n)*SECURE_SSL_REDIRECT = True"):
            call_command("check", "--fail-level", "WARNING", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize(
    ("settings", "warned"),
    [
        ({"APPEND_SLASH": False}, False),
        ({"APPEND_SLASH": False, "PREPEND_WWW": True}, True),
        ({"APPEND_SLASH": False, "DISALLOWED_USER_AGENTS": [re.compile("bot")]}, True),
    ],
)
def test_common_middleware_warns_only_when_it_can_answer(settings: dict[str, Any], warned: bool) -> None:
    with override_settings(MIDDLEWARE=[COMMON, CORS], **settings):
        assert [w.id for w in check_middleware()] == (["cors_django.W001"] if warned else [])


def test_locale_middleware_warns_only_with_i18n_patterns() -> None:
    locale = "django.middleware.locale.LocaleMiddleware"
    with override_settings(MIDDLEWARE=[locale, CORS]):  # the test URLconf has no i18n_patterns
        assert check_middleware() == []


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("CORS_ALLOWED_ORIGIN", "CORS_ALLOWED_ORIGINS"),
        ("CORS_ALLOW_CREDENTIAL", "CORS_ALLOW_CREDENTIALS"),
        ("CORS_ALLOWED_HEADERS", "CORS_ALLOW_HEADERS"),
        ("CORS_SUPPORTS_CREDENTIALS", "CORS_ALLOW_CREDENTIALS"),
        ("CORS_REPORT_ONLY_CALLBAK", "CORS_REPORT_ONLY_CALLBACK"),  # our own settings are known names too
        ("CORS_REPORT_ONLY_POLICIES", "CORS_REPORT_ONLY_POLICY"),
    ],
)
def test_misspelt_setting_is_warning_W003_naming_the_right_one(name: str, meant: str) -> None:
    """django-cors-headers ignores an unknown name silently; `manage.py check` now says which one was meant."""
    with override_settings(**WITH_APP, **{name: True}):
        out = io.StringIO()
        with pytest.raises(SystemCheckError, match=rf"cors_django.W003.*{name}.*\n.*HINT: Did you mean {meant}\?"):
            call_command("check", "--fail-level", "WARNING", stdout=out, stderr=out)


def test_every_setting_conf_reads_is_known_to_W003() -> None:
    """Migration guide, "a misspelt name": W003 guesses among every setting cors_django reads, ours included."""
    from cors_django.checks import KNOWN_SETTINGS
    from cors_django.conf import Settings

    assert {name for name in vars(Settings) if name.startswith("CORS_")} <= set(KNOWN_SETTINGS)
    assert {"CORS_ORIGIN_WHITELIST", "CORS_MODEL", "CORS_REPLACE_HTTPS_REFERER"} <= set(KNOWN_SETTINGS)


def test_other_cors_settings_are_not_reported() -> None:
    """Other apps may own CORS_* names: only names close to ours are reported."""
    with override_settings(**WITH_APP, CORS_HEADERS="x", CORS_ENABLED=True):
        call_command("check", "--fail-level", "WARNING", stdout=io.StringIO())
