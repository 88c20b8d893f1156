"""The Django adapter's refusal log: the logger ``cors_core.django`` (see docs/django.md)."""

from cors_core.refusal_log import RefusalLog

LOG = RefusalLog("django")
