"""The tools: ``python -m cors_core demo|explain|probe|check`` (also the ``cors-core`` script).

Kept out of the engine's modules: the engine (``cors_core/*.py``) never imports anything here, and
only the tools that run an adapter (the demo, ``check --flask/--django``) import one, when run.
"""

from .commands import build_parser, main

__all__ = ["build_parser", "main"]
