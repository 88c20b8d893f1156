"""The tools: ``python -m cors_core demo|explain|probe|check`` (also the ``cors-core`` script).

Kept out of the engine's modules: the engine (``cors_core/*.py``) never imports anything here, and
only the tools that run an adapter (the demo, ``check --flask/--django``) import one, when run.
Importing this package (or :mod:`cors_core.cli.env`, for ``policy_from_env``) does not load the
command line: :mod:`.commands` is imported when :func:`main` or :func:`build_parser` is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m cors_core``."""
    from . import commands

    return commands.build_parser()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from . import commands

    return commands.main(argv)
