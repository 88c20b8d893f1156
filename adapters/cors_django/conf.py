"""``conf``: the CORS settings read live from ``django.conf.settings``, old alias names included.

Every attribute is read at each access (never cached here), so ``override_settings`` is always
seen. The new name wins over the old alias when both are set. Values come back unchanged; they are
validated when the policy is built (see ``checks``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .defaults import default_headers, default_methods

_MISSING = object()


def _setting(name: str, alias: str | None, default: Any) -> Any:
    value = getattr(settings, name, _MISSING)
    if value is _MISSING and alias is not None:
        value = getattr(settings, alias, _MISSING)
    return default if value is _MISSING else value


def setting_name(name: str, alias: str) -> str:
    """The name the project actually used for a setting that has an old alias (for messages)."""
    if hasattr(settings, name) or not hasattr(settings, alias):
        return name
    return alias


class Settings:
    """One property per setting, with the defaults of django-cors-headers 4.9."""

    @property
    def CORS_ALLOW_HEADERS(self) -> Any:
        return _setting("CORS_ALLOW_HEADERS", None, default_headers)

    @property
    def CORS_ALLOW_METHODS(self) -> Any:
        return _setting("CORS_ALLOW_METHODS", None, default_methods)

    @property
    def CORS_ALLOW_CREDENTIALS(self) -> Any:
        return _setting("CORS_ALLOW_CREDENTIALS", None, False)

    @property
    def CORS_ALLOW_PRIVATE_NETWORK(self) -> Any:
        return _setting("CORS_ALLOW_PRIVATE_NETWORK", None, False)

    @property
    def CORS_PREFLIGHT_MAX_AGE(self) -> Any:
        return _setting("CORS_PREFLIGHT_MAX_AGE", None, 86400)

    @property
    def CORS_ALLOW_ALL_ORIGINS(self) -> Any:
        return _setting("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", False)

    @property
    def CORS_ALLOWED_ORIGINS(self) -> Any:
        return _setting("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST", ())

    @property
    def CORS_ALLOWED_ORIGIN_REGEXES(self) -> Any:
        return _setting("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST", ())

    @property
    def CORS_EXPOSE_HEADERS(self) -> Any:
        return _setting("CORS_EXPOSE_HEADERS", None, ())

    @property
    def CORS_URLS_REGEX(self) -> Any:
        return _setting("CORS_URLS_REGEX", None, r"^.*$")

    # Settings of our own (not in django-cors-headers).

    @property
    def CORS_POLICY(self) -> Any:
        """A ``cors_core.Policy`` or ``PolicySet`` that replaces all the settings above."""
        return _setting("CORS_POLICY", None, None)

    @property
    def CORS_POLICY_OPTIONS(self) -> Any:
        """Extra ``cors_core.Policy`` keyword arguments used with the settings above (e.g. ``debug``)."""
        return _setting("CORS_POLICY_OPTIONS", None, {})


    @property
    def CORS_REPORT_ONLY_POLICY(self) -> Any:
        """A candidate ``cors_core.Policy`` or ``PolicySet``: logged where it would decide otherwise, never enforced."""
        return _setting("CORS_REPORT_ONLY_POLICY", None, None)

    @property
    def CORS_REPORT_ONLY_CALLBACK(self) -> Any:
        """``on_report(enforced, candidate)``, or its dotted import path: told of every request the candidate disagrees on."""
        return _setting("CORS_REPORT_ONLY_CALLBACK", None, None)


conf = Settings()
