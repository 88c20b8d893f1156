"""Every input of the fuzz corpus (seeds and regressions) still passes every harness invariant.

The harnesses run here without atheris, as plain functions, so any past finding stays a test.
"""

from __future__ import annotations

import random

import pytest

from ._fuzz import CORPUS, HARNESSES

_FILES = sorted((name, path) for name in HARNESSES for path in (CORPUS / name).iterdir() if path.is_file())


def test_the_corpus_has_seeds_for_every_harness() -> None:
    for name in HARNESSES:
        assert len([p for n, p in _FILES if n == name]) >= 10, name


@pytest.mark.parametrize(("harness", "path"), _FILES, ids=[f"{n}/{p.name}" for n, p in _FILES])
def test_corpus_input_passes_the_invariants(harness: str, path: object) -> None:
    HARNESSES[harness](path.read_bytes())  # type: ignore[attr-defined]


@pytest.mark.parametrize("harness", sorted(HARNESSES))
def test_random_inputs_pass_the_invariants(harness: str) -> None:
    """A fixed-seed, uninstrumented sample: catches a broken invariant even where atheris is absent."""
    rng = random.Random(20261126)
    check = HARNESSES[harness]
    for _ in range(3000):
        check(rng.randbytes(rng.randint(0, 96)))
