"""Worst-case cost of the regexes cors-core accepts, on the inputs that make them slowest (docs/security.md, ReDoS).

    PYTHONPATH=.:adapters python benchmarks/redos_worst_case.py

Prints one line per case: the slowest of 5 runs. The accepted shapes are at most quadratic and run only
on bounded input (paths up to MAX_REGEX_PATH_LENGTH, origins up to 1024 characters); the refused ones
are timed on a short input only, to show what the refusal prevents.
"""

from __future__ import annotations

import re
import time

from cors_core import Policy, PolicySet, RequestMeta, decide
from cors_core.origins import MAX_ORIGIN_LENGTH
from cors_core.paths import MAX_REGEX_PATH_LENGTH


def _slowest(run: object, repeat: int = 5) -> float:
    worst = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        worst = max(worst, time.perf_counter() - start)
    return worst


def main() -> None:
    rules = PolicySet({re.compile(r"/api/[^?]*/[^?]*/download"): Policy("*")})
    for length in (MAX_REGEX_PATH_LENGTH, 64 * 1024):
        path = "/api/" + "/" * (length - 5)
        seconds = _slowest(lambda path=path: decide(RequestMeta("GET", path, "https://x.example"), rules))
        print(f"accepted path regex r'/api/[^?]*/[^?]*/download', {length:>6}-char path of '/': {seconds * 1000:8.2f} ms")
    policy = Policy(origin_regexes=[r"https://[a-z.]*[a-z.]*\.example\.com"])
    origin = "https://" + "a" * (MAX_ORIGIN_LENGTH - 8)
    seconds = _slowest(lambda: decide(RequestMeta("GET", "/", origin), policy))
    print(f"accepted origin regex r'https://[a-z.]*[a-z.]*\\.example\\.com', {MAX_ORIGIN_LENGTH}-char Origin: {seconds * 1000:8.2f} ms")
    refused = re.compile(r"/api/[^?]*/[^?]*/[^?]*/download")
    seconds = _slowest(lambda: refused.fullmatch("/api/" + "/" * 512), repeat=1)
    print(f"refused  path regex r'/api/[^?]*/[^?]*/[^?]*/download' (O(n^3)), only 517 chars: {seconds * 1000:8.2f} ms")
    exponential = re.compile(r"https://(?:[a-z0-9]?[a-z0-9]?)+\.example\.com")
    seconds = _slowest(lambda: exponential.fullmatch("https://" + "a" * 14 + "!"), repeat=1)
    print(f"refused  origin regex r'https://(?:[a-z0-9]?[a-z0-9]?)+\\.example\\.com', only 23 chars: {seconds * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
