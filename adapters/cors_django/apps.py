"""The Django app ``cors_django``: add it to INSTALLED_APPS so that ``manage.py check`` checks the CORS settings."""

from __future__ import annotations

from django.apps import AppConfig
from django.core.checks import Tags, register


class CorsDjangoConfig(AppConfig):
    name = "cors_django"
    verbose_name = "CORS (cors-core)"

    def ready(self) -> None:
        from .checks import check_middleware, check_misspelt_settings, check_settings

        register(Tags.security)(check_settings)
        register(Tags.security)(check_middleware)
        register(Tags.security)(check_misspelt_settings)
