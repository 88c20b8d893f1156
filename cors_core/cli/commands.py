"""Command line: ``python -m cors_core demo|explain|probe|check`` (also the ``cors-core`` script).

Exit codes: 0 allowed / valid; 1 refused by the browser or invalid policy; 2 usage, file or
network error; 3 (probe) the browser allows the request but the server has a defect (e.g. no Vary).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Sequence
from typing import Any

from ..decision import Decision, RequestKind
from ..engine import decide
from ..errors import ConfigProblem, PolicyError
from ..paths import PolicySet
from ..policy import Policy
from ..request import RequestMeta
from ..testing import BrowserRequest, check_actual, check_preflight, exposed_headers, needs_preflight, preflight_headers
from ._common import UsageError, load_policy_source, parse_header, policy_summary, style_for
from .advice import suggest_changes
from .env import DEFAULT_PREFIX


@functools.cache
def _example_policy() -> Policy:
    """The policy ``explain`` uses when no ``--policy`` file is given (built on first use, not at import)."""
    return Policy(
        ["https://app.example.com", "https://*.example.org"],
        allow_methods=["PUT", "DELETE"],
        allow_headers=["Content-Type", "Authorization"],
        expose_headers=["X-Request-Id"],
        allow_credentials=True,
        max_age=600,
    )


def _decision_dict(d: Decision) -> dict[str, Any]:
    return {
        "kind": d.kind.value,
        "allowed": d.allowed,
        "status": d.status,
        "reason": d.reason,
        "message": d.message,
        "fix": d.fix,
        "headers": dict(d.items()),
    }


def _explain(args: argparse.Namespace) -> int:
    loaded = load_policy_source(args)
    policy = loaded if loaded is not None else _example_policy()
    req = BrowserRequest(
        origin=args.origin,
        method=args.method,
        headers=tuple(parse_header(h) for h in args.header),
        credentials=args.credentials,
        private_network=args.private_network,
        path=args.path,
    )
    try:
        req = req.prepared()
    except TypeError as exc:
        raise UsageError(str(exc)) from exc
    steps: list[dict[str, Any]] = []
    ok = True
    if needs_preflight(req):
        wire = dict(preflight_headers(req))
        asked = [wire.get(f"Access-Control-Request-{h}") for h in ("Method", "Headers", "Private-Network")]
        d = decide(RequestMeta("OPTIONS", req.path, req.origin, asked[0], asked[1], asked[2], 1), policy)
        verdict = check_preflight(req, d.status or 200, list(d.items())) if d.kind is RequestKind.PREFLIGHT else None
        step = {"step": "preflight", "request": wire, **_decision_dict(d), "browser": "ok" if verdict else "blocked"}
        if not verdict:
            step["browser_reason"] = verdict.reason if verdict is not None else "no CORS headers: no policy covers the path"
        steps.append(step)
        ok = bool(verdict)
    if ok:
        d = decide(RequestMeta(req.method, req.path, req.origin, None, None, None, 1), policy)
        headers = list(d.items())
        verdict = check_actual(req, 200, headers)
        step = {"step": "actual", "request": {"method": req.method, "Origin": req.origin}, **_decision_dict(d)}
        step["browser"] = "ok" if verdict else "blocked"
        if verdict:
            step["readable_headers"] = sorted(exposed_headers(req, headers) - {"vary"})
        else:
            step["browser_reason"] = verdict.reason
        steps.append(step)
        ok = bool(verdict)
    suggestion = None if ok else suggest_changes(req, policy)
    if args.json:
        out: dict[str, Any] = {"allowed": ok, "steps": steps}
        if suggestion is not None:
            out["policy_change"] = {"changes": suggestion.changes, "works": suggestion.works, "note": suggestion.note}
        print(json.dumps(out, indent=2))
        return 0 if ok else 1
    s = style_for(args)
    if loaded is None:
        print(s.dim(f"policy: built-in example {policy!r}") + "\n")
    for step in steps:
        verdict_text = s.ok("allowed") if step["allowed"] else s.bad("refused")
        print(f"{s.head(step['step'])}: {step['kind']}, {verdict_text} ({step['reason']})")
        if step["status"] is not None:
            print(f"  status: {step['status']}")
        for name, value in step["headers"].items():
            print(f"  {name}: {value}")
        print(f"  why: {step['message']}")
        if step["fix"]:
            print(f"  fix: {step['fix']}")
        browser = s.ok("ok") if step["browser"] == "ok" else s.bad("blocked")
        print(f"  browser: {browser}" + (f" ({step['browser_reason']})" if "browser_reason" in step else ""))
        if step.get("readable_headers"):
            print(f"  the script can read: {', '.join(step['readable_headers'])}")
    print()
    if ok:
        print(s.ok("verdict: the script CAN read the response"))
        return 0
    print(s.bad("verdict: the script CANNOT read the response"))
    if suggestion is not None:
        if suggestion.changes:
            where = f" (the policy for {req.path})" if isinstance(policy, PolicySet) else ""
            label = "fix" if suggestion.works else "would need"
            print(s.bold(f"{label}: change the policy{where} to:"))
            for line in suggestion.lines():
                print(f"    {line}")
        if suggestion.note:
            print(s.warn(f"note: {suggestion.note}"))
    return 1


def _problem_dict(p: ConfigProblem) -> dict[str, Any]:
    return {"kind": p.code, "option": p.option, "value": repr(p.value), "message": p.message, "fix": p.fix}


def _check(args: argparse.Namespace) -> int:
    s = style_for(args)
    apps = [x for x in (args.file, args.env, args.flask, args.django) if x]
    if len(apps) != 1:
        raise UsageError("check: give one of a policy FILE, --env, --flask MODULE:APP or --django SETTINGS_MODULE")
    if args.flask or args.django:
        from .apps import check_django, check_flask, print_report

        report = check_flask(args.flask) if args.flask else check_django(args.django)
        if args.json:
            print(json.dumps(report.as_dict(), indent=2))
        else:
            print_report(report, s.bold, s.bad, s.ok)
        return 1 if report.problems else 0
    try:
        policy = load_policy_source(args)
    except PolicyError as exc:
        if args.json:
            print(json.dumps({"ok": False, "problems": [_problem_dict(p) for p in exc.problems]}, indent=2))
        else:
            print(s.bad(f"{len(exc.problems)} problem(s):"))
            for p in exc.problems:
                print(f"  - {s.bold(p.option)} = {p.value!r}: {p.message}")
                print(f"    fix: {p.fix}")
        return 1
    if args.json:
        print(json.dumps({"ok": True, "policy": policy_summary(policy) if policy is not None else None}))
    else:
        print(s.ok("ok: ") + (policy_summary(policy) if policy is not None else ""))
    return 0


def _probe(args: argparse.Namespace) -> int:
    from .probe import run_probe

    return run_probe(args, style_for(args))


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(args, load_policy_source(args), style_for(args))


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour (auto: only on a terminal)")


def _add_env(p: argparse.ArgumentParser) -> None:
    p.add_argument("--env", action="store_true", help=f"read the policy from environment variables ({DEFAULT_PREFIX}ORIGINS, ...)")
    p.add_argument("--env-prefix", default=DEFAULT_PREFIX, help="prefix of those variables (default %(default)s)")


def _add_request(p: argparse.ArgumentParser) -> None:
    p.add_argument("--origin", required=True, help="the page's origin, e.g. https://app.example.com")
    p.add_argument("--method", default="GET", help="the method the script uses (default GET)")
    p.add_argument("--header", action="append", default=[], help="'Name: value' a script sets (repeatable)")
    p.add_argument("--credentials", action="store_true", help="the script sends cookies (credentials: 'include')")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m cors_core``."""
    parser = argparse.ArgumentParser(
        prog="cors-core",
        description="See, explain, probe and check CORS policies.",
        epilog="exit status: 0 allowed/valid, 1 refused/invalid, 2 usage or network error, 3 (probe) allowed but the server has a defect",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    dm = sub.add_parser("demo", help="run a page and an API on loopback and watch real cross-origin requests")
    dm.add_argument("--host", default="127.0.0.1", choices=("127.0.0.1", "localhost", "::1"), help="loopback address to serve on")
    dm.add_argument("--port", type=int, default=8470, help="port of the page origin (0 = any free port; default %(default)s)")
    dm.add_argument("--api-port", type=int, default=8471, help="port of the API origin (0 = any free port; default %(default)s)")
    dm.add_argument("--policy", help="the API's policy: a .toml or .json file (default: the built-in demo policy)")
    dm.add_argument("--no-browser", action="store_true", help="do not open the page in a web browser")
    dm.add_argument("--quiet", action="store_true", help="do not log each API request")
    _add_env(dm)
    _add_common(dm)
    dm.set_defaults(func=_demo)

    ex = sub.add_parser("explain", help="what a browser would make of one request under a policy")
    _add_request(ex)
    ex.add_argument("--private-network", action="store_true", help="the browser sends a Private Network Access preflight")
    ex.add_argument("--path", default="/")
    ex.add_argument("--policy", help="a .toml or .json policy file (default: a built-in example)")
    _add_env(ex)
    _add_common(ex)
    ex.set_defaults(func=_explain)

    pr = sub.add_parser("probe", help="act as the browser against a running server and judge its answers")
    pr.add_argument("url", help="the URL the script fetches, e.g. http://127.0.0.1:8000/api/items")
    _add_request(pr)
    pr.add_argument("--cookie", help="Cookie header to send with a credentialed actual request")
    pr.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default %(default)s)")
    _add_common(pr)
    pr.set_defaults(func=_probe)

    ck = sub.add_parser("check", help="validate a policy file, the environment, or a real Flask app / Django project; list every problem")
    ck.add_argument("file", nargs="?", help="a .toml or .json policy file")
    ck.add_argument("--flask", metavar="MODULE:APP", help="import the Flask app (e.g. app:app) and check every CORS(...) and @cross_origin")
    ck.add_argument("--django", metavar="SETTINGS_MODULE", help="set up Django with these settings; check CORS settings and @cors views")
    _add_env(ck)
    _add_common(ck)
    ck.set_defaults(func=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return 2
