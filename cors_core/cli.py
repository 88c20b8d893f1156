"""Command line: ``python -m cors_core explain|check``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .config import load_policy
from .decision import Decision, RequestKind
from .engine import decide
from .errors import PolicyError
from .paths import PolicySet
from .policy import Policy
from .request import RequestMeta
from .testing import BrowserRequest, check_actual, check_preflight, needs_preflight, preflight_headers

#: The policy ``explain`` uses when no ``--policy`` file is given.
EXAMPLE_POLICY = Policy(
    ["https://app.example.com", "https://*.example.org"],
    allow_methods=["PUT", "DELETE"],
    allow_headers=["Content-Type", "Authorization"],
    expose_headers=["X-Request-Id"],
    allow_credentials=True,
    max_age=600,
)


def _parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    return name.strip(), (value.strip() if sep else "x")


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
    policy: Policy | PolicySet = load_policy(args.policy) if args.policy else EXAMPLE_POLICY
    req = BrowserRequest(
        origin=args.origin,
        method=args.method,
        headers=tuple(_parse_header(h) for h in args.header),
        credentials=args.credentials,
        path=args.path,
    )
    try:
        req = req.prepared()
    except TypeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    steps: list[dict[str, Any]] = []
    ok = True
    if needs_preflight(req):
        wire = dict(preflight_headers(req))
        meta = RequestMeta(
            "OPTIONS", req.path, req.origin, wire["Access-Control-Request-Method"], wire.get("Access-Control-Request-Headers"), None, 1
        )
        d = decide(meta, policy)
        verdict = check_preflight(req, d.status or 200, list(d.items())) if d.kind is RequestKind.PREFLIGHT else None
        step = {"step": "preflight", "request": wire, **_decision_dict(d), "browser": "ok" if verdict else "blocked"}
        if verdict is not None and not verdict:
            step["browser_reason"] = verdict.reason
        steps.append(step)
        ok = bool(verdict)
    if ok:
        d = decide(RequestMeta(req.method, req.path, req.origin, None, None, None, 1), policy)
        verdict = check_actual(req, 200, list(d.items()))
        step = {"step": "actual", "request": {"method": req.method, "Origin": req.origin}, **_decision_dict(d)}
        step["browser"] = "ok" if verdict else "blocked"
        if not verdict:
            step["browser_reason"] = verdict.reason
        steps.append(step)
        ok = bool(verdict)
    if args.json:
        print(json.dumps({"allowed": ok, "steps": steps}, indent=2))
    else:
        if not args.policy:
            print(f"policy: built-in example {EXAMPLE_POLICY!r}\n")
        for step in steps:
            print(f"{step['step']}: {step['kind']}, {'allowed' if step['allowed'] else 'refused'} ({step['reason']})")
            if step["status"] is not None:
                print(f"  status: {step['status']}")
            for name, value in step["headers"].items():
                print(f"  {name}: {value}")
            print(f"  why: {step['message']}")
            if step["fix"]:
                print(f"  fix: {step['fix']}")
            print(f"  browser: {step['browser']}" + (f" ({step['browser_reason']})" if "browser_reason" in step else ""))
        print(f"\nverdict: the script {'CAN' if ok else 'CANNOT'} read the response")
    return 0 if ok else 1


def _check(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.file)
    except PolicyError as exc:
        if args.json:
            print(json.dumps({"ok": False, "problems": [{"kind": p.code, "option": p.option, "value": repr(p.value),
                                                         "message": p.message, "fix": p.fix} for p in exc.problems]}, indent=2))
        else:
            print(exc)
        return 1
    if args.json:
        print(json.dumps({"ok": True}))
    else:
        print(f"ok: {policy!r}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cors_core", description="Explain and check CORS policies.")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("explain", help="what a browser would make of one request under a policy")
    ex.add_argument("--origin", required=True, help="the page's origin, e.g. https://app.example.com")
    ex.add_argument("--method", default="GET")
    ex.add_argument("--header", action="append", default=[], help="'Name: value' a script sets (repeatable)")
    ex.add_argument("--credentials", action="store_true", help="the script sends cookies (credentials: 'include')")
    ex.add_argument("--path", default="/")
    ex.add_argument("--policy", help="a .toml or .json policy file (default: a built-in example)")
    ex.add_argument("--json", action="store_true")
    ex.set_defaults(func=_explain)
    ck = sub.add_parser("check", help="validate a policy file and list every problem")
    ck.add_argument("file")
    ck.add_argument("--json", action="store_true")
    ck.set_defaults(func=_check)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return 2
