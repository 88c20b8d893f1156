"""The shared atheris entry point: instrument cors_core for coverage, then fuzz one ``check`` function."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def fuzz(check: Callable[[bytes], None]) -> None:
    """Run libFuzzer (arguments from the command line) on *check* with cors_core and cors_wsgi instrumented.

    cors_core must not have been imported yet, or its code runs uninstrumented and coverage is blind.
    """
    import atheris

    assert "cors_core" not in sys.modules, "import cors_core (and cors_wsgi) only inside functions of the harnesses"
    with atheris.instrument_imports(include=["cors_core", "cors_wsgi"]):
        for name in ("cors_core", "cors_core.engine", "cors_core.origins", "cors_core.paths", "cors_core.reasons", "cors_core.testing"):
            importlib.import_module(name)
        importlib.import_module("cors_wsgi")
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()
