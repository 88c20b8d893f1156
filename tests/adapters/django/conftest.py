"""Configure Django for the cors_django tests (unless the run already did), without needing pytest-django."""

from __future__ import annotations

import pytest

django = pytest.importorskip("django")

import djtest_settings  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(**{k: v for k, v in vars(djtest_settings).items() if k.isupper()})
    django.setup()
