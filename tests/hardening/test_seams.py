"""Security at the seams (issue 11): each attack reproduced through the real framework, and the rule that stops it.

1. path scoping follows the routed path; 2. credential safety sees regexes; 3. a per-request signal is never
cached per origin; 5. route-scoping publication, Vary with signal receivers (R30), flask resource fall-through,
public suffixes. ReDoS (item 4) is in test_redos.py.
"""

from __future__ import annotations

import http.client
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from cors_core import InsecureConfiguration, Policy, PolicyError, PolicySet, UninspectableOriginCheck

from ._runners import _call, django_app, django_settings, environ_for
from ._servers import running

PARTNER = "https://partner.example"
EVIL = "https://evil.example"
ATTACK_PATH = "/api/users/42/..%2F..%2Fpublic/x"  # as the browser sends it: '..%2F' is not a dot segment to a browser
PRIVATE = b"user 42's private data"


def _rules() -> PolicySet:
    return PolicySet({"/api/public/*": Policy("*"), "/api/*": Policy([PARTNER], allow_credentials=True)})


# --- 1. path scoping follows the path the framework routes -------------------------------------------------------


class _DjangoUsers:
    """A URLconf as a Django project writes it: user views by regex, public files under /api/public/."""

    @property
    def urlpatterns(self) -> list[Any]:
        from django.http import HttpResponse
        from django.urls import re_path

        return [
            re_path(r"^api/users/(?P<uid>[0-9]+)/", lambda request, uid: HttpResponse(PRIVATE if uid == "42" else b"?")),
            re_path(r"^api/public/", lambda request: HttpResponse(b"public")),
        ]


DJANGO_USERS = _DjangoUsers()


@contextmanager
def _django_users(**cors_settings: Any) -> Iterator[None]:
    from django.test import override_settings

    with django_settings(cors_settings.pop("policy", None), **cors_settings), override_settings(ROOT_URLCONF=DJANGO_USERS):
        yield


def test_dot_segment_attack_on_django_re_path_routes_to_user_42_and_gets_no_cors() -> None:
    """Django routes /api/users/42/../../public/x to user 42's view: the '*' of /api/public/* must not answer it."""
    from django.test import Client

    with _django_users(policy=_rules()):
        client = Client()
        control = client.get("/api/public/x", HTTP_ORIGIN=EVIL)
        assert control.headers["Access-Control-Allow-Origin"] == "*"
        for origin in (EVIL, PARTNER):
            response = client.get(ATTACK_PATH, HTTP_ORIGIN=origin)
            assert response.content == PRIVATE  # the attack's premise: the private view answered
            assert "Access-Control-Allow-Origin" not in response.headers, origin
            assert "Access-Control-Allow-Credentials" not in response.headers, origin
        assert client.get("/api/users/42/", HTTP_ORIGIN=PARTNER).headers["Access-Control-Allow-Origin"] == PARTNER


def test_django_rules_match_path_info_below_the_mount_point() -> None:
    """Behind SCRIPT_NAME=/mount Django routes request.path_info, and the rules see the same path."""
    from django.test import Client

    with _django_users(policy=_rules()):
        client = Client(SCRIPT_NAME="/mount")
        assert client.get("/api/users/42/", HTTP_ORIGIN=PARTNER).headers["Access-Control-Allow-Origin"] == PARTNER
        attack = client.get(ATTACK_PATH, HTTP_ORIGIN=EVIL)
        assert attack.content == PRIVATE and "Access-Control-Allow-Origin" not in attack.headers


def test_dot_segment_attack_on_django_through_a_real_server() -> None:
    """The same request line over loopback to werkzeug's server: it decodes %2F into PATH_INFO as every server does."""
    from django.core.handlers.wsgi import WSGIHandler

    with _django_users(policy=_rules()), running(WSGIHandler(), "werkzeug") as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", ATTACK_PATH, headers={"Origin": EVIL})
        response = conn.getresponse()
        body = response.read()
        conn.close()
    assert body == PRIVATE
    assert response.headers.get("Access-Control-Allow-Origin") is None


def _flask_users() -> Any:
    from flask import Flask

    app = Flask("seams")

    @app.route("/api/users/<int:uid>/<path:name>")
    def user_file(uid: int, name: str) -> bytes:
        return PRIVATE if uid == 42 else b"?"

    @app.route("/api/public/<path:name>")
    def public(name: str) -> bytes:
        return b"public"

    return app


def test_dot_segment_attack_on_flask_path_converter_with_resources_gets_no_cors() -> None:
    from cors_flask import CORS

    app = _flask_users()
    CORS(app, resources={r"/api/public/*": {"origins": "*"}, r"/api/*": {"origins": [PARTNER], "supports_credentials": True}})
    client = app.test_client()
    assert client.get("/api/public/x", headers={"Origin": EVIL}).headers["Access-Control-Allow-Origin"] == "*"
    response = client.get(ATTACK_PATH, headers={"Origin": EVIL})
    assert response.data == PRIVATE
    assert "Access-Control-Allow-Origin" not in response.headers


def test_dot_segment_attack_on_flask_blueprints_gets_the_routed_blueprints_policy() -> None:
    """Blueprint CORS follows the endpoint Flask routes to, so url_prefix cannot be tricked by dot segments."""
    from cors_flask import CORS
    from flask import Blueprint, Flask

    users, public = Blueprint("users", "seams"), Blueprint("public", "seams")
    users.add_url_rule("/<int:uid>/<path:name>", "file", lambda uid, name: PRIVATE)
    public.add_url_rule("/<path:name>", "file", lambda name: b"public")
    CORS(users, origins=[PARTNER], supports_credentials=True)
    CORS(public, origins="*")
    app = Flask("seams-bp")
    app.register_blueprint(users, url_prefix="/api/users")
    app.register_blueprint(public, url_prefix="/api/public")
    response = app.test_client().get(ATTACK_PATH, headers={"Origin": EVIL})
    assert response.data == PRIVATE
    assert "Access-Control-Allow-Origin" not in response.headers


def test_dot_segment_attack_on_a_wsgi_mount_matches_path_info() -> None:
    """cors_wsgi under a mount (SCRIPT_NAME=/mount): rules see PATH_INFO, the path the mounted app routes."""
    from cors_wsgi import CORSMiddleware
    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.test import Client

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["SCRIPT_NAME"].encode() + b"|" + environ["PATH_INFO"].encode()]

    root = DispatcherMiddleware(app, {"/mount": CORSMiddleware(app, _rules())})
    client = Client(root)
    inside = client.get("/mount/api/public/x", headers={"Origin": EVIL})
    assert inside.headers["Access-Control-Allow-Origin"] == "*"
    attack = client.get("/mount" + ATTACK_PATH, headers={"Origin": EVIL})
    assert attack.data == b"/mount|/api/users/42/../../public/x"
    assert "Access-Control-Allow-Origin" not in attack.headers


# --- 2. credential safety sees regexes (R15) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regex", "opt_in"),
    [
        (r"https://.*", "dangerously_allow_credentials_with_any_origin"),
        (r".*", "dangerously_allow_credentials_with_any_origin"),
        (r"^https?://.*$", "dangerously_allow_credentials_with_any_origin"),
        (r"https?://app\.example\.com", "dangerously_allow_insecure_origins"),
        (r"https?://[a-z]+\.example\.com", "dangerously_allow_insecure_origins"),
        (r"null|https://app\.example\.com", "dangerously_allow_insecure_origins"),
        (r"https://[a-z0-9-]+\.herokuapp\.com", "dangerously_allow_public_suffix_wildcards"),
        (r"https://[a-z0-9-]+\.run\.app", "dangerously_allow_public_suffix_wildcards"),
        (r"https://[a-z0-9-]+\.s3\.eu-west-3\.amazonaws\.com", "dangerously_allow_public_suffix_wildcards"),
        (r"https://[a-z]+\.com", "dangerously_allow_public_suffix_wildcards"),
    ],
)
def test_R15_credentialed_regex_admitting_what_a_listed_origin_may_not_is_refused(regex: str, opt_in: str) -> None:
    with pytest.raises(PolicyError) as caught:
        Policy(origin_regexes=[regex], allow_credentials=True)
    [problem] = caught.value.problems
    assert isinstance(problem, InsecureConfiguration)
    assert problem.value == regex and regex in problem.message and opt_in in problem.fix
    Policy(origin_regexes=[regex])  # without credentials the same regex is a choice, not a hole
    Policy(origin_regexes=[regex], allow_credentials=True, **{opt_in: True})


@pytest.mark.parametrize("regex", [r"https://app\.example\.com", r"https://[a-z0-9-]+\.example\.com", r"https://(?:www\.)?example\.com(:[0-9]+)?"])
def test_R15_credentialed_regex_of_own_https_hosts_is_accepted(regex: str) -> None:
    Policy(origin_regexes=[regex], allow_credentials=True)


@pytest.mark.parametrize("regex", [r"https://.*example\.com", r"https://example\.com.*", r"https://[a-z]*example\.com", r"https://[a-m]+example\.com"])
def test_unanchored_label_boundary_regex_is_refused_with_or_without_credentials(regex: str) -> None:
    """``https://.*example\\.com`` admits https://evilexample.com: someone else's registrable domain."""
    for credentials in (False, True) * 20:  # the canaries hold random names: the verdict must not depend on them (R8)
        with pytest.raises(PolicyError, match="label boundary is not anchored"):
            Policy(origin_regexes=[regex], allow_credentials=credentials)


def test_R15_flask_cors_style_credentialed_regex_origins_are_refused_with_the_opt_in() -> None:
    from cors_flask import CORS
    from flask import Flask

    with pytest.raises(PolicyError, match=r"origins=.*plain-http.*dangerously_allow_insecure_origins"):
        CORS(Flask("r15"), origins=[r"https?://.*\.example\.com"], supports_credentials=True)
    with pytest.raises(PolicyError, match="dangerously_allow_credentials_with_any_origin"):
        CORS(Flask("r15"), origins=[r"https://.*"], supports_credentials=True)
    CORS(Flask("r15"), origins=[r"https?://.*\.example\.com"], supports_credentials=True, dangerously_allow_insecure_origins=True)


def test_R15_django_credentialed_origin_regexes_fail_manage_py_check() -> None:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with django_settings(None, CORS_ALLOWED_ORIGIN_REGEXES=[r"^https?://.*$"], CORS_ALLOW_CREDENTIALS=True):
        with pytest.raises(SystemCheckError) as caught:
            call_command("check")
    text = str(caught.value)
    assert "cors_django.E100" in text and "CORS_ALLOWED_ORIGIN_REGEXES" in text and "^https?://.*$" in text
    assert "dangerously_allow_credentials_with_any_origin" in text and "CORS_POLICY_OPTIONS" in text


def test_credentialed_policy_with_an_origin_check_warns_that_it_cannot_be_inspected() -> None:
    with pytest.warns(UninspectableOriginCheck, match="cannot inspect"):
        Policy(origin_check=lambda origin: True, allow_credentials=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Policy(origin_check=lambda origin: True)  # without credentials: nothing to warn about


# --- 3. a per-request signal is never cached per origin -----------------------------------------------------------


def _widget_receiver(sender: Any, request: Any, **kwargs: Any) -> bool:
    return bool(request.path_info.startswith("/widget/"))  # the documented use: CORS for some paths, any origin


@contextmanager
def _signal(receiver: Any) -> Iterator[None]:
    from cors_django.signals import check_request_enabled

    check_request_enabled.connect(receiver)
    try:
        yield
    finally:
        check_request_enabled.disconnect(receiver)


def test_signal_answer_cached_per_origin_attack_is_refused_at_start_up() -> None:
    """``origin_check_cacheable`` would let /widget/'s yes for evil.example answer /api/account: refused (E103)."""
    from django.core.exceptions import ImproperlyConfigured

    settings = {"CORS_ALLOWED_ORIGINS": [PARTNER], "CORS_ALLOW_CREDENTIALS": True, "CORS_POLICY_OPTIONS": {"origin_check_cacheable": True}}
    with _signal(_widget_receiver), django_settings(None, **settings):
        with pytest.raises(ImproperlyConfigured, match=r"origin_check_cacheable.*check_request_enabled"):
            django_app()
    per_request = lambda origin: True  # noqa: E731
    per_request.cors_per_request = True  # type: ignore[attr-defined]
    with pytest.raises(PolicyError, match="origin_check_cacheable"):
        Policy(origin_check=per_request, origin_check_cacheable=True)


def test_signal_is_asked_per_request_widget_yes_never_answers_api_account() -> None:
    settings = {"CORS_ALLOWED_ORIGINS": [PARTNER], "CORS_ALLOW_CREDENTIALS": True}
    with _signal(_widget_receiver), django_settings(None, **settings):
        app, ran = django_app()
        widget = _call(app, environ_for("GET", "/widget/embed", (("Origin", EVIL),)), ran)
        assert widget.getlist("Access-Control-Allow-Origin") == [EVIL]
        for _ in range(2):
            account = _call(app, environ_for("GET", "/api/account", (("Origin", EVIL),)), ran)
            assert account.getlist("Access-Control-Allow-Origin") == []
            assert account.getlist("Access-Control-Allow-Credentials") == []


# --- 5. smaller items ---------------------------------------------------------------------------------------------


def test_R30_signal_enabled_paths_vary_on_origin_for_every_response() -> None:
    """With CORS_URLS_REGEX and a receiver, the answer depends on Origin on every path: each response says so."""

    def partner_widget(sender: Any, request: Any, **kwargs: Any) -> bool:
        return bool(request.path_info.startswith("/widget/") and request.headers.get("Origin") == PARTNER)

    with _signal(partner_widget), django_settings(None, CORS_URLS_REGEX=r"^/api/", CORS_ALLOWED_ORIGINS=["https://app.example"]):
        app, ran = django_app()
        partner = _call(app, environ_for("GET", "/widget/x", (("Origin", PARTNER),)), ran)
        assert partner.getlist("Access-Control-Allow-Origin") == [PARTNER]
        for fields in ((("Origin", EVIL),), ()):
            answer = _call(app, environ_for("GET", "/widget/x", fields), ran)
            assert answer.getlist("Access-Control-Allow-Origin") == []
            assert "origin" in ",".join(answer.getlist("Vary")).lower(), fields
    with django_settings(None, CORS_URLS_REGEX=r"^/api/", CORS_ALLOWED_ORIGINS=["https://app.example"]):
        app, ran = django_app()  # no receiver: a path outside the regex never varies
        assert _call(app, environ_for("GET", "/widget/x", ()), ran).getlist("Vary") == []


class _SlowScanViews(dict):  # type: ignore[type-arg]
    """view_functions whose first full scan stalls until another request has been answered (a deterministic race)."""

    def __init__(self, views: dict[str, Any], release: threading.Event) -> None:
        super().__init__(views)
        self.release = release
        self.entered = threading.Event()
        self.first = True

    def values(self) -> Any:
        if self.first:
            self.first = False
            self.entered.set()
            self.release.wait(5)
        return super().values()


def test_route_scoping_publishes_its_scan_at_once_a_request_mid_scan_never_gets_the_app_policy() -> None:
    """A credentialed preflight to a stricter @cross_origin view, sent while another thread scans the views."""
    from cors_flask import CORS, cross_origin
    from flask import Flask

    app = Flask("scan")
    app.add_url_rule("/open", "open", lambda: "open")

    @app.route("/strict", methods=["GET", "PUT"])
    @cross_origin(origins=[PARTNER])
    def strict() -> str:
        return "strict"

    CORS(app, origins=[PARTNER, EVIL], supports_credentials=True, methods=["GET", "PUT"])
    state = app.extensions["cors_flask"]
    release = threading.Event()
    state._views = views = _SlowScanViews(dict(app.view_functions), release)
    client = app.test_client()
    scanner = threading.Thread(target=lambda: client.get("/open", headers={"Origin": EVIL}))
    scanner.start()
    try:
        assert views.entered.wait(5), "the scan never started: the race would not be tested"
        answers = []
        for _ in range(3):
            answers.append(client.options("/strict", headers={"Origin": EVIL, "Access-Control-Request-Method": "PUT"}))
    finally:
        release.set()
        scanner.join(10)
    for answer in answers:
        assert "Access-Control-Allow-Credentials" not in answer.headers
        assert "Access-Control-Allow-Origin" not in answer.headers


def test_flask_regex_resource_prefix_fall_through_to_a_broader_rule_warns() -> None:
    from cors_flask import CORS, ResourceFallThroughWarning
    from flask import Flask

    strict = {"origins": [PARTNER], "supports_credentials": True}
    with pytest.warns(ResourceFallThroughWarning, match=r"/api/v0/users/42 falls through to resource '/\*'") as caught:
        CORS(Flask("ft"), resources={r"/api/v[0-9]+/": strict, r"/*": {"origins": "*"}})
    assert caught[0].filename == __file__  # points at the user's own line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORS(Flask("ft"), resources={r"/api/v[0-9]+/.*": strict, r"/*": {"origins": "*"}})
    # Alone, the same regex leaves deeper paths with no CORS at all, where flask-cors applied it: warned too.
    with pytest.warns(ResourceFallThroughWarning, match=r"/api/v0/users/42 falls through to no resource \(no CORS headers\)"):
        CORS(Flask("ft"), resources={r"/api/v[0-9]+/": strict})


SUFFIXES = (
    "run.app",
    "duckdns.org",
    "eu.org",
    "azureedge.net",
    "ondigitalocean.app",
    "app.github.dev",
    "s3.us-west-2.amazonaws.com",
    "s3-website-us-east-1.amazonaws.com",
    "s3-website.eu-central-1.amazonaws.com",
    "execute-api.eu-west-1.amazonaws.com",
    "firebaseio.com",
    "com.co",
    "co.at",
)


@pytest.mark.parametrize("which", ["fallback", "publicsuffixlist"])
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_R15_credentialed_wildcard_over_a_public_suffix_is_refused(which: str, suffix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from cors_core import suffixes

    if which == "fallback":
        monkeypatch.setattr(suffixes, "_psl", lambda: None)
        assert "curated fallback" in suffixes.suffix_list_in_use()
    else:
        pytest.importorskip("publicsuffixlist")
        assert "publicsuffixlist" in suffixes.suffix_list_in_use()
    assert suffixes.is_public_suffix(suffix)
    with pytest.raises(PolicyError, match="dangerously_allow_public_suffix_wildcards"):
        Policy([f"https://*.{suffix}"], allow_credentials=True)
    escaped = re.escape(suffix)
    with pytest.raises(PolicyError, match="dangerously_allow_public_suffix_wildcards"):
        Policy(origin_regexes=[rf"https://[a-z0-9-]+\.{escaped}"], allow_credentials=True)
    assert not suffixes.is_public_suffix("example.com")
    if which == "fallback":  # (the full list has wildcard rules: under some of these, every name is a suffix too)
        assert not suffixes.is_public_suffix(f"mine.{suffix}")
