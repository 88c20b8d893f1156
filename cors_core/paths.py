"""``PolicySet``: different policies for different URL paths, with one documented precedence.

Rules are matched against the decoded path (``%2F`` already decoded by the server, ``+`` left as
``+``), after removing dot segments and repeated slashes, case-sensitively. Precedence, whatever
the order the rules were given in:

1. an exact path (``"/api/users"``);
2. the longest prefix (``"/api/*"`` matches ``/api``, ``/api/`` and everything below ``/api/``);
3. regular expressions (``re.compile(...)``), full-matched, in the order given;
4. the ``default`` policy, if any; otherwise CORS does not apply to the path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .errors import ConfigProblem, InvalidPathRule, PolicyError
from .policy import Policy
from .redos import is_catastrophic

RuleKey = str | re.Pattern[str]


def normalize_path(path: str) -> str:
    """Remove dot segments and empty segments (RFC 3986 5.2.4), keeping case and ``+``."""
    if "/." not in path and "//" not in path:
        return path or "/"
    out: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if out:
                out.pop()
            continue
        out.append(segment)
    trailing = "/" if path.endswith(("/", "/.", "/..")) and out else ""
    return "/" + "/".join(out) + trailing


class PolicySet:
    """Maps URL paths to policies. Immutable; built and validated once."""

    __slots__ = ("_exact", "_frozen", "_prefixes", "_regexes", "default", "rules")

    _exact: dict[str, Policy]
    _prefixes: list[tuple[str, Policy]]
    _regexes: tuple[tuple[re.Pattern[str], Policy], ...]
    default: Policy | None
    rules: tuple[tuple[RuleKey, Policy], ...]

    def __init__(
        self,
        rules: Mapping[str, Policy] | Mapping[re.Pattern[str], Policy] | Mapping[RuleKey, Policy] | Iterable[tuple[RuleKey, Policy]],
        default: Policy | None = None,
    ) -> None:
        problems: list[ConfigProblem] = []
        items = list(rules.items()) if isinstance(rules, Mapping) else list(rules)
        exact: dict[str, Policy] = {}
        prefixes: dict[str, Policy] = {}
        regexes: list[tuple[re.Pattern[str], Policy]] = []
        for key, policy in items:
            if not isinstance(policy, Policy):
                problems.append(InvalidPathRule("rules", key, "the value is not a Policy", "map each path to a Policy(...)"))
                continue
            if isinstance(key, re.Pattern):
                if is_catastrophic(key.pattern, key.flags):  # request paths are not length-bounded: refuse ReDoS here
                    problems.append(
                        InvalidPathRule(
                            "rules",
                            key.pattern,
                            "the regex repeats something that can itself repeat or alternate (ReDoS)",
                            "use a prefix rule such as '/api/*', or a regex without nested repetition",
                        )
                    )
                    continue
                regexes.append((key, policy))
                continue
            if not isinstance(key, str) or not key.startswith("/"):
                problems.append(InvalidPathRule("rules", key, "a path rule must start with '/'", "write e.g. '/api/*'"))
                continue
            if key.endswith("/*"):
                prefix = key[:-2]
                target, shown = prefixes, prefix
            elif "*" in key:
                problems.append(
                    InvalidPathRule("rules", key, "'*' is only allowed as a final '/*'", "use '/api/*' or re.compile(...) for other shapes")
                )
                continue
            else:
                target, shown = exact, key
            if normalize_path(shown or "/") != (shown or "/"):
                problems.append(InvalidPathRule("rules", key, "it has dot segments or repeated slashes", "write the normalised path"))
                continue
            if shown in target:
                problems.append(InvalidPathRule("rules", key, "the same path is listed twice", "merge the two rules"))
                continue
            target[shown] = policy
        if default is not None and not isinstance(default, Policy):
            problems.append(InvalidPathRule("default", default, "it is not a Policy", "pass a Policy or None"))
        if problems:
            raise PolicyError(problems)
        set_ = object.__setattr__
        set_(self, "_exact", exact)
        set_(self, "_prefixes", sorted(prefixes.items(), key=lambda kv: len(kv[0]), reverse=True))
        set_(self, "_regexes", tuple(regexes))
        set_(self, "default", default)
        set_(self, "rules", tuple(items))
        set_(self, "_frozen", True)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PolicySet is immutable")

    def policy_for(self, path: str) -> Policy | None:
        """The policy that applies to *path*, or None when CORS does not apply there."""
        path = normalize_path(path)
        found = self._exact.get(path)
        if found is not None:
            return found
        for prefix, policy in self._prefixes:
            if path == prefix or path.startswith(prefix + "/") or prefix == "":
                return policy
        for rx, policy in self._regexes:
            if rx.fullmatch(path):
                return policy
        return self.default

    def rule_for(self, path: str) -> str | None:
        """The rule, as written, whose policy ``policy_for(path)`` returns ('default' for the default); for logs.

        Matches in the same order as ``policy_for``, which stays free of this bookkeeping on the per-request path.
        """
        path = normalize_path(path)
        if path in self._exact:
            return path
        for prefix, _ in self._prefixes:
            if path == prefix or path.startswith(prefix + "/") or prefix == "":
                return prefix + "/*"
        for rx, _ in self._regexes:
            if rx.fullmatch(path):
                return f"re.compile({rx.pattern!r})"
        return "default" if self.default is not None else None

    def policies(self) -> list[Policy]:
        """Every distinct policy of the set, default included."""
        out = [p for _, p in self.rules]
        if self.default is not None:
            out.append(self.default)
        return list({id(p): p for p in out}.values())
