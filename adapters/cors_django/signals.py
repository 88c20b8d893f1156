"""``check_request_enabled``: lets an app switch CORS on for a request (and allow its origin) in code.

Sent as ``send(sender=None, request=request)``; any truthy answer from any receiver counts as yes.
Used only with the django-cors-headers style settings, not with ``CORS_POLICY``.
"""

from __future__ import annotations

from django.dispatch import Signal

check_request_enabled = Signal()
