"""Request values that try to break out of a log record, shared by every adapter's refusal-log tests."""

from __future__ import annotations

#: CVE-2024-1681 class: CR/LF (forged records), ANSI escapes, quotes (forged fields), NUL, non-ASCII and length.
HOSTILE_ORIGINS = [
    "https://evil.example\r\nINFO forged: allowed",
    "https://evil.example\x1b[2J\x1b[31mred",
    "https://evil.example' cors_policy='forged",
    "https://évil.example\x00\x85\u2028" + "x" * 5000,
]
#: What every message and ``cors_*`` field may contain.
PRINTABLE = frozenset(chr(c) for c in range(32, 127))
