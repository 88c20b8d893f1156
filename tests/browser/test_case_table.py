"""docs/browser-cases.md must be the table generated from the cases the browser tests run (no browser needed)."""

from __future__ import annotations

from ._cases import CASES
from .make_case_table import DOC, render


def test_case_table_is_current() -> None:
    assert DOC.exists(), "docs/browser-cases.md is missing: run python -m tests.browser.make_case_table"
    assert DOC.read_text(encoding="utf-8") == render(), "docs/browser-cases.md is stale: run python -m tests.browser.make_case_table"


def test_every_case_is_in_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [case.id for case in CASES if f"| `{case.id}` |" not in text]
    assert not missing, missing


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
