"""docs/browser-cases.md must be the table generated from the cases the browser tests run (no browser needed)."""

from __future__ import annotations

from ._cases import CASES, CONSOLE, CONSOLE_MARK, CULPRITS
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


def test_every_refused_call_says_what_the_console_blames() -> None:
    """R23: each refusal names its culprit, in words every engine with a readable console (``CONSOLE``) has."""
    for case in CASES:
        for call in case.calls:
            if call.ok:
                assert not call.culprit, case.id
                continue
            assert call.culprit in CULPRITS, case.id
            for engine in CONSOLE_MARK:
                assert call.culprit in CONSOLE[engine], (case.id, engine)
            assert bool(call.culprit_name) is (call.culprit in ("method", "header")), case.id
