"""Configuration errors: every problem of a policy, typed, reported together."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence


class ConfigProblem:
    """One problem with one configured value: what is wrong and how to fix it.

    Subclasses name the kind of problem so that tools (system checks, linters) can tell them apart.
    """

    #: A stable identifier of the kind of problem, e.g. ``"origin"``.
    code = "config"

    __slots__ = ("fix", "message", "option", "value")

    def __init__(self, option: str, value: object, message: str, fix: str) -> None:
        self.option = option
        self.value = value
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.option}={self.value!r}: {self.message}. Fix: {self.fix}"

    def named(self, name: str, assign: str = "=") -> ConfigProblem:
        """The same problem under the name the user wrote (a setting, a variable, a config key).

        The option's name is replaced in the fix too, so ``max_age=600`` reads ``CORS_MAX_AGE=600``.
        """
        fix = re.sub(rf"\b{re.escape(self.option)}\s*=\s*", lambda _: name + assign, self.fix)
        fix = re.sub(rf"\b(to|from|raise|in) {re.escape(self.option)}\b", lambda m: f"{m.group(1)} {name}", fix)
        return type(self)(name, self.value, self.message, fix)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and str(other) == str(self)

    def __hash__(self) -> int:
        return hash((type(self), str(self)))


class InvalidOrigin(ConfigProblem):
    """An origin, pattern or regex that is malformed or cannot match what browsers send."""

    code = "origin"


class InsecureConfiguration(ConfigProblem):
    """A combination that would let other sites read responses, refused unless opted into."""

    code = "insecure"


class InvalidMethod(ConfigProblem):
    """A method that is not a token or that browsers never send."""

    code = "method"


class InvalidHeaderName(ConfigProblem):
    """A request or response header name that is malformed or cannot be used in CORS."""

    code = "header"


class InvalidValue(ConfigProblem):
    """A value of the wrong type or out of range (max-age, status, flags)."""

    code = "value"


class InvalidPathRule(ConfigProblem):
    """A path rule of a policy set that is malformed or ambiguous."""

    code = "path"


class PolicyError(ValueError):
    """Raised when a policy is built from an unsafe or meaningless configuration.

    ``problems`` holds every problem found, not only the first.
    """

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems: tuple[ConfigProblem, ...] = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in the CORS policy:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def did_you_mean(name: str, known: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """``"did you mean 'max_age'?"`` for the known name closest to a misspelt *name*, or ``""``.

    *aliases* maps names other libraries use (lower case) to the known name they stand for. A ``dangerously_*``
    name is suggested only for a name that starts so: it is an opt-in to write on purpose, never a typo's fix.
    """
    lowered = name.lower()
    risky = lowered.startswith("dangerously")
    by_lower = {o.lower(): o for o in known if risky or not o.startswith("dangerously_")}
    alias = (aliases or {}).get(lowered) or (aliases or {}).get(lowered.removeprefix("cors_"))  # CORS_ALLOWED_ORIGINS
    if alias is not None:
        return f"did you mean {alias!r}?"
    import difflib  # here: only a configuration error needs it

    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    if not close:  # a name that shares its last word: "methods" -> "allow_methods"
        tail = name.lower().replace("-", "_").rsplit("_", 1)[-1]
        close = [o for o in by_lower if o.rsplit("_", 1)[-1] in (tail, tail + "s", tail.rstrip("s"))][:1]
    return f"did you mean {by_lower[close[0]]!r}?" if close else ""


def close_name(name: str, known: Iterable[str], aliases: Mapping[str, str]) -> str | None:
    """The known setting a misspelt *name* stands for: its entry in *aliases* (another library's spelling of it),
    else a close spelling; None when no known name is close.

    Stricter than did_you_mean(): it judges names nobody declared an error (``CORS_*`` keys other packages
    may own), so only a near miss counts.
    """
    if name in aliases:
        return aliases[name]
    import difflib  # here: only an unknown name needs it

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.85)
    return close[0] if close else None


class UninspectableOriginCheck(UserWarning):
    """A credentialed policy uses an ``origin_check`` function, which the build-time safety checks cannot see into."""
