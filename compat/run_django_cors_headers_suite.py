"""Run django-cors-headers 4.9.0's own tests against cors_django, and compare with the documented differences.

Local measurement, not part of CI. The peer's ``tests/`` directory (test_middleware.py, test_checks.py,
test_conf.py with their settings, urls and views) is read from ``--tests`` (default
/work/scratch/dch-tests/tests), copied into a temporary directory with every ``corsheaders`` replaced
by ``cors_django`` (imports, MIDDLEWARE, INSTALLED_APPS, check ids), and run there with pytest-django.
Their code is never copied into this repository. Exit status 0 means: every failure is a documented,
deliberate difference (docs/migrating-from-django-cors-headers.md) and nothing else failed.

    python compat/run_django_cors_headers_suite.py [--tests DIR] [--keep] [pytest args...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _verdict import clean_up, outcomes  # compat/ is on sys.path when the script runs
from _verdict import report as judge

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TESTS = Path("/work/scratch/dch-tests/tests")
FILES = ("test_middleware.py", "test_checks.py", "test_conf.py")

_CREDENTIALS_ANY = "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS is refused (ImproperlyConfigured, check E100) [D1]"
_FILE_ORIGIN = "'file://' in CORS_ALLOWED_ORIGINS is refused: file: pages send the origin 'null' (check E101) [D2]"
_PNA_ACTUAL = "Access-Control-Allow-Private-Network is sent on preflights only, not on a GET [D3]"
_MAX_AGE_ZERO = "CORS_PREFLIGHT_MAX_AGE = 0 sends Access-Control-Max-Age: 0 (no caching), not nothing (5 s) [D12]"
# Each deliberate difference, keyed by test id (file::Class::test), with its section of the migration guide.
EXPECTED_FAILURES: dict[str, str] = {
    "test_middleware.py::CorsMiddlewareTests::test_allow_all_origins_get": _CREDENTIALS_ANY,
    "test_middleware.py::CorsMiddlewareTests::test_allow_all_origins_options": _CREDENTIALS_ANY,
    "test_middleware.py::CorsMiddlewareTests::test_non_200_headers_still_set": _CREDENTIALS_ANY,
    "test_middleware.py::CorsMiddlewareTests::test_auth_view_options": _CREDENTIALS_ANY,
    "test_middleware.py::CorsMiddlewareTests::test_file_in_allowed_origins": _FILE_ORIGIN,
    "test_checks.py::ChecksTests::test_cors_allowed_origins_allowed": _FILE_ORIGIN,
    "test_middleware.py::CorsMiddlewareTests::test_allow_private_network_added_if_enabled_and_requested": _PNA_ACTUAL,
    "test_middleware.py::CorsMiddlewareTests::test_options_no_max_age": _MAX_AGE_ZERO,
}


def _prepare(source: Path, dest: Path) -> Path:
    """A rewritten copy of the peer's tests: dest/tests/..., plus its pytest.ini."""
    tests = dest / "tests"
    shutil.copytree(source, tests, ignore=shutil.ignore_patterns("__pycache__"))
    for path in tests.rglob("*.py"):
        path.write_text(path.read_text().replace("corsheaders", "cors_django"))
    ini = source.parent / "pytest.ini"
    (dest / "pytest.ini").write_text(ini.read_text() if ini.exists() else "[pytest]\ndjango_find_project = false\n")
    return tests


def _run(root: Path, report: Path, extra: list[str]) -> int:
    env = dict(os.environ)
    paths = [str(root), str(REPO), str(REPO / "adapters"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_django", "--ds", "tests.settings"]
    cmd += ["--rootdir", str(root), "-c", str(root / "pytest.ini"), "--junitxml", str(report)]
    cmd += [f"tests/{name}" for name in FILES] + extra
    return subprocess.run(cmd, cwd=root, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=Path, default=DEFAULT_TESTS, help="the peer's tests/ directory")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print its path")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    args = parser.parse_args(argv)
    if not (args.tests / "test_middleware.py").exists():
        print(f"no django-cors-headers tests in {args.tests}", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="dch-compat-"))
    try:
        _prepare(args.tests, tmp)
        report = tmp / "report.xml"
        _run(tmp, report, args.pytest_args)
        results, details = outcomes(report)
    finally:
        clean_up(tmp, args.keep)
    return judge(
        "django-cors-headers 4.9.0 tests against cors_django",
        results,
        EXPECTED_FAILURES,
        details,
    )

if __name__ == "__main__":
    sys.exit(main())
