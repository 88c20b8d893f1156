"""CorsMiddleware configured by the django-cors-headers settings, through Django's test Client and AsyncClient."""

from __future__ import annotations

from unittest import mock

import djtest_settings
from cors_django import _config
from cors_django.signals import check_request_enabled
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient, Client, SimpleTestCase, override_settings

ORIGIN = "https://app.example"
OTHER = "https://other.example"
PREFLIGHT = {"origin": ORIGIN, "access-control-request-method": "PUT", "access-control-request-headers": "content-type"}
CORS_FIELDS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Private-Network",
)


def cors_headers(response: object) -> dict[str, str]:
    return {name: response[name] for name in CORS_FIELDS if name in response}  # type: ignore[index,operator]


@override_settings(**djtest_settings.base_overrides)
class SettingsTests(SimpleTestCase):
    """Origins, aliases and values as django-cors-headers defines them."""

    def test_no_settings_not_cors_gets_only_vary(self) -> None:
        """R30: the answer depends on Origin, so even a request without one gets Vary: origin (and nothing else)."""
        response = self.client.get("/")
        assert response.status_code == 200
        assert cors_headers(response) == {}
        assert response["Vary"] == "origin"

    @override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN, "https://second.example"])
    def test_allowed_origin_is_echoed(self) -> None:
        """R10: ACAO is the request's Origin."""
        response = self.client.get("/", headers={"origin": ORIGIN})
        assert cors_headers(response) == {"Access-Control-Allow-Origin": ORIGIN}
        assert response["Vary"] == "origin"

    @override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN])
    def test_other_origin_gets_no_cors_headers_but_vary(self) -> None:
        """R23, R30: refused, with Vary kept."""
        response = self.client.get("/", headers={"origin": OTHER})
        assert cors_headers(response) == {}
        assert response["Vary"] == "origin"

    @override_settings(CORS_ALLOWED_ORIGINS=["http://app.example"])
    def test_scheme_is_part_of_the_origin(self) -> None:
        response = self.client.get("/", headers={"origin": "https://app.example"})
        assert "Access-Control-Allow-Origin" not in response

    @override_settings(CORS_ORIGIN_WHITELIST=[ORIGIN])
    def test_old_name_cors_origin_whitelist(self) -> None:
        assert self.client.get("/", headers={"origin": ORIGIN})["Access-Control-Allow-Origin"] == ORIGIN

    @override_settings(CORS_ORIGIN_REGEX_WHITELIST=[r"https://\w+\.example\.com"])
    def test_old_name_cors_origin_regex_whitelist(self) -> None:
        response = self.client.get("/", headers={"origin": "https://a.example.com"})
        assert response["Access-Control-Allow-Origin"] == "https://a.example.com"

    @override_settings(CORS_ORIGIN_ALLOW_ALL=True)
    def test_old_name_cors_origin_allow_all(self) -> None:
        assert self.client.get("/", headers={"origin": OTHER})["Access-Control-Allow-Origin"] == "*"

    @override_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ORIGIN_ALLOW_ALL=True, CORS_ALLOWED_ORIGINS=[ORIGIN])
    def test_new_name_wins_over_old_alias(self) -> None:
        assert "Access-Control-Allow-Origin" not in self.client.get("/", headers={"origin": OTHER})

    @override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[r"https://\w+\.example\.com"])
    def test_origin_regexes_full_match(self) -> None:
        """Regexes must match the whole origin: a prefix match would let example.com.evil.net in."""
        assert "Access-Control-Allow-Origin" not in self.client.get("/", headers={"origin": "https://a.example.com.evil.net"})
        assert self.client.get("/", headers={"origin": "https://a.example.com"})["Access-Control-Allow-Origin"] == "https://a.example.com"

    @override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN, "null"])
    def test_null_origin_when_listed(self) -> None:
        """R9: 'null' is allowed only when listed, and then answered literally."""
        assert self.client.get("/", headers={"origin": "null"})["Access-Control-Allow-Origin"] == "null"

    @override_settings(CORS_ALLOWED_ORIGINS=["null"])
    def test_listing_null_allows_only_null(self) -> None:
        """R9: a scheme-less Origin such as 'garbage' is not 'null' (django-cors-headers reflects it)."""
        assert "Access-Control-Allow-Origin" not in self.client.get("/", headers={"origin": "garbage"})

    @override_settings(CORS_ALLOWED_ORIGINS=["https://*.example.com", "http://localhost:*"])
    def test_core_origin_patterns_in_allowed_origins(self) -> None:
        """The core's pattern language works in CORS_ALLOWED_ORIGINS (django-cors-headers would never match these)."""
        for origin in ("https://a.example.com", "https://a.b.example.com", "http://localhost:8080"):
            assert self.client.get("/", headers={"origin": origin})["Access-Control-Allow-Origin"] == origin
        for origin in ("https://example.com", "http://a.example.com", "https://a.example.com.evil.net"):
            assert "Access-Control-Allow-Origin" not in self.client.get("/", headers={"origin": origin})

    @override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_EXPOSE_HEADERS=["X-Total", "X-Page"])
    def test_allow_all_is_static(self) -> None:
        """R31: any origin without credentials is '*' on every response, with no Vary: Origin. R28: ACEH in setting order."""
        for headers in ({}, {"origin": OTHER}):
            response = self.client.get("/", headers=headers)
            assert cors_headers(response) == {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "X-Total, X-Page"}
            assert "Vary" not in response

    @override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_CREDENTIALS=True)
    def test_credentials_on_actual_and_preflight(self) -> None:
        """R12: ACAC true on both, with the echoed origin."""
        actual = self.client.get("/", headers={"origin": ORIGIN})
        assert cors_headers(actual) == {"Access-Control-Allow-Origin": ORIGIN, "Access-Control-Allow-Credentials": "true"}
        preflight = self.client.options("/", headers=PREFLIGHT)
        assert preflight["Access-Control-Allow-Credentials"] == "true"
        assert "Access-Control-Allow-Credentials" not in self.client.get("/", headers={"origin": OTHER})

    @override_settings(CORS_ALLOWED_ORIGINS="https://app.example")
    def test_a_string_where_a_list_belongs_is_refused(self) -> None:
        """Not split into characters: the request fails loudly, naming the setting."""
        with self.assertRaisesMessage(ImproperlyConfigured, "CORS_ALLOWED_ORIGINS"):
            self.client.get("/", headers={"origin": ORIGIN})


@override_settings(**djtest_settings.base_overrides, CORS_ALLOWED_ORIGINS=[ORIGIN])
class PreflightTests(SimpleTestCase):
    def test_preflight_values(self) -> None:
        """R16-R21, R24, R32: 200, methods and headers from the settings, max-age 86400 by default, Vary for the preflight."""
        response = self.client.options("/", headers=PREFLIGHT)
        assert response.status_code == 200
        assert response["Content-Length"] == "0"
        assert response.content == b""
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": ORIGIN,
            "Access-Control-Allow-Methods": "DELETE, GET, OPTIONS, PATCH, POST, PUT",
            "Access-Control-Allow-Headers": "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with",
            "Access-Control-Max-Age": "86400",
        }
        assert response["Vary"] == "origin, access-control-request-method, access-control-request-headers"

    @override_settings(CORS_ALLOW_HEADERS=["content-type"], CORS_ALLOW_METHODS=["GET", "OPTIONS"], CORS_PREFLIGHT_MAX_AGE=0)
    def test_settings_order_and_max_age_zero(self) -> None:
        """ACAM keeps the settings order; R24: CORS_PREFLIGHT_MAX_AGE = 0 sends Max-Age: 0 (no caching), not nothing (5 s)."""
        response = self.client.options("/", headers={"origin": ORIGIN, "access-control-request-method": "GET"})
        assert response["Access-Control-Allow-Methods"] == "GET, OPTIONS"
        assert response["Access-Control-Allow-Headers"] == "content-type"
        assert response["Access-Control-Max-Age"] == "0"  # django-cors-headers sends none (migration guide D12)

    @override_settings(CORS_ALLOW_HEADERS=["*"], CORS_ALLOW_CREDENTIALS=True)
    def test_star_headers_echo_every_name_authorization_included(self) -> None:
        """R14, R21: ['*'] means what browsers make of django-cors-headers' literal '*': every name; echoed, never '*'."""
        asked = {**PREFLIGHT, "access-control-request-headers": "authorization,x-custom"}
        response = self.client.options("/", headers=asked)
        assert response["Access-Control-Allow-Headers"] == "authorization, x-custom"
        assert response["Access-Control-Allow-Credentials"] == "true"

    @override_settings(MIDDLEWARE=["cors_django.CorsMiddleware", "djtest_middleware.RequireToken"])
    def test_preflight_answered_before_auth_and_routing(self) -> None:
        """R16: a middleware that demands credentials never sees the preflight, on routed and unrouted paths."""
        for path in ("/", "/no-such-page/"):
            response = self.client.options(path, headers=PREFLIGHT)
            assert response.status_code == 200
            assert response["Access-Control-Allow-Origin"] == ORIGIN
        refused = self.client.get("/", headers={"origin": ORIGIN})
        assert refused.status_code == 401
        assert refused["Access-Control-Allow-Origin"] == ORIGIN  # R27: the 401 is readable by the page

    def test_refused_preflight(self) -> None:
        """R23 revised: a method that is not allowed gets an ok status, the origin and the allowed methods (never PURGE);
        a refused origin gets no Access-Control-Allow-* header at all."""
        response = self.client.options("/", headers={"origin": ORIGIN, "access-control-request-method": "PURGE"})
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == ORIGIN
        assert "PURGE" not in response["Access-Control-Allow-Methods"] and "access-control-max-age" not in cors_headers(response)
        other = self.client.options("/", headers={**PREFLIGHT, "origin": OTHER})
        assert cors_headers(other) == {}
        assert other["Vary"].startswith("origin")

    def test_options_that_is_not_a_preflight_reaches_the_view(self) -> None:
        """R1: OPTIONS without Access-Control-Request-Method, or without Origin, is an ordinary request."""
        assert self.client.options("/").status_code == 405
        assert self.client.options("/", headers={"access-control-request-method": "GET"}).status_code == 405
        assert self.client.options("/", headers={"origin": ORIGIN}).status_code == 405

    @override_settings(CORS_ALLOW_PRIVATE_NETWORK=True)
    def test_private_network_on_preflight_only(self) -> None:
        """R26, R29."""
        headers = {"origin": ORIGIN, "access-control-request-method": "GET", "access-control-request-private-network": "true"}
        assert self.client.options("/", headers=headers)["Access-Control-Allow-Private-Network"] == "true"
        assert "Access-Control-Allow-Private-Network" not in self.client.get("/", headers=headers)
        not_requested = {**headers, "access-control-request-private-network": "false"}
        assert "Access-Control-Allow-Private-Network" not in self.client.options("/", headers=not_requested)


@override_settings(**djtest_settings.base_overrides, CORS_ALLOWED_ORIGINS=[ORIGIN])
class ResponseTests(SimpleTestCase):
    """R27: CORS headers on every response that passes back through the middleware."""

    def test_handler404_page(self) -> None:
        response = self.client.get("/no-such-page/", headers={"origin": ORIGIN})
        assert response.status_code == 404
        assert response.json() == {"error": "not found"}
        assert response["Access-Control-Allow-Origin"] == ORIGIN

    def test_handler500_page(self) -> None:
        client = Client(raise_request_exception=False)
        response = client.get("/boom/", headers={"origin": ORIGIN})
        assert response.status_code == 500
        assert response.json() == {"error": "server error"}
        assert response["Access-Control-Allow-Origin"] == ORIGIN
        assert response["Vary"] == "origin"

    @override_settings(DEBUG=True)
    def test_debug_technical_500_page(self) -> None:
        response = Client(raise_request_exception=False).get("/boom/", headers={"origin": ORIGIN})
        assert response.status_code == 500
        assert b"RuntimeError" in response.content
        assert response["Access-Control-Allow-Origin"] == ORIGIN

    @override_settings(MIDDLEWARE=["cors_django.CorsMiddleware", "django.middleware.common.CommonMiddleware"], APPEND_SLASH=True)
    def test_append_slash_redirect_of_a_later_middleware(self) -> None:
        """R27: a 3xx answered by CommonMiddleware (listed after ours) still passes back through CorsMiddleware."""
        response = self.client.get("/unauthorized", headers={"origin": ORIGIN})
        assert response.status_code == 301
        assert response["Location"] == "/unauthorized/"
        assert response["Access-Control-Allow-Origin"] == ORIGIN

    def test_redirect_and_401(self) -> None:
        for path, status in (("/redirect/", 302), ("/unauthorized/", 401)):
            response = self.client.get(path, headers={"origin": ORIGIN})
            assert response.status_code == status
            assert response["Access-Control-Allow-Origin"] == ORIGIN

    def test_app_cors_headers_replaced_and_vary_merged(self) -> None:
        """R11, R33: one ACAO, ours; the app's ACAC dropped (no credentials configured); one Vary keeping the app's names."""
        response = self.client.get("/own-headers/", headers={"origin": ORIGIN})
        assert cors_headers(response) == {"Access-Control-Allow-Origin": ORIGIN}
        assert response["Vary"] == "Accept-Encoding, Cookie, origin"

    def test_streaming_body_kept(self) -> None:
        response = self.client.get("/stream/", headers={"origin": ORIGIN})
        assert response.streaming
        assert b"".join(response.streaming_content) == b"chunk0;chunk1;chunk2;"
        assert response["Access-Control-Allow-Origin"] == ORIGIN


@override_settings(**djtest_settings.base_overrides, CORS_ALLOWED_ORIGINS=[ORIGIN])
class ScopeTests(SimpleTestCase):
    """CORS_URLS_REGEX (re.match on path_info) and the check_request_enabled signal."""

    @override_settings(CORS_URLS_REGEX=r"^/api/")
    def test_urls_regex_prefix_on_path_info(self) -> None:
        inside = self.client.get("/api/items/", headers={"origin": ORIGIN})
        assert inside["Access-Control-Allow-Origin"] == ORIGIN
        assert inside.wsgi_request._cors_enabled is True
        outside = self.client.get("/", headers={"origin": ORIGIN})
        assert "Access-Control-Allow-Origin" not in outside
        assert "Vary" not in outside
        assert outside.wsgi_request._cors_enabled is False
        mounted = self.client.get("/api/items/", headers={"origin": ORIGIN}, SCRIPT_NAME="/mount")
        assert mounted["Access-Control-Allow-Origin"] == ORIGIN
        assert self.client.options("/", headers=PREFLIGHT).status_code == 405  # out of scope: the view answers

    @override_settings(CORS_URLS_REGEX=r"^/api/")
    def test_signal_enables_a_path_and_allows_its_origin(self) -> None:
        def handler(sender: object, request: object, **kwargs: object) -> bool:
            return request.path == "/"  # type: ignore[attr-defined,no-any-return]

        check_request_enabled.connect(handler)
        try:
            assert self.client.get("/", headers={"origin": OTHER})["Access-Control-Allow-Origin"] == OTHER
            assert "Access-Control-Allow-Origin" not in self.client.get("/api/items/", headers={"origin": OTHER})
        finally:
            check_request_enabled.disconnect(handler)
        assert "Access-Control-Allow-Origin" not in self.client.get("/", headers={"origin": OTHER})


@override_settings(**djtest_settings.base_overrides)
class SettingsChangeTests(SimpleTestCase):
    def test_override_settings_takes_effect_and_policy_is_cached(self) -> None:
        """The policy is built once per settings change (setting_changed), not per request."""
        with mock.patch.object(_config, "load", wraps=_config.load) as load:
            with override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
                for _ in range(3):
                    assert self.client.get("/", headers={"origin": ORIGIN})["Access-Control-Allow-Origin"] == ORIGIN
                assert load.call_count == 1
                with override_settings(CORS_ALLOWED_ORIGINS=[OTHER]):
                    assert "Access-Control-Allow-Origin" not in self.client.get("/", headers={"origin": ORIGIN})
                    assert self.client.get("/", headers={"origin": OTHER})["Access-Control-Allow-Origin"] == OTHER
                assert load.call_count == 2
                assert self.client.get("/", headers={"origin": ORIGIN})["Access-Control-Allow-Origin"] == ORIGIN
                assert load.call_count == 3
            with override_settings(SOME_OTHER_SETTING=1):
                self.client.get("/")
            assert load.call_count == 4  # leaving the CORS override rebuilt once; the unrelated setting did not


@override_settings(**djtest_settings.base_overrides, CORS_ALLOWED_ORIGINS=[ORIGIN])
class AsyncTests(SimpleTestCase):
    async def test_async_view(self) -> None:
        response = await self.async_client.get("/async/", headers={"origin": ORIGIN})
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == ORIGIN
        assert response["Vary"] == "origin"

    async def test_async_preflight(self) -> None:
        response = await self.async_client.options("/async/", headers=PREFLIGHT)
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == ORIGIN
        assert response["Access-Control-Allow-Methods"] == "DELETE, GET, OPTIONS, PATCH, POST, PUT"

    async def test_async_404_and_500(self) -> None:
        client = AsyncClient(raise_request_exception=False)
        missing = await client.get("/no-such-page/", headers={"origin": ORIGIN})
        assert (missing.status_code, missing["Access-Control-Allow-Origin"]) == (404, ORIGIN)
        failed = await client.get("/async-boom/", headers={"origin": ORIGIN})
        assert (failed.status_code, failed["Access-Control-Allow-Origin"]) == (500, ORIGIN)
        assert failed.json() == {"error": "server error"}

    async def test_async_sync_view_refused_origin(self) -> None:
        response = await self.async_client.get("/", headers={"origin": OTHER})
        assert "Access-Control-Allow-Origin" not in response
        assert response["Vary"] == "origin"
