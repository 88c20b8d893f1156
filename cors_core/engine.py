"""``decide()``: the response headers for one request, following the Fetch Standard's CORS protocol."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .decision import Decision, RequestKind
from .origins import split_request_origin
from .paths import PolicySet
from .policy import DEBUG_HEADER, MAX_REQUEST_HEADERS_BYTES, Policy
from .request import RequestMeta
from .tokens import SAFELISTED_METHODS, is_token

_new_object = object.__new__
_EMPTY: Mapping[str, str] = MappingProxyType({})  # shared by every out-of-scope decision: read-only
#: How many listed origins get their allowed answer remembered (the first ones seen), per policy.
EXACT_ANSWERS_KEPT = 1024
#: What a method refusal lists when no method is configured: the methods that are always allowed.
_SAFELISTED_ACAM = ", ".join(sorted(SAFELISTED_METHODS))
#: Longest method or header name the debug header repeats.
_NAME_SHOWN = 128
_OUT_OF_SCOPE = Decision(RequestKind.OUT_OF_SCOPE, False, _EMPTY, (), "out-of-scope")


def decide(meta: RequestMeta, policy: Policy | PolicySet) -> Decision:
    """Return the headers (and, for a preflight, the status) of the answer to *meta* under *policy*.

    Never raises on request data: malformed input is a refusal with a reason.
    """
    if type(policy) is not Policy:
        if isinstance(policy, PolicySet):
            found = policy.policy_for(meta.path)
            if found is None:
                return _OUT_OF_SCOPE
            policy = found
        elif not isinstance(policy, Policy):
            raise TypeError(f"decide() needs a cors_core Policy or PolicySet, not {type(policy).__name__}")
    origin = meta.origin
    if origin is None:  # R2: not a CORS request (an OPTIONS without Origin is not a preflight either)
        return policy._no_origin  # the same for every such request: built once with the policy
    if meta.method == "OPTIONS" and meta.request_method is not None:  # R1, case-sensitive method
        return _preflight(meta, policy, origin)
    if meta.origin_count is None or meta.origin_count == 1 or policy._static:  # R7: exactly one Origin field (R31: static)
        return decide_origin(policy, origin, meta)
    return _origin_refused(policy, meta)


def decide_origin(policy: Policy, origin: str, meta: RequestMeta | None = None) -> Decision:
    """decide() for a request that is not a preflight and has exactly one Origin field, *origin*, under *policy*.

    The adapters' hot path: no RequestMeta is built. Without *meta*, the Decision is decide()'s except
    that it does not carry the request, so a refusal cannot name its origin: where a refusal is to be
    logged, pass *meta* or call decide().
    """
    # The common CORS case: written out here, with no helper calls on the usual paths.
    if policy._static:  # R31: the same answer whatever the origin
        if meta is None:
            return policy._static_answer  # type: ignore[return-value]  # set for every static policy
        return Decision(RequestKind.ACTUAL, True, policy._not_cors, (), "allowed", None, meta, policy)
    known = policy._exact_answers.get(origin)  # a listed origin seen before: the same answer again
    if known is not None:
        return known
    matcher = policy._matcher
    if policy._reflect_any:  # dangerous opt-in: reflect any well-formed origin, never null (R9), as _origin_ok does
        if origin != "null" and split_request_origin(origin) is not None:
            return _allowed_actual(meta, policy, origin)
    elif origin in matcher.exact:
        return _remember_exact(policy, origin)
    elif matcher.has_patterns and matcher.matches(origin):
        return _allowed_actual(meta, policy, origin)
    if meta is None and not policy.debug:
        return policy._origin_refusal  # shared: nothing in it names the request
    return _origin_refused(policy, meta)


def _origin_refused(policy: Policy, meta: RequestMeta | None) -> Decision:
    """R23 / R30: no Allow-* headers, but Vary; every field but the request is the policy's own (shared_fields)."""
    if policy.debug:
        return _refused(RequestKind.ACTUAL, meta, policy, "origin-not-allowed", None)
    refusal = _new_object(policy._refusal)
    refusal._meta = meta
    return refusal


def decision_without_origin(policy: Policy | PolicySet) -> Decision | None:
    """The one Decision decide() returns for every request without Origin under *policy* (R2).

    Adapters reuse it to answer most traffic without reading the request. None for a PolicySet,
    where the answer depends on the path.
    """
    return policy._no_origin if isinstance(policy, Policy) else None


def remembered_answer(policy: Policy, origin: str) -> Decision | None:
    """The Decision decide() returns, as is, to every non-preflight request with one Origin field *origin*, if kept.

    Only the answers to listed exact origins are kept (at most EXACT_ANSWERS_KEPT per policy): they depend
    on the configuration alone, so an adapter may remember its own work on them (e.g. encoded headers).
    None for any other origin, and for every origin until decide() has answered it once.
    """
    return policy._exact_answers.get(origin)


def reflected_rest(decision: Decision) -> Mapping[str, str] | None:
    """For an answer whose Access-Control-Allow-Origin is the request's Origin and whose other headers are shared
    by every such answer under its policy (an origin a pattern allowed): those other headers, one read-only map.

    None for any other answer. Adapters use it to convert the shared part once (e.g. to bytes) and add the
    Origin they already hold.
    """
    return decision._rest


def _origin_ok(meta: RequestMeta, policy: Policy, origin: str) -> bool:
    if meta.origin_count is not None and meta.origin_count != 1:  # R7: exactly one Origin field
        return False
    if policy._reflect_any:  # dangerous opt-in: reflect any well-formed origin, never null (R9)
        return origin != "null" and split_request_origin(origin) is not None
    return policy._matcher.matches(origin)


def _allowed_headers(policy: Policy, origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, **policy._allowed_rest}  # R10-R12, R28, R30


def _allowed_actual(meta: RequestMeta | None, policy: Policy, origin: str) -> Decision:
    decision = _new_object(policy._pattern_allowed)  # every other field is the policy's own (shared_fields)
    decision.headers = _allowed_headers(policy, origin)
    decision._meta = meta
    return decision


def _remember_exact(policy: Policy, origin: str) -> Decision:
    """The allowed answer for a listed exact origin: it depends on the origin alone, so it is kept, read-only.

    At most EXACT_ANSWERS_KEPT are kept (about 350 bytes each): past that, the answer is built per request.
    """
    headers = MappingProxyType(_allowed_headers(policy, origin))
    decision = Decision(RequestKind.ACTUAL, True, headers, policy._vary_actual, "allowed", None, None, policy)
    answers = policy._exact_answers
    if len(answers) < EXACT_ANSWERS_KEPT:
        answers[origin] = decision
    return decision


def _refused(kind: RequestKind, meta: RequestMeta | None, policy: Policy, reason: str, status: int | None, detail: str = "") -> Decision:
    if kind is RequestKind.PREFLIGHT:
        vary, headers = policy._vary_preflight, policy._refused_preflight
    else:
        vary, headers = policy._vary_actual, policy._not_cors  # only Vary: a static policy refuses no actual request
    if policy.debug:
        headers = {**headers, DEBUG_HEADER: reason}
    return Decision(kind, False, headers, vary, reason, status, meta, policy, detail)


def _preflight(meta: RequestMeta, policy: Policy, origin: str) -> Decision:
    kind = RequestKind.PREFLIGHT
    if not policy._static and not _origin_ok(meta, policy, origin):  # R17, R23
        return _refused(kind, meta, policy, "origin-not-allowed", policy.refused_preflight_status)

    method = meta.request_method or ""
    # Listed methods are validated tokens (Policy checks them), so only an unlisted one needs the syntax check.
    if not (method in SAFELISTED_METHODS or method in policy._methods):
        if not is_token(method):  # R18: exactly one token
            return _refused(kind, meta, policy, "method-malformed", policy.refused_preflight_status)
        # A method or header literally named '*' is never echoed: a browser would read it as a wildcard (R14, R21).
        if not (policy._any_method and method != "*"):
            return _refused_step(meta, policy, origin, "method-not-allowed", method)

    spelled: list[str] = []  # the names as the client wrote them, echoed in Access-Control-Allow-Headers
    raw = meta.request_headers
    if raw:
        if len(raw) > MAX_REQUEST_HEADERS_BYTES:  # R36, checked before any splitting
            return _refused(kind, meta, policy, "request-headers-too-long", policy.refused_preflight_status)
        seen = set()
        allowed_names = policy._headers  # lowercase validated tokens: a name found there needs no syntax check
        refused_name = ""  # the first name the policy does not allow; a malformed item anywhere still wins
        limit = policy.max_request_headers
        for item in raw.split(","):  # R20
            name = item.strip(" \t")
            if name in allowed_names:
                lower = name
            else:
                if not name:
                    continue
                # validate before lowercasing: 'K' (U+212A KELVIN SIGN).lower() is ASCII 'k'
                if not is_token(name):
                    return _refused(kind, meta, policy, "request-headers-malformed", policy.refused_preflight_status)
                lower = name.lower()
                # R21: '*' never covers Authorization (unless allow_any_request_header), and a name literally '*' is never echoed
                if not refused_name and lower not in allowed_names and (not policy._any_header or lower in policy._never_by_wildcard):
                    refused_name = lower
            if lower in seen:
                continue
            seen.add(lower)
            spelled.append(name)
            if len(spelled) > limit:
                return _refused(kind, meta, policy, "request-headers-too-many", policy.refused_preflight_status)
        if refused_name:
            return _refused_step(meta, policy, origin, "header-not-allowed", refused_name)

    headers = {"Access-Control-Allow-Origin": "*" if policy._static else origin}  # R14: never '*' with credentials
    if policy._any_method:
        headers["Access-Control-Allow-Methods"] = method  # echo the validated method (R18, R35)
    elif policy._acam:
        headers["Access-Control-Allow-Methods"] = policy._acam
    if policy._acah:  # echo_request_headers=False: the configured list, whatever was requested
        headers["Access-Control-Allow-Headers"] = policy._acah
    elif spelled:  # echo only validated tokens (R21, R35); names compare case-insensitively in browsers
        headers["Access-Control-Allow-Headers"] = ", ".join(spelled)
    headers.update(policy._preflight_extra)
    if policy.allow_private_network and meta.request_private_network == "true":  # R26
        headers["Access-Control-Allow-Private-Network"] = "true"
    headers["Vary"] = policy._vary_preflight_value  # R30, R32
    if policy.debug:
        headers[DEBUG_HEADER] = "allowed"
    return Decision(kind, True, headers, policy._vary_preflight, "allowed", policy.preflight_status, meta, policy)


def _refused_step(meta: RequestMeta, policy: Policy, origin: str, reason: str, name: str) -> Decision:
    """R23 revised: the answer to an allowed origin whose method or a requested header is refused.

    An ok status with Allow-Origin (and -Credentials) and only what *is* allowed, so that the browser's
    preflight check fails at the method or header step and its console names *name*, not the origin.
    Never the refused name, never a '*' that would cover it, no Max-Age. *name* is a validated token.
    """
    headers = {"Access-Control-Allow-Origin": "*" if policy._static else origin}  # R14: never '*' with credentials
    if policy.allow_credentials:  # R12
        headers["Access-Control-Allow-Credentials"] = "true"
    method = meta.request_method or ""
    if reason == "header-not-allowed" and policy._any_method:
        headers["Access-Control-Allow-Methods"] = method  # the method passed (a validated token): echo it, as when allowed
    else:  # the listed methods, never '*' (it would cover the refused one), and never absent: a browser
        # whose request has the use-CORS-preflight flag reads a missing header as allowing its method (Fetch 7.3)
        headers["Access-Control-Allow-Methods"] = policy._acam or _SAFELISTED_ACAM
    allowed = policy._acah or ", ".join(_allowed_request_headers(meta.request_headers, policy))
    if allowed:
        headers["Access-Control-Allow-Headers"] = allowed
    if policy.allow_private_network and meta.request_private_network == "true":  # R26: Chromium checks it before
        headers["Access-Control-Allow-Private-Network"] = "true"  # the method, so it must pass for the method to be named
    headers["Vary"] = policy._vary_preflight_value  # R30, R32
    if policy.debug:  # the name is a validated token; a long one is left out, so the answer stays small
        headers[DEBUG_HEADER] = f"{reason}; name={name}" if len(name) <= _NAME_SHOWN else reason
    return Decision(RequestKind.PREFLIGHT, False, headers, policy._vary_preflight, reason, policy.preflight_status, meta, policy, name)


def _allowed_request_headers(raw: str | None, policy: Policy) -> list[str]:
    """The requested names the policy allows, as spelled, each once: validated tokens only (R21, R35).

    Only on the refusal path; bounded like the allowed path (R36).
    """
    if not raw or len(raw) > MAX_REQUEST_HEADERS_BYTES:
        return []
    out: list[str] = []
    seen: set[str] = set()
    for item in raw.split(","):
        name = item.strip(" \t")
        if not is_token(name):
            continue
        lower = name.lower()
        if lower in seen or not (lower in policy._headers or (policy._any_header and lower not in policy._never_by_wildcard)):
            continue
        seen.add(lower)
        out.append(name)
        if len(out) >= policy.max_request_headers:
            break
    return out
