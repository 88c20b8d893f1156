"""The framework-free description of one request that ``decide()`` needs."""

from __future__ import annotations

from typing import NamedTuple


class RequestMeta(NamedTuple):
    """What an adapter reads off a request, unparsed.

    Header values are the raw field values as the server gave them (``None`` when absent);
    ``origin_count`` is how many Origin fields arrived, where the framework can tell (``None``
    when it cannot; WSGI servers join repeated fields with ``,``, which the core refuses anyway).
    ``path`` is the decoded URL path, used only to pick a policy from a :class:`PolicySet`.
    """

    method: str
    path: str = "/"
    origin: str | None = None
    request_method: str | None = None
    request_headers: str | None = None
    request_private_network: str | None = None
    origin_count: int | None = None
