"""``PolicySet``: different policies for different URL paths, with one documented precedence.

Rules are matched against the path as the application routes it: the decoded path (``%2F``
already decoded by the server, ``+`` left as ``+``), below the mount point (WSGI ``PATH_INFO``,
Django ``request.path_info``), case-sensitively and **without** removing dot segments, because
Flask, Django and plain WSGI apps route that raw path. Precedence, whatever the order the rules
were given in:

1. an exact path (``"/api/users"``);
2. the longest prefix (``"/api/*"`` matches ``/api``, ``/api/`` and everything below ``/api/``);
3. regular expressions (``re.compile(...)``), full-matched, in the order given, only on paths of at
   most ``MAX_REGEX_PATH_LENGTH`` characters (a longer path that no exact or prefix rule covers
   gets no CORS at all, not the default);
4. the ``default`` policy, if any; otherwise CORS does not apply to the path.

A path in a form that is read differently along the way (dot segments ``.``/``..`` and backslashes,
which browsers resolve before sending, so they only arrive as ``..%2F``, ``%5C`` and the like; empty
segments ``//``, which some servers and proxies merge) is looked up twice: as it is, and with dot
segments removed, empty segments dropped and ``\\`` read as ``/``. If both lookups pick the same
policy, that policy applies; if they differ, CORS does not apply to the path at all (no CORS
header: stricter than either policy), so a path can never borrow a more permissive rule from a
form the application does not route.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .errors import ConfigProblem, InvalidPathRule, PolicyError
from .policy import Policy
from .redos import backtracking_problem

RuleKey = str | re.Pattern[str]

#: The longest path a regex rule is matched against (ReDoS bound, see redos.py); longer paths get no regex rule.
MAX_REGEX_PATH_LENGTH = 2048


def is_normal_path(path: str) -> bool:
    """True if *path* has no dot segment, empty segment or backslash (nothing anyone on the way could read differently)."""
    if "//" in path or "\\" in path:
        return False
    if "/." not in path:
        return True
    return all(segment not in (".", "..") for segment in path.split("/"))


def normalize_path(path: str) -> str:
    """Remove dot segments and empty segments (RFC 3986 5.2.4), read ``\\`` as ``/``; keep case and ``+``."""
    if is_normal_path(path):
        return path or "/"
    path = path.replace("\\", "/")
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


_NO_RULE: tuple[str | None, Policy | None] = (None, None)


class PolicySet:
    """Maps URL paths to policies. Immutable; built and validated once."""

    __slots__ = ("_default", "_exact", "_prefixes", "_regexes", "default", "rules")

    _exact: dict[str, tuple[str | None, Policy | None]]
    _prefixes: list[tuple[str, tuple[str | None, Policy | None]]]
    _regexes: tuple[tuple[re.Pattern[str], tuple[str | None, Policy | None]], ...]
    _default: tuple[str | None, Policy | None]
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
                if not isinstance(key.pattern, str):  # paths are text: a bytes pattern would raise on every request
                    fix = "compile a str, e.g. re.compile(r'/api/.*')"
                    problems.append(InvalidPathRule("rules", key.pattern, "a path regex must be a str pattern", fix))
                    continue
                slow = backtracking_problem(key.pattern, key.flags)  # ReDoS: see redos.py
                if slow is not None:
                    problems.append(
                        InvalidPathRule(
                            "rules",
                            key.pattern,
                            f"{slow} (ReDoS)",
                            "use a prefix rule such as '/api/*', or a regex without nested or repeated unbounded repetition",
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
        # Each rule with its name as written, for rule_for(); the lookup returns the stored pair, no new object.
        set_(self, "_exact", {path: (path, policy) for path, policy in exact.items()})
        ordered = sorted(prefixes.items(), key=lambda kv: len(kv[0]), reverse=True)
        set_(self, "_prefixes", [(prefix, (prefix + "/*", policy)) for prefix, policy in ordered])
        set_(self, "_regexes", tuple((rx, (f"re.compile({rx.pattern!r})", policy)) for rx, policy in regexes))
        set_(self, "_default", ("default", default) if default is not None else _NO_RULE)
        set_(self, "default", default)
        set_(self, "rules", tuple(items))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PolicySet is immutable")

    def policy_for(self, path: str) -> Policy | None:
        """The policy that applies to the routed *path*, or None when CORS does not apply there.

        A path in a form browsers never send gets a policy only if its normalised form gets the same one.
        """
        found = self._rule(path or "/")[1]
        if is_normal_path(path):
            return found
        other = self._rule(normalize_path(path))[1]
        return found if other is found or other == found else None

    def _rule(self, path: str) -> tuple[str | None, Policy | None]:
        """The first rule that covers *path* (exact, longest prefix, regex, default), as (its name, its policy)."""
        found = self._exact.get(path)
        if found is not None:
            return found
        for prefix, rule in self._prefixes:
            if path == prefix or path.startswith(prefix + "/") or prefix == "":
                return rule
        if self._regexes:
            if len(path) > MAX_REGEX_PATH_LENGTH:
                return _NO_RULE  # no regex runs on it, and the default may be more permissive than the rule it would match
            for rx, rule in self._regexes:
                if rx.fullmatch(path):
                    return rule
        return self._default

    def rule_for(self, path: str) -> str | None:
        """The rule, as written, whose policy ``policy_for(path)`` returns ('default' for the default); for logs.

        The same lookup as ``policy_for`` (the routed path; regexes only up to MAX_REGEX_PATH_LENGTH). For a
        path ``policy_for`` gives no policy, the answer says nothing.
        """
        return self._rule(path or "/")[0]

    def policies(self) -> list[Policy]:
        """Every distinct policy of the set, default included."""
        out = [p for _, p in self.rules]
        if self.default is not None:
            out.append(self.default)
        return list({id(p): p for p in out}.values())
