"""What every command shares: the usage error, header and policy arguments, colour, a policy summary.

Kept apart from :mod:`cors_core.cli.commands` so that ``demo`` and ``probe`` need not import the
command table that imports them (no import circle).
"""

from __future__ import annotations

import argparse
import sys

from ..errors import PolicyError
from ..paths import PolicySet
from ..policy import Policy
from .config import load_policy
from .env import policy_from_env
from .terminal import Style, colour_wanted


class UsageError(Exception):
    """A problem with the command line or its inputs (exit status 2)."""


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` -> ``('Name', 'value')``; a bare name gets the value ``x``."""
    name, sep, value = text.partition(":")
    if not name.strip():
        raise UsageError(f"--header {text!r}: write 'Name: value'")
    return name.strip(), (value.strip() if sep else "x")


def style_for(args: argparse.Namespace) -> Style:
    """Colour for stdout as chosen by ``--color`` (auto: only on a TTY)."""
    return Style(not getattr(args, "json", False) and colour_wanted(sys.stdout, getattr(args, "color", "auto")))


def load_policy_source(args: argparse.Namespace) -> Policy | PolicySet | None:
    """The policy named on the command line: ``--policy FILE``, ``--env`` (environment variables), or None."""
    file = getattr(args, "policy", None) or getattr(args, "file", None)
    if file and getattr(args, "env", False):
        raise UsageError("give either a policy file or --env, not both")
    if getattr(args, "env", False):
        policy = policy_from_env(prefix=args.env_prefix)
        if policy is None:
            raise UsageError(f"--env: no {args.env_prefix}* variable is set (e.g. {args.env_prefix}ORIGINS)")
        return policy
    if file:
        try:
            return load_policy(file)
        except PolicyError:
            raise
        except (OSError, ValueError, RuntimeError) as exc:
            raise UsageError(f"cannot read {file}: {exc}") from exc
    return None


def policy_summary(policy: Policy | PolicySet) -> str:
    """A readable one-rule-per-line description of a Policy or PolicySet."""
    if isinstance(policy, Policy):
        return repr(policy)
    lines = ["PolicySet("]
    for key, rule in policy.rules:
        shown = key if isinstance(key, str) else f"regex:{key.pattern}"
        lines.append(f"    {shown}: {rule!r}")
    if policy.default is not None:
        lines.append(f"    (default): {policy.default!r}")
    return "\n".join([*lines, ")"])


