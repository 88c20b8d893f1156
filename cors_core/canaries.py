"""Judging origin regexes by what they admit: canary origins tried on each pattern when a policy is built.

A regex cannot be compared with the listed-origin rules by reading it, so it is tried on origins
made for the purpose: hosts under fresh random names (which nobody configured on purpose), the
plain ``http://`` form of each host the pattern admits, random hosts under public suffixes,
``null``, and look-alike hosts that only end (or start) with an admitted host. The names are drawn
anew for each build, so a pattern cannot be written to pass them.
"""

from __future__ import annotations

import os
import re

from .errors import ConfigProblem, InsecureConfiguration, InvalidOrigin
from .origins import is_loopback_host, split_request_origin
from .regex_examples import examples
from .suffixes import is_public_suffix, known_suffixes

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Top-level domains tried under random names, besides the parents of the hosts a pattern admits.
_TLDS = ("com", "net", "org", "io", "dev", "app", "co")


def _name(digits: bool = False) -> str:
    """Ten random letters (from os.urandom: importing random costs more than the rest of a policy's import)."""
    letters = "".join(_LETTERS[b % 26] for b in os.urandom(10))
    return letters[:5] + str(10 + os.urandom(1)[0] % 89) + letters[5:] if digits else letters


def _origin(scheme: str, host: str, port: int | None) -> str:
    return f"{scheme}://{host}" + ("" if port is None else f":{port}")


def _admitted_hosts(rx: re.Pattern[str]) -> list[tuple[str, str, int | None]]:
    """(scheme, host, port) of the example origins *rx* admits."""
    out = []
    for text in examples(rx):
        parts = split_request_origin(text)
        if parts is not None and parts[1]:
            out.append(parts)
    return out


def _first(rx: re.Pattern[str], candidates: list[str]) -> str | None:
    return next((c for c in candidates if rx.fullmatch(c)), None)


def _registrable(host: str) -> str | None:
    """The shortest parent of *host* (or itself) that is not a public suffix: the name someone registered."""
    labels = host.split(".")
    for i in range(len(labels) - 1, -1, -1):
        candidate = ".".join(labels[i:])
        if not is_public_suffix(candidate):
            return candidate
    return None


def label_boundary_problem(rx: re.Pattern[str]) -> ConfigProblem | None:
    """A problem if *rx* admits hosts that merely end or start with a domain it admits (``https://.*example\\.com``)."""
    for scheme, host, port in _admitted_hosts(rx):
        name = _name()
        domain = _registrable(host)
        if domain is None or rx.fullmatch(_origin(scheme, f"{name}.{domain.partition('.')[2]}", port)):
            continue  # any name under the suffix: not a boundary matter (the credential checks judge it)
        # The random name, and the host's own first character (so a pattern that admits only some letters in front
        # of the domain, such as [a-m]+example, is caught every time, not when the random letters happen to fit).
        candidates = [_origin(scheme, name + domain, port), _origin(scheme, host[0] + domain, port)]
        candidates.append(_origin(scheme, host + name + ".com", port))
        candidates.append(_origin(scheme, f"{host}.{name}.com", port))
        found = _first(rx, candidates)
        if found is not None:
            return InvalidOrigin(
                "origin_regexes",
                rx.pattern,
                f"it admits {found}, a host that only shares the text of {host!r} (a label boundary is not anchored)",
                r"put '\.' before the domain and end the pattern at the host, e.g. r'https://[a-z0-9-]+\.example\.com', "
                "or use the pattern language 'https://*.example.com'",
            )
    return None


def credential_regex_problems(rx: re.Pattern[str], any_ok: bool, insecure_ok: bool, suffix_ok: bool) -> list[ConfigProblem]:
    """Problems of one regex of a credentialed policy, each with the ``dangerously_*`` option that would keep it."""
    shown = rx.pattern

    def problem(message: str, fix: str) -> InsecureConfiguration:
        return InsecureConfiguration("origin_regexes", shown, f"the regex '{shown}' {message}", fix)

    a, b = _name(), _name(digits=True)
    any_host = _first(rx, [_origin(s, h, None) for s in ("https", "http") for h in (f"{a}.{b}", f"{b}.{a}", f"{a}.{b}.{_name()}")])
    if any_host is not None:
        if any_ok:
            return []
        return [
            problem(
                f"admits any host ({any_host}, a random name), so with credentials every website could read "
                "your users' authenticated responses",
                "list the origins that may send credentials, or set dangerously_allow_credentials_with_any_origin=True",
            )
        ]
    problems: list[ConfigProblem] = []
    hosts = _admitted_hosts(rx)
    if not insecure_ok:
        if rx.fullmatch("null"):
            problems.append(
                problem(
                    "admits 'null', so any sandboxed page or data: URL could read authenticated responses",
                    "make the regex refuse 'null', or set dangerously_allow_insecure_origins=True",
                )
            )
        plain = _first(
            rx,
            [_origin(s, h, p) for _, h, p in hosts if not is_loopback_host(h) for s in ("http", "ws")],
        )
        if plain is not None:
            problems.append(
                problem(
                    f"admits the plain-http origin {plain}: anyone on the network path could read authenticated responses",
                    "write https:// only (not https?://), or set dangerously_allow_insecure_origins=True",
                )
            )
    if not suffix_ok:
        suffixes = {*_TLDS, *known_suffixes()}
        for _, host, _ in hosts:
            labels = host.split(".")
            suffixes.update(".".join(labels[i:]) for i in range(1, len(labels)) if is_public_suffix(".".join(labels[i:])))
        for suffix in sorted(suffixes):
            found = _first(rx, [_origin(s, f"{n}.{suffix}", None) for s in ("https", "http") for n in (a, b, f"{a}.{b}")])
            if found is not None:
                problems.append(
                    problem(
                        f"admits {found}, a random name under the public suffix '{suffix}': anyone can register a site there",
                        "list your own hosts, or set dangerously_allow_public_suffix_wildcards=True",
                    )
                )
                break
    return problems
