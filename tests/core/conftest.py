"""Hypothesis profiles for the core suite.

``cors-core`` (default): 200 examples per property. ``cors-core-ci`` (when CI is set): the same count,
derandomised so a CI failure reproduces. ``cors-core-thorough``: 2000 examples, for an occasional deep run.
Choose one with HYPOTHESIS_PROFILE=...
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis.errors import InvalidArgument

_BASE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("cors-core", _BASE, max_examples=200)
settings.register_profile("cors-core-ci", _BASE, max_examples=200, derandomize=True, print_blob=True)
settings.register_profile("cors-core-thorough", _BASE, max_examples=2000)

try:
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("cors-core-ci" if os.environ.get("CI") else "cors-core"))
except InvalidArgument:  # a profile name this suite does not know: keep ours
    settings.load_profile("cors-core")
