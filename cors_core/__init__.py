"""cors_core: a framework-free CORS engine that follows the WHATWG Fetch Standard.

Build a :class:`Policy` (validated once), describe each request as a :class:`RequestMeta`, and
``decide()`` returns the headers to send. ``cors_core.testing`` is the browser's side, for tests.
"""

from .decision import CORS_RESPONSE_HEADERS, Decision, RequestKind
from .engine import decide, decision_without_origin
from .errors import (
    ConfigProblem,
    InsecureConfiguration,
    InvalidHeaderName,
    InvalidMethod,
    InvalidOrigin,
    InvalidPathRule,
    InvalidValue,
    PolicyError,
    did_you_mean,
)
from .paths import PolicySet
from .policy import Policy
from .request import RequestMeta

__all__ = [
    "CORS_RESPONSE_HEADERS",
    "ConfigProblem",
    "Decision",
    "InsecureConfiguration",
    "InvalidHeaderName",
    "InvalidMethod",
    "InvalidOrigin",
    "InvalidPathRule",
    "InvalidValue",
    "Policy",
    "PolicyError",
    "PolicySet",
    "RequestKind",
    "RequestMeta",
    "decide",
    "decision_without_origin",
    "did_you_mean",
]

__version__ = "0.1.0"
