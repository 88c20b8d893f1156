"""The shared end of the compatibility runners: count outcomes, explain each failure, and judge the run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path


def download_sdist(requirement: str, dest: Path) -> Path:
    """The peer's source distribution (``name==version``), downloaded with pip into *dest*."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", requirement, "-d", str(dest), "-q"]
    subprocess.run(cmd, check=True)
    return next(dest.glob(f"{requirement.partition('==')[0].replace('-', '_')}-*.tar.gz"))


def extract_files(sdist: Path, dest: Path, wanted: Callable[[str], bool]) -> Path:
    """Extract the members of *sdist* whose name *wanted* accepts; the unpacked project directory."""
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and wanted(m.name)]
        tar.extractall(dest, members=members, filter="data")
    return next(p for p in dest.iterdir() if p.is_dir())


def outcomes(junit_xml: Path) -> tuple[dict[str, str], dict[str, str]]:
    """From a pytest junit report: test id -> passed | failed | skipped, and test id -> first line of each failure.

    Test ids read like pytest's own (``test_middleware.py::CorsMiddlewareTests::test_x``), from the
    class names the report holds (``tests.test_middleware.CorsMiddlewareTests``).
    """
    found: dict[str, str] = {}
    details: dict[str, str] = {}
    for case in ET.parse(junit_xml).iter("testcase"):
        parts = case.get("classname", "").split(".")
        test_id = f"{'/'.join(parts[1:-1])}.py::{parts[-1]}::{case.get('name')}"
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if case.find("skipped") is not None:
            found[test_id] = "skipped"
        elif problem is not None:
            found[test_id] = "failed"
            details[test_id] = (problem.get("message") or "").partition("\n")[0][:200]
        else:
            found[test_id] = "passed"
    return found, details


def clean_up(tmp: Path, keep: bool) -> None:
    """Remove the runner's scratch directory, or say where it is kept."""
    if keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


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
