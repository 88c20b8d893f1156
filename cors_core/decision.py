"""The result of ``decide()``: the headers to set and what kind of answer it is."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, cast

from .request import RequestKind, RequestMeta

if TYPE_CHECKING:  # type-only: policy imports this module
    from .policy import Policy

__all__ = ["CORS_RESPONSE_HEADERS", "Decision", "RequestKind"]


#: Response headers the CORS layer owns: an adapter removes any the application set before applying a decision.
CORS_RESPONSE_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Private-Network",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
)


class Decision(Mapping[str, str]):
    """The complete set of headers an adapter must set, plus how to answer.

    It reads like a mapping of header name to value. ``Vary`` is part of it, and is also given as
    ``vary`` (the names to *merge* into the response's own ``Vary``, never to overwrite it).
    For a preflight, ``status`` is the status of the response the adapter sends instead of calling
    the application; otherwise it is ``None``. ``reason`` is a short machine-readable code;
    ``message`` and ``fix`` say the same for a person.
    """

    __slots__ = ("_detail", "_meta", "_policy", "allowed", "headers", "kind", "reason", "status", "vary")
    #: For an answer that reflects the request's Origin (a pattern's): its other headers, shared (see reflected_rest).
    _rest: Mapping[str, str] | None = None

    def __init__(
        self,
        kind: RequestKind,
        allowed: bool,
        headers: Mapping[str, str],
        vary: tuple[str, ...],
        reason: str,
        status: int | None = None,
        meta: RequestMeta | None = None,
        policy: Policy | None = None,
        detail: str = "",
    ) -> None:
        self.kind = kind
        self.allowed = allowed
        self.headers = headers
        self.vary = vary
        self.reason = reason
        self.status = status
        self._meta = meta
        self._policy = policy
        self._detail = detail

    def __getitem__(self, name: str) -> str:
        return self.headers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.headers)

    def __len__(self) -> int:
        return len(self.headers)

    @property
    def is_preflight(self) -> bool:
        return self.kind is RequestKind.PREFLIGHT

    @property
    def message(self) -> str:
        """A sentence a person can act on, computed only when asked for."""
        from .reasons import describe

        return describe(self)[0]

    @property
    def fix(self) -> str:
        """What change to the policy would allow the request ('' when allowed or not applicable)."""
        from .reasons import describe

        return describe(self)[1]

    def __repr__(self) -> str:
        return (
            f"Decision(kind={self.kind.value}, allowed={self.allowed}, status={self.status}, "
            f"reason={self.reason!r}, headers={dict(self.headers)!r})"
        )


def shared_fields(
    kind: RequestKind,
    allowed: bool,
    headers: Mapping[str, str] | None,
    vary: tuple[str, ...],
    reason: str,
    policy: Policy,
    rest: Mapping[str, str] | None = None,
) -> type[Decision]:
    """A Decision subclass whose instances hold only the request (``_meta``) and, when *headers* is None, their headers.

    Built once per policy for its common answers (the refusal of an origin, the allowed answer to an
    origin matched by a pattern), so that such an answer costs one allocation and one or two stores
    instead of nine, and still explains itself: ``message`` names the request's own origin.
    Instances read, compare and print as any Decision; the shared fields are read-only. *rest*: the
    headers every instance has besides an Access-Control-Allow-Origin that is the request's Origin.
    """
    fields: dict[str, object] = {"kind": kind, "allowed": allowed, "vary": vary, "reason": reason, "status": None, "_rest": rest}
    if headers is not None:
        fields["headers"] = headers
    namespace = {"__slots__": (), "__module__": __name__, "__qualname__": "Decision", "_policy": policy, "_detail": "", **fields}
    return cast("type[Decision]", type("Decision", (Decision,), namespace))
