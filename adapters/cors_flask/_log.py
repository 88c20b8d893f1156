"""The Flask adapter's refusal log: the logger ``cors_core.flask`` (see docs/flask.md)."""

from cors_core.refusal_log import RefusalLog

LOG = RefusalLog("flask")
