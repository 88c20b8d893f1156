"""What logging refusals costs per refused request, off and on: the numbers in docs/troubleshooting.md.

    PYTHONPATH=.:adapters python benchmarks/refusal_log.py

Times the logging work alone (the loop overhead is printed for reference), then whole refused
requests through ``cors_wsgi.CORSMiddleware`` with the ``cors_core`` logger off and on. A report, not a test.
"""

from __future__ import annotations

import itertools
import logging
import timeit
from collections.abc import Callable, Iterable
from typing import Any

from cors_wsgi import CORSMiddleware
from cors_wsgi.middleware import LOG

from cors_core import Policy, RequestMeta, decide

POLICY = Policy(["https://app.example"])


def _app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
    return None


def _ns(fn: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=7)) / number * 1e9


def main() -> None:
    refused = decide(RequestMeta("GET", "/x", "https://evil.example"), POLICY)
    wrapped = CORSMiddleware(_app, POLICY)
    request = {"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "HTTP_ORIGIN": "https://evil.example"}

    def one_request() -> None:
        wrapped(dict(request), _start_response)

    logger = logging.getLogger("cors_core")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    print(f"loop overhead (empty lambda):                {_ns(lambda: None, 1_000_000):7.0f} ns")
    logger.setLevel(logging.WARNING)
    print(f"off: the adapter's check                     {_ns(lambda: not refused.allowed and LOG.enabled(), 1_000_000):7.0f} ns")
    print(f"off: a whole refused request                 {_ns(one_request, 200_000):7.0f} ns")
    logger.setLevel(logging.INFO)
    LOG.reset()
    LOG.refused(refused, "CORSMiddleware")  # the one record of this (reason, origin) for the interval
    print(f"on, left out by the bound: check + refused() {_ns(lambda: LOG.enabled() and LOG.refused(refused, 'x'), 300_000):7.0f} ns")
    print(f"on, left out by the bound: a whole request   {_ns(one_request, 200_000):7.0f} ns")
    count = itertools.count()

    def emitted() -> None:  # a new origin each time, the table emptied: every request formats and emits a record
        LOG.reset()
        wrapped({**request, "HTTP_ORIGIN": f"https://e{next(count)}.example"}, _start_response)

    print(f"on, record emitted (NullHandler): a request  {_ns(emitted, 20_000):7.0f} ns")


if __name__ == "__main__":
    main()
