"""Origins: canonicalising configured origins, the pattern language, and matching request origins.

Configured values are normalised once, when a policy is built. A request's ``Origin`` is never
normalised: browsers send the canonical serialisation, so it is compared byte for byte (Fetch
"CORS check" step 4) after a strict shape check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from .errors import ConfigProblem, InsecureConfiguration, InvalidOrigin
from .redos import backtracking_problem
from .suffixes import is_public_suffix

#: The longest Origin value considered at all (R7); longer values are refused unread.
MAX_ORIGIN_LENGTH = 1024

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

# What a browser can put in an Origin header: lowercase scheme, lowercase ASCII host (a domain,
# dotted-quad IPv4 or bracketed IPv6), optional port.
_REQUEST_ORIGIN = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.\-]*)://"
    r"(?P<host>[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*\.?|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
)
# One or more labels joined by dots: what _REQUEST_ORIGIN's host allows in front of ".base" (the dot is the ending's).
_LABELS = r"[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*"
_WILD_RX_LIMIT = 16
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?")
# A configured origin already in canonical form with a domain name: lowercase scheme, labels as _LABEL, a port.
_PLAIN_ORIGIN = re.compile(rf"([a-z][a-z0-9+.\-]*)://({_LABEL.pattern}(?:\.{_LABEL.pattern})*)(?::([0-9]{{1,5}}))?")
_LOOPBACK_NAMES = ("localhost",)


def split_request_origin(origin: str) -> tuple[str, str, int | None] | None:
    """Split a request Origin into (scheme, host, port), or None if a browser could not have sent it."""
    if len(origin) > MAX_ORIGIN_LENGTH:
        return None
    m = _REQUEST_ORIGIN.fullmatch(origin)
    if m is None:
        return None
    scheme, host, port_text = m.groups()
    if port_text is None:
        return scheme, host, None
    port = int(port_text)
    if port > 65535 or port_text[0] == "0":
        return None
    return scheme, host, port


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, names under ``.localhost``, 127.0.0.0/8 and ``[::1]``."""
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    import ipaddress  # here, not at the top: only building a policy needs it, and importing it costs more than the matcher

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Parsed(NamedTuple):  # not a dataclass: importing dataclasses (and inspect) costs more than the whole engine
    scheme: str
    host: str
    port: int | None  # None: default port; -1: any port (":*")
    wildcard: bool  # "*." before the host


def _canonical_host(host: str, option: str, raw: str, problems: list[ConfigProblem]) -> str | None:
    import ipaddress  # see is_loopback_host

    if host.startswith("["):
        if not host.endswith("]"):
            problems.append(InvalidOrigin(option, raw, "the IPv6 address has no closing ']'", "write it as [::1]"))
            return None
        try:
            if "%" in host:  # ipaddress accepts a zone id (fe80::1%eth0); the URL Standard does not
                raise ValueError(host)
            addr = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            problems.append(InvalidOrigin(option, raw, "the IPv6 address is malformed", "write a valid address such as [::1]"))
            return None
        return f"[{addr.compressed}]"
    if not host.isascii():
        try:
            import idna  # optional: UTS #46 non-transitional, as browsers do
        except ImportError:
            problems.append(
                InvalidOrigin(
                    option,
                    raw,
                    "the host is not ASCII and the standard library cannot convert it with UTS #46 "
                    "non-transitional rules (its IDNA 2003 codec maps 'ß' to 'ss', a different origin)",
                    "write the host in A-labels (xn--...) or install the 'idna' extra: pip install cors-core[idna]",
                )
            )
            return None
        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except idna.IDNAError as exc:
            problems.append(InvalidOrigin(option, raw, f"the host is not a valid IDN ({exc})", "check the spelling"))
            return None
    host = host.lower()
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    last = labels[-1]
    if last.isdigit() or last.startswith("0x"):  # URL Standard: a host ending in a number is IPv4
        try:
            if str(ipaddress.IPv4Address(host)) == host:
                return host
        except ValueError:
            pass
        problems.append(
            InvalidOrigin(option, raw, "the IPv4 address is not in dotted-quad form", "write four decimal numbers, e.g. 127.0.0.1")
        )
        return None
    for label in labels:
        if not _LABEL.fullmatch(label):
            problems.append(
                InvalidOrigin(option, raw, f"the host label {label!r} is not valid", "use letters, digits, '-' and '_' only")
            )
            return None
    return host


def _parse(raw: str, option: str, problems: list[ConfigProblem], allow_wildcards: bool) -> _Parsed | None:
    def bad(message: str, fix: str) -> None:
        problems.append(InvalidOrigin(option, raw, message, fix))

    if raw != raw.strip():
        bad("it has leading or trailing white space", "remove the spaces")
        return None
    scheme, sep, rest = raw.partition("://")
    if not sep or not _SCHEME.fullmatch(scheme):
        bad("it is not of the form scheme://host[:port]", "write e.g. https://app.example.com")
        return None
    scheme = scheme.lower()
    if scheme == "file":
        bad("file: pages send the origin 'null', never a file:// origin", "list 'null' if you really mean it")
        return None
    for char, what in (("/", "path or trailing '/'"), ("?", "query"), ("#", "fragment")):
        if char in rest:
            bad(f"an origin has no {what}", f"write only scheme://host[:port], e.g. {scheme}://{rest.split(char)[0]}")
            return None
    if "@" in rest:
        bad("an origin has no user information", "remove the part before '@'")
        return None
    wildcard = False
    if rest.startswith("*."):
        if not allow_wildcards:
            bad("'*' is not allowed here", "list exact origins")
            return None
        wildcard, rest = True, rest[2:]
    port: int | None = None
    if rest.startswith("["):
        host, closed, after = rest.partition("]")
        host += closed  # without ']' the host stays unclosed and is reported below
        port_text = after[1:] if after.startswith(":") else None
        if after and port_text is None:
            bad("unexpected text after the IPv6 address", "write e.g. http://[::1]:8000")
            return None
    else:
        host, colon, port_text_raw = rest.partition(":")
        port_text = port_text_raw if colon else None
    if port_text is not None:
        if port_text == "*" and allow_wildcards:
            port = -1
        elif port_text.isdigit() and port_text.isascii() and 0 < int(port_text) <= 65535:
            port = int(port_text)
            if port == DEFAULT_PORTS.get(scheme):
                port = None
        else:
            bad(f"the port {port_text!r} is not a number from 1 to 65535", "fix the port" + (" or use :*" if allow_wildcards else ""))
            return None
    if not host or "*" in host:
        bad("the host is empty or has a '*' in the wrong place", "a pattern has '*.' only at the very start of the host")
        return None
    canonical = _canonical_host(host, option, raw, problems)
    if canonical is None:
        return None
    if wildcard and (canonical.startswith("[") or canonical.replace(".", "").isdigit()):
        bad("'*.' cannot stand before an IP address", "list the address exactly")
        return None
    return _Parsed(scheme, canonical, port, wildcard)


def _plain(raw: str) -> bool:
    """True if *raw* is an exact origin already in canonical form with a domain name (the usual configured
    value), found with one regex: _parse() would return it unchanged. False for anything else, which _parse() reads.
    """
    m = _PLAIN_ORIGIN.fullmatch(raw)
    if m is None:
        return False
    scheme, host, port_text = m.groups()
    last = host.rpartition(".")[2]
    if scheme == "file" or last.isdigit() or last.startswith("0x"):  # file: is refused; a numeric host is IPv4
        return False
    # canonical: no leading 0, no default port
    return port_text is None or (port_text[0] != "0" and int(port_text) <= 65535 and int(port_text) != DEFAULT_PORTS.get(scheme))


def _serialise(p: _Parsed) -> str:
    host = ("*." if p.wildcard else "") + p.host
    port = "" if p.port is None else (":*" if p.port == -1 else f":{p.port}")
    return f"{p.scheme}://{host}{port}"


def canonical_origin(raw: str) -> str:
    """Return the canonical serialisation of one exact configured origin, or raise ValueError."""
    problems: list[ConfigProblem] = []
    parsed = _parse(raw, "origin", problems, allow_wildcards=False)
    if parsed is None:
        raise ValueError(str(problems[0]))
    return _serialise(parsed)


def _loose_dot(pattern: str) -> bool:
    """True if *pattern* has an unescaped, unquantified '.' outside a class (``example.com``)."""
    depth = 0
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            depth = 1
        elif c == "]" and depth:
            depth = 0
        elif c == "." and not depth:
            nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
            if nxt not in ("*", "+", "?", "{"):
                return True
        i += 1
    return False


class OriginMatcher:
    """Decides whether a request Origin is allowed; built once per policy.

    Exact origins are a set lookup; patterns are a lookup per host suffix; regexes are full-matched
    in order, only against origins that passed the strict shape check and the length bound.
    """

    __slots__ = (
        "_any_port",
        "_check_cache",
        "_wild",
        "_wild_by_end",
        "_wild_ends",
        "any",
        "check",
        "entries",
        "exact",
        "has_patterns",
        "regexes",
    )

    def __init__(
        self,
        origins: Iterable[str],
        regexes: Iterable[str | re.Pattern[str]],
        check: Callable[[str], bool] | None,
        check_cacheable: bool,
        problems: list[ConfigProblem],
    ) -> None:
        self.any = False
        exact: set[str] = set()
        wild: dict[tuple[str, str], set[int | None]] = {}
        any_port: set[tuple[str, str]] = set()
        entries: list[str] = []
        for raw in origins:
            if not isinstance(raw, str):
                problems.append(InvalidOrigin("origins", raw, "an origin must be a string", "write e.g. 'https://app.example.com'"))
                continue
            if raw == "*":
                self.any = True
                continue
            if _plain(raw):  # the usual entry, already canonical: no need to take it apart
                entries.append(raw)
                exact.add(raw)
                continue
            if raw == "null":
                exact.add("null")
                entries.append("null")
                continue
            if raw.lower() == "null":
                problems.append(InvalidOrigin("origins", raw, "browsers send the opaque origin as lowercase 'null'", "write 'null'"))
                continue
            parsed = _parse(raw, "origins", problems, allow_wildcards=True)
            if parsed is None:
                continue
            entry = _serialise(parsed)
            if entry == raw:
                entry = raw  # the caller's own string: one copy of each origin in memory, not three
            entries.append(entry)
            if parsed.wildcard:
                wild.setdefault((parsed.scheme, parsed.host), set()).add(parsed.port)
            elif parsed.port == -1:
                any_port.add((parsed.scheme, parsed.host))
            else:
                exact.add(entry)
        self.exact = frozenset(exact)
        # scheme -> base domain -> ports: one dict lookup per parent domain of the request host.
        self._wild: dict[str, dict[str, frozenset[int | None]]] = {}
        for (scheme, base), ports in wild.items():
            self._wild.setdefault(scheme, {})[base] = frozenset(ports)
        # Up to _WILD_RX_LIMIT "*." patterns with fixed ports are also matched without splitting the origin:
        # one endswith() over all endings (".example.com", ".example.com:8443") turns most origins away; where
        # an ending fits, one regex checks what is in front of it (the scheme, "://", the subdomain labels),
        # stopping where the ending starts, so it never backtracks over the base domain. Together: the
        # language of the shape check restricted to that base.
        schemes_by_end: dict[str, list[str]] = {}
        for (scheme, base), ports in wild.items():
            for port in ports:
                schemes_by_end.setdefault(f".{base}" if port is None else f".{base}:{port}", []).append(re.escape(scheme))
        self._wild_ends = tuple(schemes_by_end)
        self._any_port = frozenset(any_port)
        self.entries = tuple(dict.fromkeys(entries))
        compiled: list[re.Pattern[str]] = []
        for rx in regexes:
            source = rx.pattern if isinstance(rx, re.Pattern) else rx
            if not isinstance(source, str):
                problems.append(InvalidOrigin("origin_regexes", rx, "a regex must be a str or a compiled str pattern", "pass a string"))
                continue
            try:
                pattern = rx if isinstance(rx, re.Pattern) else re.compile(rx)
            except re.error as exc:
                problems.append(InvalidOrigin("origin_regexes", source, f"it does not compile ({exc})", "fix the regular expression"))
                continue
            if _loose_dot(source):
                problems.append(
                    InvalidOrigin(
                        "origin_regexes",
                        source,
                        "it has an unescaped '.', which matches any character (example.com would match exampleXcom)",
                        r"escape it as '\.'",
                    )
                )
                continue
            slow = backtracking_problem(source, pattern.flags)  # ReDoS, see redos.py
            if slow is not None:
                problems.append(
                    InvalidOrigin(
                        "origin_regexes",
                        source,
                        slow,
                        "remove the outer or repeated repetition, or use the pattern language (https://*.example.com)",
                    )
                )
                continue
            compiled.append(pattern)
        self.regexes = tuple(compiled)
        self.check = check
        #: True when something besides the exact origins can allow an origin (patterns, regexes, a check).
        self.has_patterns = bool(self._wild or self._any_port or self.regexes or check is not None)
        # The short path answers for the "*." patterns alone: nothing else but exact origins may allow one.
        simple = 0 < len(schemes_by_end) <= _WILD_RX_LIMIT and -1 not in {port for ports in wild.values() for port in ports}
        self._wild_by_end = (
            tuple((end, len(end), re.compile(f"(?:{'|'.join(schemes)})://{_LABELS}")) for end, schemes in schemes_by_end.items())
            if simple and not (self._any_port or self.regexes or check is not None)
            else None
        )
        self._check_cache: dict[str, bool] | None = {} if (check is not None and check_cacheable) else None

    def wildcard_bases(self) -> list[tuple[str, str]]:
        """The (scheme, base domain) of each ``*.`` pattern, for the public-suffix check."""
        return [(scheme, base) for scheme, bases in self._wild.items() for base in bases]

    def matches(self, origin: str) -> bool:
        """True if the request Origin *origin* (raw bytes as a str) is allowed."""
        if origin in self.exact:
            return True
        by_end = self._wild_by_end
        if by_end is not None:  # a few "*." patterns with fixed ports, and nothing else but exact origins
            if not origin.endswith(self._wild_ends) or len(origin) > MAX_ORIGIN_LENGTH:
                return False
            for end, length, rx in by_end:  # rx: what stands in front of the ending, up to where it starts
                if origin.endswith(end) and rx.fullmatch(origin, 0, len(origin) - length) is not None:
                    return True
            return False
        if not self.has_patterns:
            return False
        parts = split_request_origin(origin)
        if parts is None:
            return False
        scheme, host, port = parts
        if (scheme, host) in self._any_port:
            return True
        bases = self._wild.get(scheme)
        if bases is not None:
            dot = host.find(".")
            while dot != -1:
                ports = bases.get(host[dot + 1 :])
                if ports is not None and (port in ports or -1 in ports):
                    return True
                dot = host.find(".", dot + 1)
        for rx in self.regexes:
            if rx.fullmatch(origin):
                return True
        if self.check is not None:
            return self._run_check(origin)
        return False

    def _run_check(self, origin: str) -> bool:
        cache = self._check_cache
        if cache is not None:
            hit = cache.get(origin)
            if hit is not None:
                return hit
        assert self.check is not None
        try:
            result = self.check(origin) is True
        except Exception:  # a failing user callback refuses, it never breaks the response
            return False
        if cache is not None:
            if len(cache) >= 4096:
                cache.clear()
            cache[origin] = result
        return result


def credential_problems(matcher: OriginMatcher, insecure_ok: bool, suffix_ok: bool) -> list[ConfigProblem]:
    """Problems of a credentialed policy's origins: plain http, null, wildcards over a public suffix."""
    problems: list[ConfigProblem] = []
    if not insecure_ok:
        for entry in matcher.entries:
            if entry == "null":
                problems.append(
                    InsecureConfiguration(
                        "origins",
                        entry,
                        "with credentials, 'null' lets any sandboxed page or data: URL read authenticated responses",
                        "remove 'null' or set dangerously_allow_insecure_origins=True",
                    )
                )
                continue
            scheme, _, rest = entry.partition("://")
            host = rest.rsplit(":", 1)[0] if not rest.endswith("]") else rest
            if rest.startswith("[") and "]:" in rest:
                host = rest.split("]:")[0] + "]"
            if scheme in ("http", "ws") and not is_loopback_host(host.removeprefix("*.")):
                problems.append(
                    InsecureConfiguration(
                        "origins",
                        entry,
                        "with credentials, a plain-http origin lets anyone on the network path read authenticated responses",
                        "use https://, or set dangerously_allow_insecure_origins=True",
                    )
                )
    if not suffix_ok:
        for scheme, base in matcher.wildcard_bases():
            if is_public_suffix(base):
                problems.append(
                    InsecureConfiguration(
                        "origins",
                        f"{scheme}://*.{base}",
                        f"'{base}' is a public suffix: anyone can register a site under it",
                        "list your own subdomains, or set dangerously_allow_public_suffix_wildcards=True",
                    )
                )
    return problems
