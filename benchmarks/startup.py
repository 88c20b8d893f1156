"""Start-up cost: what importing each CORS layer adds to its framework, and the time to build a 10,000-origin policy.

Each measurement runs in a fresh interpreter. Import time is ``python -X importtime``'s cumulative time of
everything the layer's import statement loads once its framework (for Django: the WSGI handler a
server loads) is already imported; build time is the first construction of the layer with 10,000 exact origins
(what a server pays at start-up). Each is the least of ``--runs`` fresh interpreters, the figure
other load on the machine disturbs least (the JSON has the medians too).

    python benchmarks/startup.py              # prints a table, writes benchmarks/results/startup.json and .md
    python benchmarks/startup.py --docs       # and the table into docs/performance.md
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORIGINS = 10_000

# (library, framework import, the layer's import, the code that builds it from `origins`, a list of str)
LAYERS = [
    ("cors_core (Policy)", "", "import cors_core", "cors_core.Policy(origins)"),
    ("cors_wsgi", "", "import cors_wsgi, cors_core", "cors_wsgi.CORSMiddleware(app, cors_core.Policy(origins))"),
    ("wsgicors", "", "import wsgicors", "wsgicors.CORS(app, origin=' '.join(origins))"),
    ("cors_flask", "import flask", "import cors_flask", "cors_flask.CORS(flask.Flask('a'), origins=origins)"),
    ("flask-cors", "import flask", "import flask_cors", "flask_cors.CORS(flask.Flask('a'), origins=origins)"),
    ("cors_django", "import django.core.handlers.wsgi", "import cors_django.middleware", "cors_django.middleware.CorsMiddleware(view)"),
    (
        "django-cors-headers",
        "import django.core.handlers.wsgi",
        "import corsheaders.middleware, corsheaders.checks",
        "corsheaders.middleware.CorsMiddleware(view); corsheaders.checks.check_settings()",
    ),
    ("cors_asgi", "import starlette.applications", "import cors_asgi", "cors_asgi.CORSMiddleware(app, allow_origins=origins)"),
    (
        "Starlette CORSMiddleware",
        "import starlette.applications",
        "import starlette.middleware.cors",
        "starlette.middleware.cors.CORSMiddleware(app, allow_origins=origins)",
    ),
]

_BUILD = """
import time
origins = [f"https://site{{i}}.example.org" for i in range({n})]
def app(environ, start_response): return []
def view(request): return None
{framework}
{layer}
if "django" in {framework!r}:
    from django.conf import settings
    settings.configure(CORS_ALLOWED_ORIGINS=origins, ALLOWED_HOSTS=["*"], INSTALLED_APPS=[], SECRET_KEY="x")
    import django
    django.setup()
t0 = time.perf_counter()
{build}
print("BUILD", time.perf_counter() - t0)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Bytecode as installed packages have it: with PYTHONDONTWRITEBYTECODE, a checkout's modules would be
    # compiled from source in every interpreter while the peers' came with their .pyc (the first run writes ours).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "adapters"), env.get("PYTHONPATH", "")])
    return env


def import_ms(framework: str, layer: str) -> float:
    """Milliseconds -X importtime counts for *layer*'s statement, run after *framework*'s."""
    code = f"{framework}\nimport sys; sys.stderr.write('MARK\\n')\n{layer}"
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=_env(), capture_output=True, text=True, check=True).stderr
    after = err.split("MARK\n", 1)[1]
    total = 0
    for line in after.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit() and not name.startswith("  "):  # top level of this statement
                total += int(cumulative)
    return total / 1000


def build_ms(framework: str, layer: str, build: str) -> float:
    """Milliseconds of the first build of *layer* with ORIGINS origins in a fresh interpreter."""
    code = _BUILD.format(n=ORIGINS, framework=framework, layer=layer, build=build)
    out = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return float(next(line for line in out.stdout.splitlines() if line.startswith("BUILD")).split()[1]) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="fresh interpreters per import measurement (the least is reported)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "startup.json")
    ap.add_argument("--docs", action="store_true", help="also write the table into docs/performance.md")
    args = ap.parse_args(argv)
    rows = []
    for name, framework, layer, build in LAYERS:
        try:
            imports = [import_ms(framework, layer) for _ in range(args.runs)]
            framework_ms = min(import_ms("", framework) for _ in range(args.runs)) if framework else 0.0
            builds = [build_ms(framework, layer, build) for _ in range(args.runs)]
        except (subprocess.CalledProcessError, RuntimeError) as exc:
            print(f"{name}: not measured ({str(exc).strip().splitlines()[-1] if str(exc).strip() else exc})")
            continue
        row = {
            "library": name,
            "framework_import": framework.removeprefix("import ") or "-",
            "framework_import_ms": round(framework_ms, 1),
            "import_ms": round(min(imports), 1),
            "import_median_ms": round(statistics.median(imports), 1),
            "build_10000_ms": round(min(builds), 1),
            "build_10000_median_ms": round(statistics.median(builds), 1),
        }
        rows.append(row)
        print(
            f"{name:26} import +{row['import_ms']:6.1f} ms (after {row['framework_import']}: {framework_ms:.1f} ms)   "
            f"10,000 origins: {min(builds):7.1f} ms (median {statistics.median(builds):.1f})",
            flush=True,
        )
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "python": sys.version.split()[0], "runs": args.runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    lines = [
        f"Start-up cost, {meta['date']}, Python {meta['python']} (the least of {args.runs} fresh interpreters, and the median).",
        "",
        "| layer | its import, after the framework's | the framework's import | build with 10,000 origins | (median) |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['library']} | {r['import_ms']:.1f} ms | {r['framework_import']}: {r['framework_import_ms']:.1f} ms | "
        f"{r['build_10000_ms']:.1f} ms | {r['build_10000_median_ms']:.1f} ms |"
        for r in rows
    ]
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    if args.docs:
        from servers import write_into_page  # benchmarks/servers.py

        write_into_page("startup", "\n".join(lines))
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
