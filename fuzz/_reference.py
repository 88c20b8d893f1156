"""A slow, obviously-correct reference for "is this request Origin allowed?", independent of cors_core.

It restates the documented rules in the plainest code possible, character by character, so that a
disagreement with ``cors_core.origins.OriginMatcher`` points at a bug in one of the two:

* a request Origin is compared byte for byte; it is never normalised (R5);
* ``null`` matches only a listed ``null`` (R9);
* ``https://*.example.com`` matches one or more labels before ``.example.com``, same scheme, same port (R8);
* ``scheme://host:*`` matches that scheme and host on any explicit port, or none;
* a regex must match the whole Origin, and runs only on an Origin a browser could have sent (R7, R8);
* nothing longer than 1024 characters is ever allowed.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

MAX_LENGTH = 1024
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_SCHEME_CHARS = _LOWER + _DIGITS + "+-."
_LABEL_CHARS = _LOWER + _DIGITS + "-_"
_IPV6_CHARS = _DIGITS + "abcdef:."
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


@dataclass(frozen=True)
class Parts:
    scheme: str
    host: str
    port: int | None


def parse(origin: str) -> Parts | None:
    """Split an Origin a browser could send into its parts; None for anything else."""
    if len(origin) > MAX_LENGTH:
        return None
    sep = origin.find("://")
    if sep <= 0:
        return None
    scheme, rest = origin[:sep], origin[sep + 3 :]
    if scheme[0] not in _LOWER or any(c not in _SCHEME_CHARS for c in scheme):
        return None
    if rest.startswith("["):
        close = rest.find("]")
        if close < 2 or any(c not in _IPV6_CHARS for c in rest[1:close]):
            return None
        host, after = rest[: close + 1], rest[close + 1 :]
    else:
        colon = rest.find(":")
        host, after = (rest, "") if colon == -1 else (rest[:colon], rest[colon:])
        name = host[:-1] if host.endswith(".") else host
        if not name:
            return None
        for label in name.split("."):
            if not label or any(c not in _LABEL_CHARS for c in label):
                return None
    if after == "":
        return Parts(scheme, host, None)
    digits = after[1:]
    if not after.startswith(":") or not 1 <= len(digits) <= 5 or any(c not in _DIGITS for c in digits):
        return None
    if digits[0] == "0" or int(digits) > 65535:
        return None
    return Parts(scheme, host, int(digits))


def canonical(entry: str) -> tuple[str, str, str] | None:
    """(scheme, host, port text) of a configured origin or pattern, canonicalised; None if invalid.

    Port text is '' for the default port, '*' for any port, else the decimal port. The host keeps a
    leading '*.' for patterns. Only what the harnesses generate needs to be handled here.
    """
    sep = entry.find("://")
    if sep <= 0:
        return None
    scheme, rest = entry[:sep].lower(), entry[sep + 3 :]
    wildcard = rest.startswith("*.")
    if wildcard:
        rest = rest[2:]
    if rest.startswith("["):
        close = rest.find("]")
        if close == -1:
            return None
        try:
            host = "[" + ipaddress.IPv6Address(rest[1:close]).compressed + "]"
        except ValueError:
            return None
        port = rest[close + 2 :] if rest[close + 1 : close + 2] == ":" else ""
        if rest[close + 1 :] not in ("", ":" + port):
            return None
    else:
        host, _, port = rest.partition(":")
        if not host.isascii():
            import idna

            try:
                host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
            except idna.IDNAError:
                return None
        host = host.lower()
    if port not in ("", "*"):
        if not port.isdigit() or not port.isascii() or not 0 < int(port) <= 65535:
            return None
        if int(port) == _DEFAULT_PORTS.get(scheme):
            port = ""
        else:
            port = str(int(port))
    return scheme, ("*." if wildcard else "") + host, port


@dataclass
class ReferenceMatcher:
    """The allow-list of one policy, in the reference's own terms."""

    exact: set[str] = field(default_factory=set)
    wildcards: list[tuple[str, str, str]] = field(default_factory=list)  # (scheme, base domain, port text)
    any_port: list[tuple[str, str]] = field(default_factory=list)
    regexes: list[re.Pattern[str]] = field(default_factory=list)
    null: bool = False

    def add(self, entry: str) -> None:
        """Add one configured origin, pattern or 'null' (assumed to have been accepted by the policy)."""
        if entry == "null":
            self.null = True
            return
        parts = canonical(entry)
        assert parts is not None, entry
        scheme, host, port = parts
        if host.startswith("*."):
            self.wildcards.append((scheme, host[2:], port))
        elif port == "*":
            self.any_port.append((scheme, host))
        else:
            self.exact.add(f"{scheme}://{host}" + (f":{port}" if port else ""))

    def allows(self, origin: str) -> bool:
        if origin == "null":
            return self.null
        if origin in self.exact:
            return True
        parts = parse(origin)
        if parts is None:
            return False
        for scheme, host in self.any_port:
            if parts.scheme == scheme and parts.host == host:
                return True
        for scheme, base, port in self.wildcards:
            if parts.scheme != scheme or not parts.host.endswith("." + base):
                continue
            if port == "*" or (port == "" and parts.port is None) or (port != "" and str(parts.port) == port):
                return True
        return any(rx.fullmatch(origin) for rx in self.regexes)
