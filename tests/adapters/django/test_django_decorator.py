"""``@cors(...)``: one view's own policy, with and without CorsMiddleware installed."""

from __future__ import annotations

import djtest_settings
import pytest
from cors_django import cors
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, SimpleTestCase, override_settings

from cors_core import Policy, PolicyError

VIEW_ORIGIN = "https://view.example"
PREFLIGHT = {"origin": VIEW_ORIGIN, "access-control-request-method": "PUT", "access-control-request-headers": "X-Token"}
GLOBAL = {"CORS_ALLOWED_ORIGINS": ["https://site.example"], "CORS_URLS_REGEX": r"^/api/"}


@override_settings(**djtest_settings.base_overrides, **GLOBAL)
class WithMiddlewareTests(SimpleTestCase):
    def test_preflight_uses_the_view_policy(self) -> None:
        """R16-R21, R24: the view's policy answers (200, the core's default), whatever the global settings say."""
        response = self.client.options("/decorated/", headers=PREFLIGHT)
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == VIEW_ORIGIN
        assert response["Access-Control-Allow-Credentials"] == "true"
        assert response["Access-Control-Allow-Methods"] == "PUT"
        assert response["Access-Control-Allow-Headers"].lower() == "x-token"  # names are case-insensitive
        assert response["Access-Control-Max-Age"] == "60"
        refused = self.client.options("/decorated/", headers={**PREFLIGHT, "origin": "https://site.example"})
        assert refused.status_code == 403  # R23
        assert "Access-Control-Allow-Origin" not in refused

    @override_settings(MIDDLEWARE=["cors_django.CorsMiddleware", "djtest_middleware.RequireToken"])
    def test_preflight_answered_before_auth(self) -> None:
        assert self.client.options("/decorated/", headers=PREFLIGHT).status_code == 200
        response = self.client.get("/decorated/", headers={"origin": VIEW_ORIGIN})
        assert response.status_code == 401  # the auth stand-in answered; the view never ran
        assert response["Access-Control-Allow-Origin"] == VIEW_ORIGIN  # R27, from the view's policy found by routing

    def test_actual_request(self) -> None:
        response = self.client.get("/decorated/", headers={"origin": VIEW_ORIGIN})
        assert response.content == b"decorated"
        assert response["Access-Control-Allow-Origin"] == VIEW_ORIGIN
        assert response["Access-Control-Allow-Credentials"] == "true"
        assert response["Vary"] == "Origin"
        assert "Access-Control-Allow-Origin" not in self.client.get("/decorated/", headers={"origin": "https://site.example"})

    def test_view_exception_page_gets_the_view_policy(self) -> None:
        """R27: the handler500 page of a decorated view that raised."""
        response = Client(raise_request_exception=False).get("/decorated-boom/", headers={"origin": VIEW_ORIGIN})
        assert response.status_code == 500
        assert response["Access-Control-Allow-Origin"] == VIEW_ORIGIN

    async def test_async_view(self) -> None:
        preflight = await self.async_client.options("/async-decorated/", headers={**PREFLIGHT, "access-control-request-headers": ""})
        assert preflight.status_code == 200
        assert preflight["Access-Control-Allow-Methods"] == "PUT"
        response = await self.async_client.get("/async-decorated/", headers={"origin": VIEW_ORIGIN})
        assert response.content == b"async decorated"
        assert response["Access-Control-Allow-Origin"] == VIEW_ORIGIN


@override_settings(**{**djtest_settings.base_overrides, "MIDDLEWARE": []})
class WithoutMiddlewareTests(SimpleTestCase):
    def test_preflight_and_actual(self) -> None:
        preflight = self.client.options("/decorated/", headers=PREFLIGHT)
        assert preflight.status_code == 200
        assert preflight["Access-Control-Allow-Origin"] == VIEW_ORIGIN
        assert preflight["Vary"] == "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        response = self.client.get("/decorated/", headers={"origin": VIEW_ORIGIN})
        assert response["Access-Control-Allow-Origin"] == VIEW_ORIGIN
        undecorated = self.client.get("/", headers={"origin": VIEW_ORIGIN})
        assert "Access-Control-Allow-Origin" not in undecorated

    async def test_async_view(self) -> None:
        response = await AsyncClient().get("/async-decorated/", headers={"origin": VIEW_ORIGIN})
        assert response["Access-Control-Allow-Origin"] == VIEW_ORIGIN
        preflight = await AsyncClient().options("/async-decorated/", headers={**PREFLIGHT, "access-control-request-headers": ""})
        assert (preflight.status_code, preflight["Access-Control-Allow-Origin"]) == (200, VIEW_ORIGIN)


class _LazyUrlConf:
    """A URLconf whose view is decorated only when its patterns are first read, like a views module imported late."""

    @property
    def urlpatterns(self) -> list[object]:
        from django.urls import path

        return [path("late/", cors(origins=[VIEW_ORIGIN])(lambda request: HttpResponse("late")))]


def test_first_preflight_finds_a_view_decorated_when_the_urlconf_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no @cors view counted yet, the middleware imports the URLconf once before deciding routing is not needed."""
    import cors_django.decorators

    monkeypatch.setattr(cors_django.decorators, "_decorated", 0)
    with override_settings(**{**djtest_settings.base_overrides, "ROOT_URLCONF": _LazyUrlConf()}):
        response = Client().options("/late/", headers={"origin": VIEW_ORIGIN, "access-control-request-method": "GET"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == VIEW_ORIGIN


def test_bad_options_fail_at_decoration_time() -> None:
    with pytest.raises(PolicyError) as raised:
        cors(origins=["https://ok.example", "not-an-origin"], allow_methods=["TRACE"])
    assert len(raised.value.problems) == 2


def test_takes_a_policy_or_options_not_both() -> None:
    policy = Policy(["https://view.example"])

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    assert cors(policy)(view).cors_policy is policy  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        cors(policy, allow_credentials=True)
