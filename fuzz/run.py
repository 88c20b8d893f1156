"""Run the atheris harnesses for a fixed time each and report executions and findings.

    python fuzz/run.py --seconds 60            # every harness, 60 s each (what CI runs: about 4.5 minutes)
    python fuzz/run.py --harness origins --seconds 3600 --jobs 4 --keep /tmp/new-corpus

The checked-in seed corpus (fuzz/corpus/<harness>/) is read but never written: new inputs go to a
temporary directory (or --keep DIR). A crash leaves ``crash-*`` files in --artifacts and exits 1.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARNESSES = {
    "asgi": HERE / "fuzz_asgi.py",
    "decide": HERE / "fuzz_decide.py",
    "origins": HERE / "fuzz_origins.py",
    "paths": HERE / "fuzz_paths.py",
    "wsgi": HERE / "fuzz_wsgi.py",
}
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_STAT = re.compile(r"#(\d+)\s+(?:pulse|NEW|REDUCE|DONE)\s+cov: (\d+)")


def run_one(name: str, seconds: int, keep: Path | None, artifacts: Path, extra: list[str]) -> tuple[bool, int, float, int]:
    """Fuzz one harness; returns (ok, executions, wall seconds, final coverage)."""
    seeds = HERE / "corpus" / name
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as tmp:
        out = keep / name if keep else Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            str(HARNESSES[name]),
            f"-max_total_time={seconds}",
            "-timeout=10",
            "-rss_limit_mb=2048",
            "-max_len=4096",
            "-print_final_stats=1",
            f"-artifact_prefix={artifacts}/{name}-",
            *extra,
            str(out),
            str(seeds),
        ]
        start = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
        wall = time.monotonic() - start
    log = proc.stdout + proc.stderr
    done = _DONE.search(log)
    runs = int(done.group(1)) if done else 0
    if not runs:
        stats = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
        runs = int(stats[-1]) if stats else 0
    covs = _STAT.findall(log)
    cov = int(covs[-1][1]) if covs else 0
    ok = proc.returncode == 0
    if not ok:
        start = log.find("=== Uncaught Python exception")
        print(log[start : start + 6000] if start != -1 else log[-6000:], file=sys.stderr)
    return ok, runs, wall, cov


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="time budget per harness (default 60)")
    parser.add_argument("--harness", choices=sorted(HARNESSES), action="append", help="run only this harness (repeatable)")
    parser.add_argument("--keep", type=Path, help="write new corpus entries to DIR/<harness> instead of a temporary directory")
    parser.add_argument("--artifacts", type=Path, default=Path("fuzz-artifacts"), help="where crash inputs are written")
    parser.add_argument("libfuzzer", nargs="*", help="extra libFuzzer flags after --, e.g. -- -jobs=4")
    args = parser.parse_args(argv)
    args.artifacts.mkdir(parents=True, exist_ok=True)
    failed = False
    for name in args.harness or sorted(HARNESSES):
        ok, runs, wall, cov = run_one(name, args.seconds, args.keep, args.artifacts.resolve(), args.libfuzzer)
        rate = runs / wall if wall else 0.0
        print(f"{name:8} {'ok' if ok else 'FOUND A FAILURE':16} {runs:>10} executions in {wall:6.1f} s ({rate:,.0f}/s), coverage {cov}")
        failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
