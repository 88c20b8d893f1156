"""cors_flask option handling: flask-cors names, CORS_* config keys, precedence, and the configurations we refuse."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from cors_flask import CORS, cross_origin
from cors_flask import core as fc_core
from flask import Flask

from cors_core import Policy, PolicyError, PolicySet

ORIGIN = "https://app.example.com"
OTHER = "https://other.example.com"
ACAO = "Access-Control-Allow-Origin"


def make_app(**config: Any) -> Flask:
    app = Flask("options")
    app.config.update(config)

    @app.route("/api/items", methods=["GET", "PUT"])
    def items() -> str:
        return "items"

    return app


def preflight(app: Flask, path: str = "/api/items", origin: str = ORIGIN, method: str = "PUT", headers: str | None = None) -> Any:
    h = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        h["Access-Control-Request-Headers"] = headers
    return app.test_client().options(path, headers=h)


def refusal(**options: Any) -> str:
    """The message CORS(app, **options) raises with."""
    with pytest.raises(PolicyError) as info:
        CORS(make_app(), **options)
    return str(info.value)


# --- flask-cors module shapes -------------------------------------------------------------------


def test_core_module_has_flask_cors_constants() -> None:
    assert fc_core.ACL_ORIGIN == "Access-Control-Allow-Origin"
    assert fc_core.ACL_REQUEST_HEADER_PRIVATE_NETWORK == "Access-Control-Request-Private-Network"
    assert fc_core.ALL_METHODS == ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]
    assert "CORS_SUPPORTS_CREDENTIALS" in fc_core.CONFIG_OPTIONS
    assert fc_core.re is re  # flask-cors tests use `re` through `from flask_cors.core import *`


# --- option translation ---------------------------------------------------------------------------


def test_default_options_allow_any_origin_with_star() -> None:
    """flask-cors defaults: every origin, every method of ALL_METHODS, any request header (R31: static '*')."""
    app = make_app()
    CORS(app)
    resp = preflight(app, headers="x-custom")
    assert resp.status_code == 200
    assert resp.headers[ACAO] == "*"
    assert resp.headers["Access-Control-Allow-Methods"] == "GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE"
    assert resp.headers["Access-Control-Allow-Headers"] == "x-custom"


def test_string_options_are_comma_separated_lists() -> None:
    """A str for methods / allow_headers / expose_headers is what flask-cors sends as the header value: a list."""
    app = make_app()
    CORS(app, origins=ORIGIN, methods="get, put", allow_headers="Content-Type, X-Token", expose_headers="X-B, X-A")
    resp = preflight(app, headers="content-type,x-token")
    assert resp.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert resp.headers["Access-Control-Allow-Headers"] == "content-type, x-token"
    actual = app.test_client().get("/api/items", headers={"Origin": ORIGIN})
    assert actual.headers["Access-Control-Expose-Headers"] == "X-A, X-B"  # sorted, as flask-cors sends them


@pytest.mark.parametrize("max_age", [600, "600", timedelta(minutes=10)])
def test_max_age_int_str_or_timedelta(max_age: Any) -> None:
    app = make_app()
    CORS(app, origins=[ORIGIN], max_age=max_age)
    assert preflight(app).headers["Access-Control-Max-Age"] == "600"


def test_max_age_zero_is_sent() -> None:
    """flask-cors drops a falsy max_age; 0 (no preflight caching) is a real value (Fetch: CORS-preflight cache)."""
    app = make_app()
    CORS(app, origins=[ORIGIN], max_age=0)
    assert preflight(app).headers["Access-Control-Max-Age"] == "0"


def test_methods_star_allows_any_method() -> None:
    """methods=['*']: flask-cors's substring test never matches it; we echo the requested method (R18)."""
    app = make_app()
    CORS(app, origins=[ORIGIN], methods=["*"])
    resp = preflight(app, method="PURGE")
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Methods"] == "PURGE"


@pytest.mark.parametrize("credentials", [False, True])
def test_default_star_allow_headers_allows_authorization_echoed_by_name(credentials: bool) -> None:
    """flask-cors's allow_headers='*' (its default) echoes every requested name, Authorization included (R14, R21).

    The issue-12 bearer-token case: resources + supports_credentials + the default allow_headers.
    """
    app = make_app()
    CORS(app, resources={r"/api/*": {"origins": [ORIGIN]}}, supports_credentials=credentials)
    allowed = preflight(app, headers="authorization,x-token")
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Headers"] == "authorization, x-token"  # by name, never '*'
    assert allowed.headers.get("Access-Control-Allow-Credentials") == ("true" if credentials else None)
    for spelled in (["*"], "*", [".*"], ["*", "Content-Type"]):
        app2 = make_app()
        CORS(app2, origins=[ORIGIN], allow_headers=spelled)
        assert preflight(app2, headers="Authorization").headers["Access-Control-Allow-Headers"] == "Authorization"
    named = make_app()
    CORS(named, origins=[ORIGIN], allow_headers=["Content-Type"])
    assert preflight(named, headers="authorization").headers.get("Access-Control-Allow-Headers") != "authorization"


def test_private_network_only_on_preflight_and_never_false() -> None:
    """R26: Allow-Private-Network: true on an allowed preflight that asked; never the meaningless 'false'."""
    on, off = make_app(), make_app()
    CORS(on, origins=[ORIGIN], allow_private_network=True)
    CORS(off, origins=[ORIGIN])
    pna = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Private-Network": "true"}
    assert on.test_client().options("/api/items", headers=pna).headers["Access-Control-Allow-Private-Network"] == "true"
    assert "Access-Control-Allow-Private-Network" not in off.test_client().options("/api/items", headers=pna).headers
    simple = on.test_client().get("/api/items", headers={"Origin": ORIGIN, "Access-Control-Request-Private-Network": "true"})
    assert "Access-Control-Allow-Private-Network" not in simple.headers


def test_origin_pattern_language_is_used_for_star_dot() -> None:
    """'https://*.example.com' is the core's subdomain pattern, not flask-cors's accidental regex."""
    app = make_app()
    CORS(app, origins=["https://*.example.com"])
    client = app.test_client()
    assert client.get("/api/items", headers={"Origin": "https://a.b.example.com"}).headers[ACAO] == "https://a.b.example.com"
    assert ACAO not in client.get("/api/items", headers={"Origin": "https://example.com.evil.net"}).headers
    assert ACAO not in client.get("/api/items", headers={"Origin": "http://a.example.com"}).headers


def test_regex_origins_are_full_matched() -> None:
    """flask-cors uses re.match (a prefix); we full-match, so a suffix cannot be appended (R8)."""
    app = make_app()
    CORS(app, origins=[r"https://[a-z]+\.example\.com", re.compile(r"https://api\.example\.org")])
    client = app.test_client()
    assert client.get("/api/items", headers={"Origin": "https://app.example.com"}).headers[ACAO] == "https://app.example.com"
    assert client.get("/api/items", headers={"Origin": "https://api.example.org"}).headers[ACAO] == "https://api.example.org"
    assert ACAO not in client.get("/api/items", headers={"Origin": "https://app.example.com.evil.net"}).headers
    assert ACAO not in client.get("/api/items", headers={"Origin": "https://api.example.org.evil.net"}).headers


def test_the_usual_any_depth_subdomain_regex_is_accepted_as_flask_cors_users_write_it() -> None:  # R8
    """([a-z0-9-]+\\.)+ nests a repetition but cannot backtrack across rounds (each ends at its '.'): not a ReDoS."""
    app = make_app()
    CORS(app, origins=[r"^https://([a-z0-9-]+\.)+example\.com$"], supports_credentials=True)
    client = app.test_client()
    for origin in ("https://a.example.com", "https://a.b-c.example.com"):
        assert client.get("/api/items", headers={"Origin": origin}).headers[ACAO] == origin
    for origin in ("https://example.com", "https://a.example.com.evil.net", "http://a.example.com", "https://a..example.com"):
        assert ACAO not in client.get("/api/items", headers={"Origin": origin}).headers


def test_star_anywhere_in_origins_means_every_origin() -> None:
    app = make_app()
    CORS(app, origins=[ORIGIN, "*"])
    assert app.test_client().get("/api/items", headers={"Origin": OTHER}).headers[ACAO] == "*"


# --- app.config keys and precedence ---------------------------------------------------------------


def test_config_keys_are_read() -> None:
    app = make_app(CORS_ORIGINS=[ORIGIN], CORS_SUPPORTS_CREDENTIALS=True, CORS_MAX_AGE=60, CORS_EXPOSE_HEADERS=["X-Total"])
    CORS(app)
    resp = preflight(app)
    assert resp.headers[ACAO] == ORIGIN
    assert resp.headers["Access-Control-Allow-Credentials"] == "true"
    assert resp.headers["Access-Control-Max-Age"] == "60"
    assert app.test_client().get("/api/items", headers={"Origin": ORIGIN}).headers["Access-Control-Expose-Headers"] == "X-Total"


def test_config_resources_key() -> None:
    app = make_app(CORS_RESOURCES={"/api/*": {"origins": [ORIGIN]}})
    CORS(app)
    assert app.test_client().get("/api/items", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in app.test_client().get("/other", headers={"Origin": ORIGIN}).headers


def test_precedence_resource_over_kwargs_over_config_over_defaults() -> None:
    app = make_app(CORS_ORIGINS=[OTHER], CORS_MAX_AGE=10, CORS_METHODS=["PUT"])
    CORS(app, max_age=20, resources={"/api/*": {"origins": [ORIGIN]}})
    resp = preflight(app)
    assert resp.headers[ACAO] == ORIGIN  # resource level beats config
    assert resp.headers["Access-Control-Max-Age"] == "20"  # kwargs beat config
    assert resp.headers["Access-Control-Allow-Methods"] == "PUT"  # config beats defaults
    assert preflight(app, origin=OTHER).status_code == 403


def test_init_app_kwargs_beat_constructor_kwargs() -> None:
    app = make_app()
    ext = CORS(origins=[OTHER], max_age=5)
    ext.init_app(app, origins=[ORIGIN])
    resp = preflight(app)
    assert resp.headers[ACAO] == ORIGIN
    assert resp.headers["Access-Control-Max-Age"] == "5"


def test_decorator_reads_app_config() -> None:
    app = Flask("deco-config")
    app.config["CORS_ORIGINS"] = [ORIGIN]

    @app.route("/x")
    @cross_origin(max_age=30)
    def x() -> str:
        return "x"

    client = app.test_client()
    assert client.get("/x", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/x", headers={"Origin": OTHER}).headers
    pre = client.options("/x", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert pre.headers["Access-Control-Max-Age"] == "30"


# --- native policies ------------------------------------------------------------------------------


def test_native_policy_and_policy_set() -> None:
    app = make_app()
    CORS(app, policy=PolicySet({"/api/*": Policy([ORIGIN], allow_methods=["PUT"])}))
    assert preflight(app).headers["Access-Control-Allow-Methods"] == "PUT"
    with pytest.raises(TypeError, match="takes no other options"):
        CORS(make_app(), policy=Policy("*"), origins=[ORIGIN])
    with pytest.raises(TypeError, match="Policy or PolicySet"):
        CORS(make_app(), policy={"origins": "*"})  # type: ignore[arg-type]


def test_cross_origin_with_native_policy() -> None:
    app = Flask("native-deco")

    @app.route("/n")
    @cross_origin(policy=Policy([ORIGIN], allow_credentials=True))
    def n() -> str:
        return "n"

    resp = app.test_client().get("/n", headers={"Origin": ORIGIN})
    assert resp.headers[ACAO] == ORIGIN
    assert resp.headers["Access-Control-Allow-Credentials"] == "true"


# --- refused configurations -----------------------------------------------------------------------


def test_credentials_with_default_origins_is_refused() -> None:
    """flask-cors reflects every origin with credentials here (R14); we refuse and say what to write."""
    message = refusal(supports_credentials=True)
    assert "supports_credentials=True with every origin allowed" in message
    assert "origins=['https://app.example.com']" in message


def test_regex_with_unescaped_dot_is_refused() -> None:
    message = refusal(origins=[r"https?://.*.example.com"])
    assert "unescaped '.'" in message
    assert r"escape it as '\.'" in message


def test_regex_in_allow_headers_is_refused() -> None:
    message = refusal(allow_headers=[r"X-COMPANY-.*"])
    assert "allow_headers" in message and "regular expressions are not supported" in message


def test_string_flag_is_refused() -> None:
    message = refusal(origins=[ORIGIN], supports_credentials="false")
    assert "supports_credentials='false'" in message


def test_unknown_option_is_refused() -> None:
    with pytest.raises(TypeError, match="supports_credential"):
        CORS(make_app(), supports_credential=True)
    with pytest.raises(TypeError, match="orgins"):
        cross_origin(orgins=[ORIGIN])


def test_resources_of_wrong_type_raise_value_error() -> None:
    with pytest.raises(ValueError, match="resources"):
        CORS(make_app(), resources=5)


def test_problems_of_every_resource_are_reported_together() -> None:
    message = refusal(resources={"/a/*": {"origins": ["example.com"]}, "/b/*": {"methods": ["TRACE"]}})
    assert "(resource '/a/*')" in message and "(resource '/b/*')" in message
    assert "2 problem(s)" in message


def test_credentials_with_plain_http_origin_is_refused() -> None:
    """R15: an http: origin with credentials can be read by anyone on the network path."""
    assert "plain-http origin" in refusal(origins=["http://app.example.com"], supports_credentials=True)


def test_decorator_refusal_decided_by_its_own_options_raises_when_decorating() -> None:
    """R15: origins='*' and supports_credentials=True in the decorator itself: no app config can save it."""
    with pytest.raises(PolicyError, match=r"origins \(in @cross_origin\).*supports_credentials=True with every origin allowed"):
        cross_origin(origins="*", supports_credentials=True)
    with pytest.raises(PolicyError, match="expose_headers"):
        cross_origin(origins=[ORIGIN], supports_credentials=True, expose_headers="*")
    cross_origin(supports_credentials=True)  # app.config may still list the origins: not decided yet


def test_decorator_refusal_raises_at_cors_app_for_views_registered_by_then() -> None:
    app = Flask("deco-then-cors")

    @app.route("/d")
    @cross_origin(supports_credentials=True)
    def d() -> str:
        return "d"

    with pytest.raises(PolicyError, match=r"@cross_origin on .*d\).*every origin allowed"):
        CORS(app, resources={"/other/*": {"origins": [ORIGIN]}})
    fixed = Flask("deco-then-cors-fixed")
    fixed.config["CORS_ORIGINS"] = [ORIGIN]
    fixed.route("/d")(cross_origin(supports_credentials=True)(lambda: "d"))
    CORS(fixed, resources={"/other/*": {"origins": [ORIGIN]}})
    assert fixed.test_client().get("/d", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN


def test_decorator_refusal_found_at_first_request_is_logged_once_at_error(caplog: pytest.LogCaptureFixture) -> None:
    """Without CORS(app) the config is complete only at the first request: log every problem once, at ERROR."""
    app = Flask("deco-refused")

    @app.route("/d")
    @cross_origin(supports_credentials=True)
    def d() -> str:
        return "d"

    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="cors_core.flask"):
        assert client.get("/d", headers={"Origin": ORIGIN}).status_code == 500
        assert client.get("/d", headers={"Origin": ORIGIN}).status_code == 500
    ours = [r for r in caplog.records if r.name == "cors_core.flask"]
    assert len(ours) == 1 and ours[0].levelno == logging.ERROR
    assert "supports_credentials" in ours[0].getMessage() and "origins=['https://app.example.com']" in ours[0].getMessage()


def test_misspelt_config_key_with_decorator_alone_is_logged_once_and_ignored(caplog: pytest.LogCaptureFixture) -> None:
    """Migration guide D10, for @cross_origin without CORS(app): no point of start-up sees the complete app.config, and a
    misspelt key must not answer 500 to every request of the view. It is logged once per app at WARNING, and the views
    are served with the keys flask-cors reads (it ignores the misspelt one: credentials stay off, R13)."""
    app = Flask("deco-misspelt")
    app.config.update(CORS_SUPPORT_CREDENTIALS=True, CORS_ORIGINS=[ORIGIN])

    @app.route("/a")
    @cross_origin()
    def a() -> str:
        return "a"

    @app.route("/b")
    @cross_origin(origins=[OTHER])
    def b() -> str:
        return "b"

    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="cors_core.flask"):
        assert client.get("/a").status_code == 200  # R2: no Origin, no CORS, and no 500 either
        allowed = client.get("/a", headers={"Origin": ORIGIN})
        assert allowed.status_code == 200 and allowed.headers[ACAO] == ORIGIN  # CORS_ORIGINS is read
        assert "Access-Control-Allow-Credentials" not in allowed.headers  # CORS_SUPPORT_CREDENTIALS is not
        other = client.get("/b", headers={"Origin": OTHER})
        assert other.status_code == 200 and other.headers[ACAO] == OTHER  # the decorator's options still win
        assert client.get("/a", headers={"Origin": ORIGIN}).status_code == 200
    ours = [r for r in caplog.records if r.name == "cors_core.flask"]
    assert len(ours) == 1 and ours[0].levelno == logging.WARNING
    assert "app.config['CORS_SUPPORT_CREDENTIALS']" in ours[0].getMessage()
    assert "did you mean CORS_SUPPORTS_CREDENTIALS?" in ours[0].getMessage()


def test_misspelt_config_key_is_still_an_error_when_cors_app_sees_the_decorated_views() -> None:
    """D10: with CORS(app) the configuration is complete at start-up, so the misspelling is refused there."""
    app = Flask("deco-misspelt-cors")
    app.config["CORS_SUPPORT_CREDENTIALS"] = True
    app.route("/a")(cross_origin(origins=[ORIGIN])(lambda: "a"))
    with pytest.raises(PolicyError, match=r"did you mean CORS_SUPPORTS_CREDENTIALS\?"):
        CORS(app, resources={"/other/*": {"origins": [ORIGIN]}})


def test_R2_R31_any_origin_answers_star_unless_send_wildcard_and_always_send_are_both_off() -> None:
    """Default: a static '*' for every request (R31). send_wildcard=False + always_send=False: echo, nothing without Origin."""
    app = make_app()
    CORS(app)
    client = app.test_client()
    assert client.get("/api/items").headers[ACAO] == "*"
    assert client.get("/api/items", headers={"Origin": ORIGIN}).headers[ACAO] == "*"

    w3 = make_app()
    CORS(w3, send_wildcard=False, always_send=False)
    client = w3.test_client()
    bare = client.get("/api/items")
    assert ACAO not in bare.headers and bare.headers["Vary"] == "Origin"  # R2, R30
    echoed = client.get("/api/items", headers={"Origin": ORIGIN})
    assert echoed.headers[ACAO] == ORIGIN and echoed.headers["Vary"] == "Origin"  # R10, R30


@pytest.mark.parametrize(
    ("key", "known"),
    [
        ("CORS_SUPPORT_CREDENTIALS", "CORS_SUPPORTS_CREDENTIALS"),
        ("CORS_ORIGIN", "CORS_ORIGINS"),
        ("CORS_ALLOW_HEADER", "CORS_ALLOW_HEADERS"),
        ("CORS_ALLOW_CREDENTIALS", "CORS_SUPPORTS_CREDENTIALS"),
    ],
)
def test_misspelt_config_key_is_an_error_at_cors_app(key: str, known: str) -> None:
    """flask-cors ignores unknown keys silently (credentials stay off); we say which key was meant."""
    app = make_app()
    app.config[key] = True if "CREDENTIAL" in key else [ORIGIN]
    with pytest.raises(PolicyError, match=rf"app.config\['{key}'\].*did you mean {known}\?"):
        CORS(app)


def test_unrelated_cors_keys_are_left_alone() -> None:
    """Other extensions own CORS_* names too; CORS_HEADERS is in many tutorials and means nothing to anyone."""
    app = make_app()
    app.config.update(CORS_HEADERS="Content-Type", CORS_ENABLED=True, CORS_POLICY_NAME="x")
    CORS(app, origins=[ORIGIN])
    assert preflight(app).status_code == 200
