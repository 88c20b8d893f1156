"""System checks (``manage.py check``): every problem of the CORS settings, with stable ids.

Ids E001-E015 keep the numbers django-cors-headers gives the same settings; E100 and up are ours.
The table is in docs/django.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning

from cors_core.errors import close_name

from ._config import SETTINGS_BESIDE_POLICY, load
from .conf import Settings

_OURS = ("cors_django.CorsMiddleware", "cors_django.CORSMiddleware", "cors_django.middleware.CorsMiddleware")

#: Every CORS_* setting read here: each one ``conf.Settings`` reads (django-cors-headers' names and ours), the old
#: aliases (in SETTINGS_BESIDE_POLICY), and the removed ones that are reported as E012/E013.
KNOWN_SETTINGS = tuple(
    dict.fromkeys(
        [
            *(name for name in vars(Settings) if name.startswith("CORS_")),
            *SETTINGS_BESIDE_POLICY,
            "CORS_MODEL",
            "CORS_REPLACE_HTTPS_REFERER",
        ]
    )
)


def check_settings(**kwargs: Any) -> list[CheckMessage]:
    """Every configuration problem: the CORS_* settings as Django sees them, then what cors_core refuses."""
    _, errors = load()  # built afresh: a check must see the settings of this moment
    return list(errors)


def _i18n_redirects() -> bool:
    """True if the URLconf uses i18n_patterns, so LocaleMiddleware redirects unprefixed paths."""
    if not getattr(settings, "USE_I18N", True):
        return False
    try:
        from django.conf.urls.i18n import is_language_prefix_patterns_used

        used, _ = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    except Exception:  # no or broken URLconf: Django's own checks report it
        return False
    return bool(used)


def _answers_itself(path: str) -> str | None:
    """Why the middleware *path*, listed before ours, would answer some requests itself (so without CORS headers), or None.

    Only what the settings actually switch on counts: SecurityMiddleware redirects only with SECURE_SSL_REDIRECT, and
    so on. Refusals from ``process_view`` (CSRF, LoginRequiredMiddleware) come from inside the chain and always pass us.
    """
    if path == "django.middleware.security.SecurityMiddleware":
        return "SECURE_SSL_REDIRECT = True (it redirects http:// requests)" if getattr(settings, "SECURE_SSL_REDIRECT", False) else None
    if path == "django.middleware.common.CommonMiddleware":
        reasons = [
            f"{name} = True" for name in ("APPEND_SLASH", "PREPEND_WWW") if getattr(settings, name, name == "APPEND_SLASH")
        ]
        if getattr(settings, "DISALLOWED_USER_AGENTS", ()):
            reasons.append("DISALLOWED_USER_AGENTS")
        return " and ".join(reasons) + " (it redirects or refuses requests)" if reasons else None
    if path == "django.middleware.locale.LocaleMiddleware":
        return "i18n_patterns() in ROOT_URLCONF (it redirects to the language prefix)" if _i18n_redirects() else None
    if path == "whitenoise.middleware.WhiteNoiseMiddleware":
        return "WhiteNoise serves static files itself"
    return None


def check_middleware(**kwargs: Any) -> list[CheckMessage]:
    """W001: CorsMiddleware listed after a middleware that, with these settings, answers some requests itself."""
    middleware = list(getattr(settings, "MIDDLEWARE", None) or ())
    ours = [i for i, path in enumerate(middleware) if path in _OURS]
    if not ours:
        return []
    before = [(path, why) for path in middleware[: ours[0]] for why in [_answers_itself(path)] if why]
    if not before:
        return []
    names = ", ".join(path for path, _ in before)
    return [
        Warning(
            f"CorsMiddleware comes after {names} in MIDDLEWARE, which answer some requests themselves: "
            "those answers (redirects, 403s) get no CORS headers, and the page cannot read them.",
            hint="Put 'cors_django.CorsMiddleware' before it in MIDDLEWARE. It answers because of: "
            + "; ".join(f"{path.rpartition('.')[2]}: {why}" for path, why in before)
            + ".",
            id="cors_django.W001",
        )
    ]


#: flask-cors's names for these settings: written by people who know the other library.
_OTHER_LIBRARY_NAMES = {
    "CORS_ORIGINS": "CORS_ALLOWED_ORIGINS",
    "CORS_SUPPORTS_CREDENTIALS": "CORS_ALLOW_CREDENTIALS",
    "CORS_METHODS": "CORS_ALLOW_METHODS",
    "CORS_MAX_AGE": "CORS_PREFLIGHT_MAX_AGE",
}


def check_misspelt_settings(**kwargs: Any) -> list[CheckMessage]:
    """W003: a CORS_* setting nobody reads that is close to one we read (django-cors-headers ignores it silently).

    A warning, not an error: other apps may own other CORS_* names; only names close to ours are reported.
    """
    found = []
    for name in dir(settings):
        if name.startswith("CORS_") and name not in KNOWN_SETTINGS:
            close = close_name(name, KNOWN_SETTINGS, _OTHER_LIBRARY_NAMES)
            if close is not None:
                found.append(
                    Warning(
                        f"The setting {name} is not read by cors_django (nor by django-cors-headers), so it changes nothing.",
                        hint=f"Did you mean {close}?",
                        id="cors_django.W003",
                    )
                )
    return found
