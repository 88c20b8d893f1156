"""Hypothesis profiles for the core suite: ~200 examples by default, more in CI, fewer for a quick run."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis.errors import InvalidArgument

settings.register_profile("cors-core", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("cors-core-ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("cors-core-quick", max_examples=25, deadline=None)

try:
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "cors-core"))
except InvalidArgument:  # a profile another part of the suite registers later; ours until then
    settings.load_profile("cors-core")
