"""Reading a request off a PEP 3333 environ: the decoded path and the ``RequestMeta`` the core needs.

Public so that other WSGI-based adapters (cors_flask's layer) read requests exactly as cors_wsgi does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cors_core import RequestMeta

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

def decoded_path(environ: WSGIEnvironment) -> str:
    """PATH_INFO as real text: PEP 3333 gives the URL's bytes decoded as latin-1; re-decode them as UTF-8.

    Invalid UTF-8 becomes U+FFFD, as in werkzeug's ``request.path``. An empty PATH_INFO is ``/``.
    """
    path: str = environ.get("PATH_INFO") or "/"
    if not path.isascii():
        try:
            path = path.encode("latin-1").decode("utf-8", "replace")
        except UnicodeEncodeError:  # the server already gave real text
            pass
    return path


#: ``request_meta(environ, path)``: the core's view of the request (method, *path*, the raw CORS request headers).
request_meta = RequestMeta.from_cgi
