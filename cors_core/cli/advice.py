"""What change to a policy would let a refused request through, checked with the browser oracle.

``suggest_changes`` proposes the smallest option changes it can derive from the request and then
verifies them with :func:`cors_core.testing.simulate`, so a printed fix is one that really works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import PolicyError
from ..paths import PolicySet
from ..policy import Policy
from ..testing import BrowserRequest, simulate, unsafe_request_header_names
from ..tokens import NON_WILDCARD_REQUEST_HEADER, SAFELISTED_METHODS


@dataclass(frozen=True)
class Suggestion:
    """Option changes for the policy that applies to the request's path, or why there are none."""

    changes: dict[str, Any] = field(default_factory=dict)
    works: bool = False
    note: str = ""

    def lines(self) -> list[str]:
        """The changes as TOML lines (``allow_methods = ["PUT", "DELETE"]``)."""
        return [f"{name} = {_toml(value)}" for name, value in self.changes.items()]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):  # a TOML basic string; anything but printable ASCII escaped (no terminal control bytes)
        text = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + "".join(c if " " <= c <= "~" else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in text) + '"'
    return str(value)


def suggest_changes(req: BrowserRequest, policy: Policy | PolicySet) -> Suggestion:
    """Changes to the policy for ``req.path`` that make *req* succeed, verified; empty if it already does."""
    req = req.prepared()
    if simulate(req, policy).ok:
        return Suggestion(works=True)
    target = policy.policy_for(req.path) if isinstance(policy, PolicySet) else policy
    if target is None:
        return Suggestion(note=f"no rule of the policy set covers the path {req.path!r}: add one, or a default policy")
    changes: dict[str, Any] = {}
    origins = list(target.origins)
    any_origin = origins == ["*"]
    if req.credentials and not target.allow_credentials:
        changes["allow_credentials"] = True
    if (any_origin and req.credentials) or not simulate(
        BrowserRequest(req.origin, "GET", path="/"), target.replace(allow_credentials=False, expose_headers=[])
    ).ok:
        changes["origins"] = [req.origin] if any_origin else [*origins, req.origin]
    base = dict(changes)
    changes.update(_method_and_header_changes(req, target, keep_star=True))
    if req.private_network and not target.allow_private_network:
        changes["allow_private_network"] = True
    if req.credentials and "*" in target.expose_headers:
        changes["expose_headers"] = [h for h in target.expose_headers if h != "*"]
    first = _verified(req, target, changes)
    if first.works:
        return first
    # '*' kept its meaning only where the server echoes the request (the default): otherwise list every name
    strict = {**base, **_method_and_header_changes(req, target, keep_star=False)}
    for name in ("allow_private_network", "expose_headers"):
        if name in changes:
            strict[name] = changes[name]
    second = _verified(req, target, strict)
    return second if second.works else first


def _method_and_header_changes(req: BrowserRequest, target: Policy, keep_star: bool) -> dict[str, Any]:
    """The method and header lists that add what *req* needs, keeping everything the policy had.

    With *keep_star* a listed ``*`` stays and still covers every name but Authorization (the core echoes
    the requested names, with credentials too); without it the names are listed instead of ``*``.
    """
    changes: dict[str, Any] = {}
    star_methods = "*" in target.allow_methods and (keep_star or not req.credentials)
    if req.method not in SAFELISTED_METHODS and req.method not in target.allow_methods and not star_methods:
        changes["allow_methods"] = [m for m in target.allow_methods if m != "*"] + [req.method]
    allowed = {h.lower() for h in target.allow_headers}
    star_headers = "*" in allowed and (keep_star or not req.credentials)
    asked = unsafe_request_header_names(req.headers)
    missing = [n for n in asked if n not in allowed and (not star_headers or n == NON_WILDCARD_REQUEST_HEADER)]
    if missing:
        changes["allow_headers"] = [h for h in target.allow_headers if h != "*" or star_headers] + missing
    return changes


def _verified(req: BrowserRequest, target: Policy, changes: dict[str, Any]) -> Suggestion:
    try:
        fixed = target.replace(**changes)
    except PolicyError as exc:
        return Suggestion(changes, False, "that change is refused: " + "; ".join(f"{p.message}" for p in exc.problems))
    works = simulate(req, fixed).ok
    return Suggestion(changes, works, "" if works else "these changes are not enough; see the reason above")
