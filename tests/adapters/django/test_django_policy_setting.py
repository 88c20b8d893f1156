"""``CORS_POLICY``: a cors_core Policy or PolicySet in settings, answered exactly as the core decides."""

from __future__ import annotations

import djtest_settings
from django.test import SimpleTestCase, override_settings

from cors_core import Policy, PolicySet, RequestMeta, decide

ORIGIN = "https://app.example"
API = Policy([ORIGIN], allow_methods=["PUT"], allow_headers=["content-type"], allow_credentials=True, max_age=600)
POLICIES = PolicySet({"/api/*": API})


@override_settings(**djtest_settings.base_overrides, CORS_POLICY=POLICIES)
class PolicySettingTests(SimpleTestCase):
    def test_responses_carry_exactly_the_core_decision(self) -> None:
        """The adapter only translates: every CORS header and Vary is what decide() returns for the same request."""
        cases = [
            ("GET", {"origin": ORIGIN}),
            ("GET", {"origin": "https://other.example"}),
            ("GET", {}),
            ("OPTIONS", {"origin": ORIGIN, "access-control-request-method": "PUT", "access-control-request-headers": "Content-Type"}),
            ("OPTIONS", {"origin": ORIGIN, "access-control-request-method": "DELETE"}),
        ]
        for method, headers in cases:
            response = self.client.generic(method, "/api/items/", headers=headers)
            meta = RequestMeta(
                method,
                "/api/items/",
                headers.get("origin"),
                headers.get("access-control-request-method"),
                headers.get("access-control-request-headers"),
            )
            decision = decide(meta, POLICIES)
            got = {name: response[name] for name in decision if name in response}
            assert got == dict(decision), (method, headers)
            if decision.status is not None:  # R16 / R23: 200 when allowed, 403 when refused
                assert response.status_code == decision.status
            else:
                assert response.status_code in (200, 405)

    def test_paths_outside_the_set_are_untouched(self) -> None:
        response = self.client.get("/", headers={"origin": ORIGIN})
        assert "Access-Control-Allow-Origin" not in response
        assert "Vary" not in response
        assert response.wsgi_request._cors_enabled is False
        assert self.client.options("/", headers={"origin": ORIGIN, "access-control-request-method": "PUT"}).status_code == 405

    def test_preflight_to_an_unrouted_path_in_scope(self) -> None:
        """R16: answered before routing, so the browser gets to see the real 404 of the actual request."""
        response = self.client.options("/api/nothing-here/", headers={"origin": ORIGIN, "access-control-request-method": "PUT"})
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == ORIGIN
        missing = self.client.get("/api/nothing-here/", headers={"origin": ORIGIN})
        assert (missing.status_code, missing["Access-Control-Allow-Origin"]) == (404, ORIGIN)

    @override_settings(CORS_POLICY=Policy("*"))
    def test_single_policy(self) -> None:
        assert self.client.get("/", headers={"origin": ORIGIN})["Access-Control-Allow-Origin"] == "*"


@override_settings(**djtest_settings.base_overrides, CORS_POLICY=POLICIES)
class RefusedPreflightLoggingTests(SimpleTestCase):
    def test_refused_preflight_is_not_logged_as_a_django_4xx(self) -> None:
        """Anyone can send refused preflights: Django's per-4xx warning would let any site fill the logs (CVE-2024-1681 class)."""
        with self.assertNoLogs("django.request", level="WARNING"):
            refused = {"origin": "https://evil.example", "access-control-request-method": "PUT"}
            response = self.client.options("/api/items/", headers=refused)
        assert response.status_code == 403
        with self.assertLogs("django.request", level="WARNING"):  # the app's own 4xx are still logged
            self.client.get("/api/nothing-here/", headers={"origin": ORIGIN})
