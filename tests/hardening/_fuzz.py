"""Import the fuzz harnesses (plain modules under fuzz/) without atheris, to replay inputs in tests."""

from __future__ import annotations

import sys
from pathlib import Path

FUZZ_DIR = Path(__file__).resolve().parents[2] / "fuzz"
if str(FUZZ_DIR) not in sys.path:
    sys.path.insert(0, str(FUZZ_DIR))

import _reference as reference  # noqa: E402
import fuzz_asgi  # noqa: E402
import fuzz_decide  # noqa: E402
import fuzz_origins  # noqa: E402
import fuzz_paths  # noqa: E402
import fuzz_wsgi  # noqa: E402

HARNESSES = {
    "asgi": fuzz_asgi.check,
    "decide": fuzz_decide.check,
    "origins": fuzz_origins.check,
    "paths": fuzz_paths.check,
    "wsgi": fuzz_wsgi.check,
}
CORPUS = FUZZ_DIR / "corpus"

__all__ = ["CORPUS", "HARNESSES", "reference"]
