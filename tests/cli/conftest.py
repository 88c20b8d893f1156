"""No test of the tools leaves a demo process behind, whatever it failed on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._support import Demo


@pytest.fixture(autouse=True)
def _no_demo_left_behind() -> Iterator[None]:
    yield
    for demo in list(Demo.alive):
        demo.kill()
