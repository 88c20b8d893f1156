"""The shared end of the compatibility runners: count outcomes, explain each failure, and judge the run."""

from __future__ import annotations

from collections.abc import Mapping


def report(title: str, outcomes: Mapping[str, str], expected: Mapping[str, str], details: Mapping[str, str] | None = None) -> int:
    """Print the counts and each failure with the documented difference behind it; 1 if any failure is undocumented."""
    details = details or {}
    counts = {k: sum(1 for v in outcomes.values() if v == k) for k in ("passed", "failed", "skipped")}
    print(f"\n{title}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped, {len(outcomes)} collected")
    failed = sorted(t for t, v in outcomes.items() if v == "failed")
    unexpected = [t for t in failed if t not in expected]
    for test_id in failed:
        why = expected.get(test_id, "NOT A DOCUMENTED DIFFERENCE: " + details.get(test_id, ""))
        print(f"  FAIL {test_id}\n       {why}")
    for test_id in sorted(t for t in expected if outcomes.get(t) == "passed"):
        print(f"  now passes (remove from EXPECTED_FAILURES): {test_id}")
    if unexpected or not outcomes:
        print(f"{len(unexpected)} failure(s) are not documented differences")
        return 1
    return 0
