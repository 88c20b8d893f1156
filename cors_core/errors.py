"""Configuration errors: every problem of a policy, typed, reported together."""

from __future__ import annotations

from collections.abc import Sequence


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


class UninspectableOriginCheck(UserWarning):
    """A credentialed policy uses an ``origin_check`` function, which the build-time safety checks cannot see into."""
