"""Run Starlette's own ``tests/middleware/test_cors.py`` against cors_asgi, and compare with the documented differences.

The sdist of the installed Starlette is downloaded with pip at run time into a temporary directory
(its code is never kept in this repository). A one-module pytest plugin replaces
``starlette.middleware.cors.CORSMiddleware`` by ``cors_asgi.CORSMiddleware`` before the tests are
collected, so the test file runs unmodified. Starlette 1.x's test helpers import ``httpx2``; when
it is not installed, pip puts it in the temporary directory. Exit status 0 means: every failure is
a documented, deliberate difference (docs/migrating-from-starlette.md) and nothing else failed.

    python compat/run_starlette_suite.py [--keep] [--sdist PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from _verdict import clean_up, download_sdist, extract_files, outcomes  # compat/ is on sys.path when the script runs
from _verdict import report as judge

SELECTION = "tests/middleware/test_cors.py"
BACKENDS = ("asyncio", "trio")

_SHIM = '''"""Test plugin: Starlette's CORSMiddleware name, served by cors_asgi."""
import cors_asgi
import starlette.middleware.cors

starlette.middleware.cors.CORSMiddleware = cors_asgi.CORSMiddleware
'''

# Each deliberate difference, with its number in docs/migrating-from-starlette.md.
_BODY = "a preflight answer has no body (Content-Length: 0), not Starlette's 'OK' / 'Disallowed CORS ...' text [D1]"
_CREDENTIALS_ANY = "allow_origins=['*'] with allow_credentials=True is refused at start-up [D2]"
_VARY_PREFLIGHT = "a preflight's Vary names only what the answer depends on (no Origin under '*', no ...-Private-Network unless on) [D3]"
_VARY_STATIC = "with allow_origins=['*'] and no credentials every response is the same: no Vary: Origin [D4]"
_LOOSE_DOT = "allow_origin_regex with an unescaped '.' ('https://.*\\.example.org') is refused at start-up [D5]"
_PNA = "a private-network preflight is answered without Allow-Private-Network, not refused with 400 [D6]"
_REFUSED_METHOD = "an allowed origin's preflight for an unlisted method gets 200 and the allowed methods, not 400 (R23 revised) [D15]"
_EXPECTED_BY_TEST: dict[str, str] = {
    "test_cors_allow_all": _CREDENTIALS_ANY,
    "test_preflight_allows_request_origin_if_origins_wildcard_and_credentials_allowed": _CREDENTIALS_ANY,
    "test_cors_vary_header_is_properly_set_for_credentialed_request": _CREDENTIALS_ANY,
    "test_cors_allow_all_except_credentials": _BODY + "; " + _VARY_PREFLIGHT,
    "test_cors_allow_specific_origin": _BODY,
    "test_cors_disallowed_preflight": _BODY + "; " + _VARY_PREFLIGHT,
    "test_cors_preflight_rejects_custom_method_with_wildcard": _REFUSED_METHOD + "; " + _BODY,
    "test_cors_allow_origin_regex": _BODY,
    "test_cors_private_network_access_allowed": _BODY,
    "test_cors_private_network_access_disallowed": _BODY + "; " + _PNA,
    "test_cors_allow_all_methods": _VARY_STATIC,
    "test_cors_vary_header_is_set_for_non_credentialed_request": _VARY_STATIC,
    "test_cors_allow_origin_regex_fullmatch": _LOOSE_DOT,
}
EXPECTED_FAILURES = {f"{SELECTION}::{name}[{backend}]": why for name, why in _EXPECTED_BY_TEST.items() for backend in BACKENDS}


def _httpx2(dest: Path) -> str:
    """A directory to put on the path for ``import httpx2`` ('' when it is installed already)."""
    if importlib.util.find_spec("httpx2") is not None:
        return ""
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(dest), "httpx2", "httpcore2", "truststore"]
    subprocess.run(cmd, check=True)
    return str(dest)


def _run(root: Path, paths: list[str], report: Path, extra: list[str]) -> int:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (*paths, env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-m", "pytest", "-q", "--tb=line", "-p", "no:cacheprovider", "-p", "_cors_asgi_shim"]
    cmd += ["--rootdir", str(root), "--junitxml", str(report), "-o", "addopts=", SELECTION, *extra]
    return subprocess.run(cmd, cwd=root, env=env, check=False).returncode


def _by_test_id(found: dict[str, str]) -> dict[str, str]:
    """junit ids of module-level tests (``middleware.py::test_cors::name``) as pytest writes them."""
    return {f"{SELECTION}::{key.rpartition('::')[2]}": value for key, value in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sdist", type=Path, help="use this Starlette sdist instead of downloading the installed version's")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print its path")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    args = parser.parse_args(argv)
    peer = f"starlette=={version('starlette')}"
    tmp = Path(tempfile.mkdtemp(prefix="starlette-compat-"))
    try:
        sdist = args.sdist or download_sdist(peer, tmp / "dl")
        root = extract_files(sdist, tmp / "src", lambda name: "/tests/" in name or name.endswith("/pyproject.toml"))
        shim = tmp / "shim"
        shim.mkdir()
        (shim / "_cors_asgi_shim.py").write_text(_SHIM)
        report = tmp / "report.xml"
        _run(root, [str(shim), _httpx2(tmp / "deps")], report, args.pytest_args)
        found, details = outcomes(report)
    finally:
        clean_up(tmp, args.keep)
    results = _by_test_id(found)
    details = _by_test_id(details)
    return judge(f"Starlette {peer}'s tests/middleware/test_cors.py against cors_asgi", results, EXPECTED_FAILURES, details)


if __name__ == "__main__":
    sys.exit(main())
