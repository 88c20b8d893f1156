"""System-check wording: each message says its point once, and the hint is written with the Django setting's name."""

from __future__ import annotations

from cors_django.checks import check_settings
from django.test import override_settings


def _messages(**overrides: object) -> dict[str, tuple[str, str]]:
    with override_settings(**overrides):
        return {e.id: (e.msg, e.hint or "") for e in check_settings()}


def test_e004_says_its_point_once_and_the_hint_names_the_setting() -> None:
    msg, hint = _messages(CORS_PREFLIGHT_MAX_AGE=100_000)["cors_django.E004"]
    assert msg == "CORS_PREFLIGHT_MAX_AGE should be a whole number of seconds from 0 to 86400 (got 100000)."
    # R24 and D12 of the django-cors-headers migration guide: 0 sends Access-Control-Max-Age: 0, i.e. no caching.
    assert hint == "e.g. CORS_PREFLIGHT_MAX_AGE = 600 (0 disables preflight caching)"


def test_hints_use_the_setting_names() -> None:
    msg, hint = _messages(CORS_ALLOW_CREDENTIALS="yes")["cors_django.E003"]
    assert msg.count("True or False") == 1
    assert "CORS_ALLOW_CREDENTIALS = " in hint and "allow_credentials" not in hint


def test_comma_joined_origin_says_write_a_list_with_the_setting() -> None:
    found = _messages(CORS_ALLOWED_ORIGINS=["https://a.example.com,https://b.example.com"])
    [(msg, hint)] = found.values()
    assert "one string containing a comma: write a list" in msg
    assert hint == "write CORS_ALLOWED_ORIGINS = ['https://a.example.com', 'https://b.example.com']"
