"""CORS layers under real servers: each app served by waitress, gunicorn or uvicorn on 127.0.0.1 and loaded by wrk.

For every (server, framework) the app without CORS, with the peer library and with ours run in the same
session, one after the other, through the same four requests. Per cell it reports requests/s (and their
ratio to the app without CORS on the same server), wrk's p50/p99 latency, the server's CPU time per
request (utime+stime of its process tree, the steadier figure on a shared machine), new TCP connections
per request (the kernel's ``Tcp: PassiveOpens``) and the share of answers that close the connection
(probed with ``http.client``). Server and wrk are pinned to different cores; a cell during which other
processes used more than ``--max-other-load`` of the machine is marked "disturbed", not reported.

    python benchmarks/servers.py                  # every cell, 3 s each (a few minutes)
    python benchmarks/servers.py --seconds 10 --rounds 3 --docs   # the published run
    python benchmarks/servers.py --server waitress --framework flask --seconds 1

Writes ``benchmarks/results/servers.json`` and ``servers.md`` (and ``servers.png`` with matplotlib).
A report, not a test. Only loopback is used.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import _cpu, _version  # noqa: E402  (benchmarks/run.py: the same versions and machine as the in-process run)

ROOT = HERE.parent
LOOPBACK = "127.0.0.1"
#: The distributions whose versions a run records.
_VERSIONED = ("cors-core", "waitress", "gunicorn", "uvicorn", "flask", "django", "starlette")
_VERSIONED += ("flask-cors", "django-cors-headers", "wsgicors")
ALLOWED = "https://app.example.com"
REFUSED = "https://evil.example.net"
PROBES = 3  # requests sent over one connection to see whether the server keeps it
TICK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------------------ registry


@dataclass(frozen=True)
class AppTarget:
    """One app to serve: ``app`` is its key in server_apps.APPS; ``interface`` picks the servers that can run it."""

    framework: str
    variant: str  # "none", "peer" or "ours"
    library: str
    interface: str  # "wsgi" or "asgi"

    @property
    def app(self) -> str:
        return f"{self.framework}/{self.variant}"


TARGETS = [
    AppTarget("wsgi", "none", "plain WSGI", "wsgi"),
    AppTarget("wsgi", "peer", "wsgicors", "wsgi"),
    AppTarget("wsgi", "ours", "cors_wsgi", "wsgi"),
    AppTarget("flask", "none", "Flask", "wsgi"),
    AppTarget("flask", "peer", "flask-cors", "wsgi"),
    AppTarget("flask", "ours", "cors_flask", "wsgi"),
    AppTarget("django", "none", "Django", "wsgi"),
    AppTarget("django", "peer", "django-cors-headers", "wsgi"),
    AppTarget("django", "ours", "cors_django", "wsgi"),
    AppTarget("starlette", "none", "Starlette", "asgi"),
    AppTarget("starlette", "peer", "Starlette CORSMiddleware", "asgi"),
    AppTarget("starlette", "ours", "cors_asgi", "asgi"),
]


@dataclass(frozen=True)
class Server:
    """A server command line; ``{port}`` is filled in, the app is always ``server_apps:app``."""

    name: str
    interface: str
    argv: tuple[str, ...]


SERVERS = [
    Server("waitress", "wsgi", ("-m", "waitress", "--host", LOOPBACK, "--port", "{port}", "--threads", "4", "server_apps:app")),
    Server(
        "gunicorn-gthread",
        "wsgi",
        (
            "-m",
            "gunicorn",
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "5",
            "-b",
            f"{LOOPBACK}:{{port}}",
            "server_apps:app",
        ),
    ),
    Server("gunicorn-sync", "wsgi", ("-m", "gunicorn", "-w", "1", "-k", "sync", "-b", f"{LOOPBACK}:{{port}}", "server_apps:app")),
    Server(
        "uvicorn",
        "asgi",
        ("-m", "uvicorn", "--host", LOOPBACK, "--port", "{port}", "--no-access-log", "--log-level", "warning", "server_apps:app"),
    ),
]


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    headers: tuple[tuple[str, str], ...]


_PREFLIGHT = (("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "content-type,x-requested-with"))
SCENARIOS = [
    Scenario("allowed GET", "GET", (("Origin", ALLOWED),)),
    Scenario("allowed preflight", "OPTIONS", (("Origin", ALLOWED), *_PREFLIGHT)),
    Scenario("refused preflight", "OPTIONS", (("Origin", REFUSED), *_PREFLIGHT)),
    Scenario("GET without Origin", "GET", ()),
]


# ------------------------------------------------------------------------------------------ counters


def _cpu_lines() -> dict[str, list[int]]:
    with open("/proc/stat") as f:
        return {p[0]: [int(x) for x in p[1:]] for p in (line.split() for line in f) if p[0].startswith("cpu")}


def _passive_opens() -> int:
    with open("/proc/net/snmp") as f:
        lines = [line.split() for line in f if line.startswith("Tcp:")]
    return int(lines[1][lines[0].index("PassiveOpens")])


def _proc_ticks(pid: int) -> int:
    """utime+stime of one process (all its threads), in clock ticks; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _tree(pid: int) -> list[int]:
    """*pid* and its descendants (a gunicorn master and its worker)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _tree_ticks(pids: Sequence[int]) -> int:
    return sum(_proc_ticks(p) for p in pids)


# ------------------------------------------------------------------------------------------ the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _pin(core: int | None) -> list[str]:
    return ["taskset", "-c", str(core)] if core is not None and shutil.which("taskset") else []


@contextmanager
def serving(server: Server, app: str, core: int | None) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """Start *server* with the app *app* on a free loopback port; stop it afterwards."""
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), str(ROOT / "adapters"), env.get("PYTHONPATH", "")])
    env["CORS_BENCH_APP"] = app
    argv = [*_pin(core), sys.executable, *(a.format(port=port) for a in server.argv)]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(HERE))
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{server.name} {app} exited: {log.read().decode(errors='replace')[-2000:]}")
            try:
                socket.create_connection((LOOPBACK, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{server.name} {app} did not listen on {port}") from None
                time.sleep(0.1)
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def probe(port: int, sc: Scenario) -> dict[str, Any]:
    """Send the scenario's request PROBES times over one connection: status, CORS headers, how many closed it."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
    closes, status, headers = 0, 0, {}
    try:
        for _ in range(PROBES):
            conn.request(sc.method, "/api", headers=dict(sc.headers))
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            headers = {
                k: v
                for k, v in resp.getheaders()
                if k.lower().startswith("access-control-") or k.lower() in ("vary", "connection", "content-length")
            }
            if resp.will_close:
                closes += 1
                conn.close()
    finally:
        conn.close()
    return {"status": status, "headers": headers, "close_share": closes / PROBES}


# ------------------------------------------------------------------------------------------ wrk

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "timeouts": %d, "non_2xx_3xx": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def lua_script(sc: Scenario) -> str:
    lines = [f'wrk.method = "{sc.method}"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in sc.headers]
    return "\n".join(lines) + "\n" + _DONE


def run_wrk(port: int, sc: Scenario, seconds: float, core: int | None, threads: int, connections: int) -> tuple[dict[str, Any], int]:
    """One wrk run; returns its RESULT line as a dict and wrk's own CPU ticks."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua_script(sc))
    try:
        argv = [*_pin(core), "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s", "-s", f.name]
        proc = subprocess.Popen([*argv, f"http://{LOOPBACK}:{port}/api"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        out = proc.stdout.read().decode(errors="replace")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        os.unlink(f.name)
    m = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if proc.returncode != 0 or m is None:
        raise RuntimeError(f"wrk failed: {out[-1500:]}")
    return json.loads(m.group(1)), round((usage.ru_utime + usage.ru_stime) * TICK)


# ------------------------------------------------------------------------------------------ one cell


@dataclass
class Options:
    seconds: float
    threads: int
    connections: int
    max_other_load: float
    cores: tuple[int | None, int | None]
    rounds: int = 1


def measure_cell(port: int, pids: Sequence[int], sc: Scenario, opt: Options) -> dict[str, Any]:
    """wrk for opt.seconds against the running server, with the counters around it."""
    ncpu = os.cpu_count() or 1
    cpu0, opens0, srv0, t0 = _cpu_lines(), _passive_opens(), _tree_ticks(pids), time.monotonic()
    load0 = os.getloadavg()[0]
    result, wrk_ticks = run_wrk(port, sc, opt.seconds, opt.cores[1], opt.threads, opt.connections)
    cpu1, opens1, srv1, wall = _cpu_lines(), _passive_opens(), _tree_ticks(pids), time.monotonic() - t0
    total = [b - a for a, b in zip(cpu0["cpu"], cpu1["cpu"], strict=False)]
    idle = total[3] + total[4]
    steal = total[7] if len(total) > 7 else 0
    irq = total[5] + total[6]  # interrupts, mostly the loopback traffic of this very cell: reported, not counted as other load
    busy = sum(total[:8]) - idle - steal - irq  # guest time is already counted in user
    server_ticks = srv1 - srv0
    other = max(0, busy - server_ticks - wrk_ticks)
    capacity = wall * TICK * ncpu
    n = max(1, result["requests"])
    return {
        **result,
        "seconds": round(wall, 2),
        "rps": round(result["requests"] / (result["duration_us"] / 1e6), 1),
        "cpu_us_per_request": round(server_ticks / TICK / n * 1e6, 2),
        "server_cpu_share": round(server_ticks / (wall * TICK), 3),
        "new_connections": opens1 - opens0,
        "new_connections_per_request": round((opens1 - opens0) / n, 4),
        "other_load": round(other / capacity, 3),
        "steal": round(steal / capacity, 3),
        "irq": round(irq / capacity, 3),
        "loadavg_1m": [round(load0, 2), round(os.getloadavg()[0], 2)],
        "disturbed": other / capacity > opt.max_other_load or steal / capacity > 0.02,
    }


# ------------------------------------------------------------------------------------------ the run


def _available_apps() -> set[str]:
    sys.path.insert(0, str(HERE))
    os.environ.pop("CORS_BENCH_APP", None)
    import server_apps

    return set(server_apps.APPS)


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One cell from its rounds: medians of the rates, times and loads; connections over all requests; disturbed if any round was."""
    med = {k: statistics.median(r[k] for r in rounds) for k in ("rps", "cpu_us_per_request", "p50_us", "p99_us", "other_load", "steal")}
    requests = sum(r["requests"] for r in rounds)
    return {
        **{k: round(v, 3) for k, v in med.items()},
        "requests": requests,
        "new_connections_per_request": round(sum(r["new_connections"] for r in rounds) / max(1, requests), 4),
        "non_2xx_3xx": sum(r["non_2xx_3xx"] for r in rounds),
        "socket_errors": sum(r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"] for r in rounds),
        "disturbed": any(r["disturbed"] for r in rounds),
        "rounds": rounds,
    }


def run(servers: list[Server], frameworks: set[str], scenarios: list[Scenario], opt: Options, log: Any) -> list[dict[str, Any]]:
    """Per (server, framework): every variant's server at once; per request, the variants take turns, round by round."""
    apps = _available_apps()
    cells: list[dict[str, Any]] = []
    for server in servers:
        for framework in dict.fromkeys(t.framework for t in TARGETS if t.interface == server.interface and t.framework in frameworks):
            targets = []
            for target in (t for t in TARGETS if t.framework == framework and t.interface == server.interface):
                if target.app in apps:
                    targets.append(target)
                else:
                    log(f"  {server.name:17} {target.library:26} not available, skipped")
            with ExitStack() as stack:
                running = [(t, *stack.enter_context(serving(server, t.app, opt.cores[0]))) for t in targets]
                trees = {t.app: _tree(proc.pid) for t, _, proc in running}
                for _, port, _ in running:
                    run_wrk(port, scenarios[0], 1, opt.cores[1], opt.threads, opt.connections)  # warm-up, not counted
                for sc in scenarios:
                    rounds: dict[str, list[dict[str, Any]]] = {t.app: [] for t in targets}
                    for _ in range(opt.rounds):
                        for t, port, _ in running:  # interleaved: a slow moment hits every variant alike
                            rounds[t.app].append(measure_cell(port, trees[t.app], sc, opt))
                    for t, port, _ in running:
                        cell = {
                            "server": server.name,
                            "framework": framework,
                            "variant": t.variant,
                            "library": t.library,
                            "scenario": sc.name,
                        }
                        cell["probe"] = probe(port, sc)
                        cell.update(combine(rounds[t.app]))
                        cells.append(cell)
                        log(
                            f"  {server.name:17} {t.library:26} {sc.name:19} {cell['rps']:>9.0f} req/s  "
                            f"{cell['cpu_us_per_request']:>7.1f} µs CPU/req  {cell['new_connections_per_request']:.3f} conn/req  "
                            f"close {cell['probe']['close_share']:.0%}  other load {cell['other_load']:.0%}"
                            + ("  DISTURBED" if cell["disturbed"] else "")
                        )
    _relative(cells)
    return cells


def _relative(cells: list[dict[str, Any]]) -> None:
    """Each cell's req/s and CPU per request next to the app without CORS on the same server, scenario and run."""
    base = {(c["server"], c["framework"], c["scenario"]): c for c in cells if c["variant"] == "none"}
    for c in cells:
        b = base.get((c["server"], c["framework"], c["scenario"]))
        if b is None:
            continue
        c["rps_vs_none"] = round(c["rps"] / b["rps"], 3) if b["rps"] else None
        c["cpu_us_vs_none"] = round(c["cpu_us_per_request"] - b["cpu_us_per_request"], 2)
        c["baseline_disturbed"] = b["disturbed"]


def meta(opt: Options) -> dict[str, Any]:
    cpu = _cpu()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit,
        "machine": f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "wrk": wrk[0] if wrk else "?",
        "load": f"wrk -t{opt.threads} -c{opt.connections}, keep-alive, {opt.rounds} × {opt.seconds:g} s per cell (variants interleaved)",
        "pinning": f"server on core {opt.cores[0]}, wrk on core {opt.cores[1]}"
        if opt.cores[0] is not None
        else "none (fewer than 2 cores)",
        "max_other_load": opt.max_other_load,
        "versions": {d: _version(d) for d in _VERSIONED},
    }


# ------------------------------------------------------------------------------------------ report


def _cellfmt(c: dict[str, Any], show_disturbed: bool) -> list[str]:
    closing = f"{c['probe']['close_share']:.0%}"
    conns = f"{c['new_connections_per_request']:.3f}"
    if c["disturbed"] and not show_disturbed:
        return ["disturbed", "", "", "", "", "", conns, closing]
    mark = " †" if c["disturbed"] or c.get("baseline_disturbed") else ""
    ratio = "" if c["variant"] == "none" or c.get("rps_vs_none") is None else f"{c['rps_vs_none']:.2f}"
    extra = "" if c["variant"] == "none" else f"{c['cpu_us_vs_none']:+.1f}"
    return [
        f"{c['rps']:,.0f}{mark}",
        ratio,
        f"{c['p50_us'] / 1000:.2f}",
        f"{c['p99_us'] / 1000:.2f}",
        f"{c['cpu_us_per_request']:.1f}",
        extra,
        conns,
        closing,
    ]


def markdown(cells: list[dict[str, Any]], info: dict[str, Any], show_disturbed: bool) -> str:
    out = [
        "# CORS layers under real servers",
        "",
        f"{info['date']}, commit {info['commit']}; {info['machine']}; Python {info['python']}; {info['wrk']}.",
        f"Load: {info['load']}; pinning: {info['pinning']}. Versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".",
        "",
        "req/s × none: requests per second relative to the same app without CORS on the same server in the same run. "
        "CPU: server CPU time (user+system, whole process tree) per request; Δ: the same minus the app without CORS. "
        "conn/req: new TCP connections accepted per request (kernel PassiveOpens; other processes on the machine add a little). "
        "closes: share of answers that closed a keep-alive connection (3 requests over one http.client connection). "
        f"A cell where other processes used more than {info['max_other_load']:.0%} of the machine is 'disturbed'"
        + (" (shown anyway, marked †: not a result)." if show_disturbed else "."),
    ]
    for server in dict.fromkeys(c["server"] for c in cells):
        out += [
            "",
            f"## {server}",
            "",
            "| app | CORS | request | req/s | × none | p50 ms | p99 ms | CPU µs/req | Δ µs | conn/req | closes |",
            "|" + "---|" * 11,
        ]
        for c in (c for c in cells if c["server"] == server):
            out.append("| " + " | ".join([c["framework"], c["library"], c["scenario"], *_cellfmt(c, show_disturbed)]) + " |")
    disturbed = sum(c["disturbed"] for c in cells)
    out += ["", f"{disturbed} of {len(cells)} cells disturbed."]
    return "\n".join(out) + "\n"


def _compact(c: dict[str, Any], show_disturbed: bool) -> str:
    conns = f"{c['new_connections_per_request']:.2f} conn" + (
        f", closes {c['probe']['close_share']:.0%}" if c["probe"]["close_share"] else ""
    )
    if c["disturbed"] and not show_disturbed:
        return f"disturbed · {conns}"
    mark = "† " if c["disturbed"] or c.get("baseline_disturbed") else ""
    if c["variant"] == "none":
        return f"{mark}{c['rps']:,.0f}/s · {c['cpu_us_per_request']:.0f} µs · {conns}"
    return f"{mark}{c['rps_vs_none']:.2f}× · {c['cpu_us_vs_none']:+.0f} µs · {conns}"


def compact_markdown(cells: list[dict[str, Any]], info: dict[str, Any], show_disturbed: bool) -> str:
    """One table per server, a column per request: what docs/performance.md shows."""
    scenarios = list(dict.fromkeys(c["scenario"] for c in cells))
    out = [
        f"Run {info['date']} (commit {info['commit']}), {info['machine']}, Python {info['python']}; {info['load']}; "
        f"{info['pinning']}. Without CORS: requests/s · server CPU per request · new TCP connections per request. "
        "With a CORS layer: requests/s relative to no CORS · server CPU per request minus no CORS's · new connections per request "
        "(and the share of answers that closed the connection)."
        + (
            f" †: other processes used more than {info['max_other_load']:.0%} of the machine during the cell or its baseline: not a result."
            if show_disturbed
            else ""
        ),
    ]
    for server in dict.fromkeys(c["server"] for c in cells):
        rows = [c for c in cells if c["server"] == server]
        out += ["", f"**{server}**", "", "| app | CORS | " + " | ".join(scenarios) + " |", "|---|---|" + "---|" * len(scenarios)]
        for fw, lib in dict.fromkeys((c["framework"], c["library"]) for c in rows):
            by_sc = {c["scenario"]: c for c in rows if c["framework"] == fw and c["library"] == lib}
            out.append(
                f"| {fw} | {lib} | " + " | ".join(_compact(by_sc[sc], show_disturbed) if sc in by_sc else "" for sc in scenarios) + " |"
            )
    return "\n".join(out) + "\n"


def write_into_page(marker: str, text: str) -> None:
    """Put *text* between ``<!-- {marker}:start ... -->`` and ``<!-- {marker}:end -->`` in docs/performance.md."""
    page = ROOT / "docs" / "performance.md"
    body = page.read_text()
    start = body.index(f"<!-- {marker}:start")
    start = body.index("-->", start) + 3
    end = body.index(f"<!-- {marker}:end -->", start)
    page.write_text(f"{body[:start]}\n\n{text}\n{body[end:]}")


def update_docs(text: str, chart_png: Path | None) -> None:
    """The tables into docs/performance.md, and the chart next to the page's other charts."""
    write_into_page("servers", text)
    if chart_png is not None and chart_png.exists():
        shutil.copyfile(chart_png, ROOT / "docs" / "img" / "bench-servers.png")


def chart(cells: list[dict[str, Any]], path: Path) -> bool:
    """Server CPU per request, per server and scenario, for none / peer / ours; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    servers = list(dict.fromkeys(c["server"] for c in cells))
    fig, axes = plt.subplots(len(servers), 1, figsize=(11, 3.2 * len(servers)), squeeze=False)
    colours = {"none": "#999999", "peer": "#d08040", "ours": "#3070b0"}
    for ax, server in zip(axes[:, 0], servers, strict=True):
        rows = [c for c in cells if c["server"] == server]
        groups = list(dict.fromkeys((c["framework"], c["scenario"]) for c in rows))
        for i, (fw, sc) in enumerate(groups):
            for j, variant in enumerate(("none", "peer", "ours")):
                c = next((c for c in rows if c["framework"] == fw and c["scenario"] == sc and c["variant"] == variant), None)
                if c is None:
                    continue
                hatch = "//" if c["disturbed"] else None
                ax.bar(
                    i + (j - 1) * 0.27,
                    c["cpu_us_per_request"],
                    0.27,
                    color=colours[variant],
                    hatch=hatch,
                    label=variant if i == 0 else None,
                )
                if c["probe"]["close_share"] > 0:
                    ax.text(i + (j - 1) * 0.27, c["cpu_us_per_request"], "×", ha="center", va="bottom", color="red")
        short = {
            "allowed GET": "GET",
            "allowed preflight": "preflight",
            "refused preflight": "refused pf.",
            "GET without Origin": "no Origin",
        }
        ax.set_xticks(range(len(groups)), [f"{fw}\n{short.get(sc, sc)}" for fw, sc in groups], fontsize=7, rotation=0)
        ax.set_ylabel("server CPU µs / request")
        ax.set_title(f"{server} (hatched: disturbed; red ×: closes the connection)", fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="wrk duration per cell (the published run: 10)")
    ap.add_argument("--server", action="append", choices=[s.name for s in SERVERS], help="repeatable; default: all")
    ap.add_argument("--framework", action="append", choices=sorted({t.framework for t in TARGETS}), help="repeatable; default: all")
    ap.add_argument("--scenario", action="append", choices=[s.name for s in SCENARIOS], help="repeatable; default: all four")
    ap.add_argument("--rounds", type=int, default=1, help="turns per cell, variants interleaved; medians reported (published run: 3)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--max-other-load", type=float, default=0.10, help="share of the machine other processes may use in a cell")
    ap.add_argument("--show-disturbed", action="store_true", help="print disturbed cells' numbers in the table (marked †)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "servers.json")
    ap.add_argument("--docs", action="store_true", help="also write the tables and chart into docs/performance.md")
    ap.add_argument("--from-json", type=Path, help="do not measure: write the table, chart (and --docs) from an earlier run's JSON")
    args = ap.parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text())
        return _write(args, data["meta"], data["cells"])
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt install wrk)", file=sys.stderr)
        return 2
    cores: tuple[int | None, int | None] = (0, 1) if (os.cpu_count() or 1) >= 2 else (None, None)
    opt = Options(args.seconds, args.threads, args.connections, args.max_other_load, cores, max(1, args.rounds))
    servers = [s for s in SERVERS if not args.server or s.name in args.server]
    frameworks = set(args.framework or {t.framework for t in TARGETS})
    scenarios = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    info = meta(opt)
    print(f"{info['machine']}; {info['load']}; {info['pinning']}", flush=True)
    cells = run(servers, frameworks, scenarios, opt, lambda line: print(line, flush=True))
    return _write(args, info, cells)


def _write(args: argparse.Namespace, info: dict[str, Any], cells: list[dict[str, Any]]) -> int:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": info, "cells": cells}, indent=1) + "\n")
    md = args.out.with_suffix(".md")
    md.write_text(markdown(cells, info, args.show_disturbed))
    drew = chart(cells, args.out.with_suffix(".png"))
    if args.docs:
        update_docs(compact_markdown(cells, info, args.show_disturbed), args.out.with_suffix(".png") if drew else None)
    print(f"wrote {args.out}, {md}" + (f", {args.out.with_suffix('.png')}" if drew else " (no matplotlib: no chart)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
