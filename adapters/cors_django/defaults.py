"""The default request headers and methods of the django-cors-headers settings, with the same values."""

from __future__ import annotations

#: Default of ``CORS_ALLOW_HEADERS``: the request headers a preflight may ask for.
default_headers: tuple[str, ...] = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)

#: Default of ``CORS_ALLOW_METHODS``.
default_methods: tuple[str, ...] = (
    "DELETE",
    "GET",
    "OPTIONS",
    "PATCH",
    "POST",
    "PUT",
)
