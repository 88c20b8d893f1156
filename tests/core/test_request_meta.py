"""RequestMeta.from_cgi: the request as a WSGI environ or Django's request.META holds it (R1, R7)."""

from __future__ import annotations

from cors_core import RequestMeta

CGI = {
    "REQUEST_METHOD": "OPTIONS",
    "HTTP_ORIGIN": "https://app.example.com",
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-a, x-b",
    "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK": "true",
}


def test_an_options_request_carries_every_preflight_field() -> None:
    meta = RequestMeta.from_cgi(CGI, "/p")
    assert meta == ("OPTIONS", "/p", "https://app.example.com", "PUT", "x-a, x-b", "true", None)
    assert meta.origin_count is None  # CGI variables cannot count repeated fields (R7)


def test_other_methods_read_only_the_origin() -> None:  # R1: only OPTIONS can be a preflight
    meta = RequestMeta.from_cgi({**CGI, "REQUEST_METHOD": "GET"}, "/p")
    assert meta == ("GET", "/p", "https://app.example.com", None, None, None, None)


def test_the_framework_method_wins_over_request_method() -> None:
    assert RequestMeta.from_cgi(CGI, "/", method="POST").method == "POST"
    assert RequestMeta.from_cgi({"REQUEST_METHOD": "GET"}, "/").origin is None
