"""The shared atheris entry point: instrument cors_core for coverage, then fuzz one ``check`` function."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def fuzz(check: Callable[[bytes], None]) -> None:
    """Run libFuzzer (arguments from the command line) on *check* with every cors_core module instrumented.

    cors_core must not have been imported yet, or its code runs uninstrumented and coverage is blind.
    """
    import atheris

    assert "cors_core" not in sys.modules, "import cors_core only inside functions in the harness modules"
    with atheris.instrument_imports(include=["cors_core"]):
        for name in ("cors_core", "cors_core.engine", "cors_core.origins", "cors_core.paths", "cors_core.reasons", "cors_core.testing"):
            importlib.import_module(name)
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()
