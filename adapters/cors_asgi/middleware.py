"""``CORSMiddleware``: applies a cors_core policy to any ASGI 3 application (HTTP and, opt-in, WebSocket)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cors_core import Policy, PolicySet, RequestKind, RequestMeta, decide, decision_without_origin
from cors_core.decision import Decision
from cors_core.engine import EXACT_ANSWERS_KEPT, decide_origin, reflected_rest, remembered_answer
from cors_core.refusal_log import REFUSAL_LEVEL, RefusalLog, ReportCallback, check_report_only, policy_label

from ._async_check import close_slot, open_slot, with_stand_ins
from ._headers import Encoder, _untouched, with_cors
from ._scope import ORIGIN_NAMES, request_meta, route_path
from ._starlette import policy_from_starlette

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_OUT_OF_SCOPE = RequestKind.OUT_OF_SCOPE
_NOT_CORS = RequestKind.NOT_CORS
_PREFLIGHT = RequestKind.PREFLIGHT
_START = "http.response.start"
_NO_LENGTH = (b"content-length", b"0")
_ACAO = b"access-control-allow-origin"
ERROR_BODY = b"Internal Server Error\n"
_ERROR_HEADERS = ((b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(ERROR_BODY)).encode()))
_WS_REFUSED_BODY = b"WebSocket origin not allowed\n"
_new_meta: Any = tuple.__new__  # builds the RequestMeta NamedTuple without its keyword-parsing __new__
#: Refusals and report-only differences, on the logger ``cors_core.asgi`` (see docs/asgi.md).
LOG = RefusalLog("asgi")
_log_on = LOG.logger.isEnabledFor  # LOG.enabled() without its own call: the one check a refusal costs while off
_LABEL = "CORSMiddleware"


class CORSMiddleware:
    """Wrap *app* so that every HTTP response follows *policy* (a :class:`Policy` or a path-scoped :class:`PolicySet`).

    Preflights are answered here and never reach *app*; every other response of a path the policy
    covers gets the CORS headers, whatever its status, including the 500 sent when *app* raises
    before it starts a response. Instead of *policy*, Starlette's keywords (``allow_origins=...``)
    may be given, with Starlette's defaults and meanings. ``websocket_origin_check=True`` also
    refuses WebSocket handshakes whose Origin the policy does not allow (docs/asgi.md).

    *report_only* is a candidate policy (or PolicySet) that shapes no response: each CORS request on
    which it decides otherwise than *policy* is logged on ``cors_core.asgi`` and passed to
    ``on_report(enforced, candidate)`` (two Decisions), if given.
    """

    __slots__ = (
        "_answers",
        "_candidate",
        "_decide_policy",
        "_encode",
        "_kept",
        "_no_origin",
        "_no_origin_pairs",
        "_plain",
        "_scoped",
        "_ws_check",
        "app",
        "on_report",
        "policy",
        "report_only",
    )

    def __init__(
        self,
        app: ASGIApp,
        policy: Policy | PolicySet | None = None,
        *,
        websocket_origin_check: bool = False,
        report_only: Policy | PolicySet | None = None,
        on_report: ReportCallback | None = None,
        **starlette_options: Any,
    ) -> None:
        if not callable(app):
            raise TypeError("app must be an ASGI application (an async callable taking scope, receive and send)")
        check_report_only(report_only, on_report, "report_only", "on_report")
        if policy is None:
            policy = policy_from_starlette(starlette_options)
        elif starlette_options:
            raise TypeError(
                f"pass either policy= or Starlette's keywords ({', '.join(sorted(starlette_options))}), not both: "
                "put every option in the cors_core Policy"
            )
        elif not isinstance(policy, (Policy, PolicySet)):
            raise TypeError(
                f"policy must be a cors_core Policy or PolicySet, not {type(policy).__name__} "
                "(for Starlette's options, pass them by keyword: allow_origins=[...])"
            )
        if not isinstance(websocket_origin_check, bool):
            raise TypeError(f"websocket_origin_check must be True or False, not {websocket_origin_check!r}")
        self.app = app
        self.policy = policy
        #: What decide() is given: *policy*, with any async origin_check behind a synchronous stand-in.
        self._decide_policy = with_stand_ins(policy)
        self.report_only = report_only
        self.on_report = on_report
        #: The candidate as decide() is given it (async origin_check behind a stand-in), or None.
        self._candidate = None if report_only is None else with_stand_ins(report_only) or report_only
        self._scoped = isinstance(policy, PolicySet) or isinstance(report_only, PolicySet)
        self._no_origin = decision_without_origin(policy)
        self._ws_check = websocket_origin_check
        self._encode = Encoder()
        self._kept = self._encode.kept
        self._no_origin_pairs = () if self._no_origin is None else self._encode(self._no_origin)
        #: Raw Origin value -> (decision, encoded headers), for the answers the core keeps for listed origins
        #: (remembered_answer): configured origins only, at most EXACT_ANSWERS_KEPT. Stays empty where
        #: every request must reach decide(): a PolicySet, an async origin_check, a report-only candidate.
        self._answers: dict[bytes, tuple[Decision, tuple[tuple[bytes, bytes], ...]]] = {}
        #: One Policy, no async origin_check, no report-only candidate: non-preflights go through decide_origin().
        self._plain = type(policy) is Policy and self._decide_policy is None and report_only is None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http":
            if kind == "websocket" and self._ws_check:
                await self._websocket(scope, receive, send)
                return
            await self.app(scope, receive, send)  # lifespan and anything else: not ours
            return
        method = scope["method"]
        if method != "OPTIONS":  # the common case, inlined: only Origin matters (R1), counted (R7)
            origin_names = ORIGIN_NAMES
            origin = b""
            count = 0
            for name, value in scope["headers"]:
                if name in origin_names:
                    count += 1
                    if count == 1:
                        origin = value
            if not count and self._no_origin is not None:  # most traffic: one answer, encoded once
                decision, ours = self._no_origin, self._no_origin_pairs
            elif count == 1 and (known := self._answers.get(origin)) is not None:  # a listed origin answered before
                decision, ours = known
            elif count == 1 and self._plain:  # one Policy, decided here and now: no RequestMeta needed
                text = origin.decode("latin-1")
                decision = decide_origin(self.policy, text)  # type: ignore[arg-type]  # _plain: a Policy
                headers = decision.headers
                kept = self._kept.get(id(headers))  # Encoder's memory, looked up inline on the hot path
                if kept is not None and kept[0] is headers:
                    ours = kept[1]
                elif (rest := reflected_rest(decision)) is not None:  # a pattern's: the rest is shared, the Origin is in hand
                    ours = (*self._encode.shared(rest), (_ACAO, origin))
                else:
                    ours = self._encode(decision)
                    if decision.allowed and remembered_answer(self.policy, text) is decision:  # type: ignore[arg-type]
                        self._remember_answer(origin, decision, ours)
                if not decision.allowed and _log_on(REFUSAL_LEVEL):  # the one check while logging is off
                    meta = _new_meta(RequestMeta, (method, scope["path"], text, None, None, None, 1))
                    LOG.refused(decide(meta, self.policy), policy_label(self.policy, meta.path, _LABEL))
            else:
                path = route_path(scope) if self._scoped else scope["path"]
                meta = _new_meta(RequestMeta, (method, path, origin.decode("latin-1") if count else None, None, None, None, count or None))
                decision = await self._decide_and_log(meta)
                if decision.kind is _OUT_OF_SCOPE:
                    await self.app(scope, receive, send)
                    return
                ours = self._encode(decision)
        else:
            meta = request_meta(scope["headers"], method, route_path(scope) if self._scoped else scope["path"])
            decision = await self._decide_and_log(meta)
            kind = decision.kind
            if kind is _OUT_OF_SCOPE:
                await self.app(scope, receive, send)
                return
            ours = self._encode(decision)
            if kind is _PREFLIGHT:
                status = decision.status or 200  # always set for a preflight; 200 is the default preflight_status
                answer = [*ours, _NO_LENGTH] if status != 204 else list(ours)  # RFC 9110 8.6: no Content-Length on a 204
                await send({"type": _START, "status": status, "headers": answer})
                await send({"type": "http.response.body", "body": b""})
                return
        started = False
        untouched = _untouched

        def send_with_cors(message: Message) -> Awaitable[None]:
            """Not a coroutine itself: it returns the server's send awaitable, so each message costs no extra frame."""
            nonlocal started
            if message["type"] == _START:
                started = True
                # A new list (apps may reuse theirs); the message dict is the app's per-send one, as Starlette assumes too.
                headers = message.get("headers", ())
                if type(headers) is not list:  # any iterable is allowed (ASGI); it is read twice below
                    headers = list(headers)
                for name, _ in headers:  # inlined common case of with_cors(): no app header to remove or merge
                    if name not in untouched:
                        message["headers"] = with_cors(headers, ours, decision)
                        return send(message)
                message["headers"] = [*headers, *ours]
            return send(message)

        try:
            await self.app(scope, receive, send_with_cors)
        except Exception:
            if started:
                raise
            await _send_error(send, ours, decision)
            raise  # for the server's (and any outer middleware's) logging, as cors_wsgi does

    def _remember_answer(self, origin: bytes, decision: Decision, ours: tuple[tuple[bytes, bytes], ...]) -> None:
        """Keep the encoded answer of a listed origin (the core keeps the decision itself), bounded like the core's."""
        if len(self._answers) < EXACT_ANSWERS_KEPT:
            self._answers[origin] = (decision, ours)

    async def _decide(self, meta: RequestMeta) -> Decision:
        """decide() under the policy, awaiting its async origin_check if it has one."""
        if self._decide_policy is None:
            return decide(meta, self.policy)
        return await self._decide_async(meta, self._decide_policy)

    async def _decide_and_log(self, meta: RequestMeta) -> Decision:
        """The slow paths' decision: compared with the report-only candidate, and logged if it refuses a CORS request."""
        decision = await self._decide(meta)
        if self._candidate is not None:
            await self._compare(meta, decision)
        kind = decision.kind
        if not decision.allowed and kind is not _NOT_CORS and kind is not _OUT_OF_SCOPE and _log_on(REFUSAL_LEVEL):
            LOG.refused(decision, policy_label(self.policy, meta.path, _LABEL))
        return decision

    async def _decide_async(self, meta: Any, policy: Policy | PolicySet) -> Decision:
        """decide() under a policy with an async origin_check: await the check only if the core asks for it."""
        slot, token = open_slot()
        try:
            decision = decide(meta, policy)
            stand_in = slot[2]
            if stand_in is not None:
                slot[1] = await stand_in.resolve(slot[0])
                decision = decide(meta, policy)
        finally:
            close_slot(token)
        return decision

    async def _compare(self, meta: RequestMeta, decision: Decision) -> None:
        """Report-only: decide under the candidate too, and log (bounded) and report where it disagrees."""
        candidate_policy = self._candidate
        assert candidate_policy is not None and self.report_only is not None
        if meta.origin is None:  # neither policy has anything to say about it (RefusalLog.compare would skip it)
            return
        if candidate_policy is self.report_only:
            candidate = decide(meta, candidate_policy)
        else:
            candidate = await self._decide_async(meta, candidate_policy)
        LOG.compare(meta, decision, candidate, policy_label(self.policy, meta.path, _LABEL), self.on_report)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse the handshake of a WebSocket whose Origin the policy does not allow (cross-site WebSocket hijacking).

        A request without Origin is not from a browser page and passes, as do paths the policy does not cover.
        """
        path = route_path(scope) if self._scoped else scope.get("path") or "/"
        meta = request_meta(scope["headers"], "GET", path)
        if meta.origin is not None:
            decision = await self._decide(meta)
            if decision.kind is not _OUT_OF_SCOPE and not decision.allowed:
                if _log_on(REFUSAL_LEVEL):
                    LOG.refused(decision, policy_label(self.policy, path, f"{_LABEL} (WebSocket)"))
                await _refuse_websocket(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def __repr__(self) -> str:
        return f"CORSMiddleware({self.app!r}, {self.policy!r})"


async def _send_error(send: Send, ours: tuple[tuple[bytes, bytes], ...], decision: Decision) -> None:
    """The 500 carrying the CORS headers, so the page can read the error; a failure to send it is not reported over the app's."""
    try:
        await send({"type": _START, "status": 500, "headers": with_cors(_ERROR_HEADERS, ours, decision)})
        await send({"type": "http.response.body", "body": ERROR_BODY})
    except Exception:  # the client went away: the application's exception is the one to report
        pass


async def _refuse_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer the handshake with 403: as an HTTP response where the server supports it, else websocket.close (1008)."""
    message = await receive()
    if message.get("type") != "websocket.connect":
        return  # the client left before the handshake completed
    if "websocket.http.response" in (scope.get("extensions") or {}):
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(_WS_REFUSED_BODY)).encode())],
            }
        )
        await send({"type": "websocket.http.response.body", "body": _WS_REFUSED_BODY})
    else:
        await send({"type": "websocket.close", "code": 1008})  # before accept: the server answers the handshake with 403
