"""cors_flask on real Flask apps through the test client: preflights, errors, auth, resources, blueprints, decorator."""

from __future__ import annotations

import re
from typing import Any

import pytest
from cors_flask import CORS, cross_origin
from flask import Blueprint, Flask, Response, abort, request

ORIGIN = "https://app.example.com"
OTHER = "https://other.example.com"
ACAO = "Access-Control-Allow-Origin"
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}


def api_app(**cors: Any) -> Flask:
    """An app with a GET-only route, a route without automatic OPTIONS, failing routes, and an auth hook."""
    app = Flask("requests")

    @app.before_request
    def require_token() -> Any:  # an auth layer that rejects anything without a token
        if request.headers.get("X-Token") != "secret":
            return Response("unauthorized", status=401)
        return None

    @app.route("/api/items")
    def items() -> str:
        return "items"

    @app.route("/api/no-options", methods=["GET"], provide_automatic_options=False)
    def no_options() -> str:
        return "no options"

    @app.route("/api/missing")
    def missing() -> str:
        abort(404)

    @app.route("/api/crash")
    def crash() -> str:
        raise RuntimeError("boom")

    @app.route("/public")
    def public() -> str:
        return "public"

    CORS(app, **(cors or {"resources": {"/api/*": {"origins": [ORIGIN], "methods": ["GET", "PUT"]}}}))
    return app


def token(**extra: str) -> dict[str, str]:
    return {"X-Token": "secret", "Origin": ORIGIN, **extra}


# --- preflights -----------------------------------------------------------------------------------


def test_preflight_answered_before_auth_before_request() -> None:
    """R16: a preflight carries no credentials; the auth hook must not see it (it would answer 401)."""
    resp = api_app().test_client().options("/api/items", headers=PREFLIGHT)
    assert resp.status_code == 200
    assert resp.headers[ACAO] == ORIGIN
    assert resp.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert resp.data == b""


def test_preflight_for_route_without_options() -> None:
    """A route with provide_automatic_options=False would answer 405 to OPTIONS; the preflight is still answered."""
    resp = api_app().test_client().options("/api/no-options", headers=PREFLIGHT)
    assert resp.status_code == 200
    assert resp.headers[ACAO] == ORIGIN


def test_preflight_for_unrouted_path_inside_resource_then_real_404_is_readable() -> None:
    """The browser gets its preflight answered, then can read the real 404 of the actual request."""
    client = api_app().test_client()
    assert client.options("/api/does-not-exist", headers=PREFLIGHT).status_code == 200
    actual = client.put("/api/does-not-exist", headers=token())
    assert actual.status_code == 404
    assert actual.headers[ACAO] == ORIGIN
    assert actual.headers["Vary"] == "Origin"


def test_path_is_read_as_flask_reads_it() -> None:
    """A client may send a PATH_INFO without its leading '/'; Flask routes it as '/api/...', so does the resource."""
    resp = api_app().test_client().get("api/missing", headers=token())
    assert resp.status_code == 404
    assert resp.headers[ACAO] == ORIGIN


def test_refused_preflight_is_403_without_cors_headers() -> None:
    """R17/R23: a preflight from a refused origin gets no Allow-* headers, only Vary."""
    client = api_app().test_client()
    resp = client.options("/api/items", headers={"Origin": OTHER, "Access-Control-Request-Method": "PUT"})
    assert resp.status_code == 403
    assert ACAO not in resp.headers
    assert "Origin" in resp.headers["Vary"]
    resp = client.options("/api/items", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"})
    # R23 revised: the origin is allowed, the method is not: an ok answer that does not list DELETE
    assert 200 <= resp.status_code <= 299 and resp.headers[ACAO] == ORIGIN
    assert "DELETE" not in resp.headers["Access-Control-Allow-Methods"].split(", ")


def test_options_without_request_method_is_not_a_preflight() -> None:
    """R1: OPTIONS without Access-Control-Request-Method reaches the app (here: the auth hook)."""
    resp = api_app().test_client().options("/api/items", headers={"Origin": ORIGIN})
    assert resp.status_code == 401
    assert resp.headers[ACAO] == ORIGIN


def test_path_outside_resources_is_untouched() -> None:
    resp = api_app().test_client().options("/public", headers=PREFLIGHT)
    assert ACAO not in resp.headers
    assert "Vary" not in resp.headers


# --- error responses ------------------------------------------------------------------------------


def test_error_responses_carry_cors_headers() -> None:
    """CORS headers on 401 from a before_request, 404 from abort(), 405 from routing, 500 from an exception."""
    client = api_app().test_client()
    assert client.get("/api/items", headers={"Origin": ORIGIN}).status_code == 401
    assert client.get("/api/items", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    for method, path, status in (("get", "/api/missing", 404), ("post", "/api/items", 405), ("get", "/api/crash", 500)):
        resp = getattr(client, method)(path, headers=token())
        assert resp.status_code == status, path
        assert resp.headers[ACAO] == ORIGIN, path


def test_error_handler_response_gets_headers() -> None:
    app = api_app()

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[str, int]:
        return "custom", 404

    resp = app.test_client().get("/api/missing", headers=token())
    assert resp.data == b"custom"
    assert resp.headers[ACAO] == ORIGIN


def test_refused_origin_gets_vary_but_no_grant() -> None:
    """R23/R30: a refused actual request still gets Vary: Origin, so caches keep answers apart."""
    resp = api_app().test_client().get("/api/items", headers={"X-Token": "secret", "Origin": OTHER})
    assert resp.status_code == 200
    assert ACAO not in resp.headers
    assert resp.headers["Vary"] == "Origin"


# --- response header handling ---------------------------------------------------------------------


def test_app_vary_is_merged_into_one_field() -> None:
    app = Flask("vary")

    @app.route("/v")
    def v() -> Response:
        return Response("v", headers=[("Vary", "Accept-Encoding"), ("Vary", "origin")])

    CORS(app, origins=[ORIGIN])
    resp = app.test_client().get("/v", headers={"Origin": ORIGIN})
    assert resp.headers.getlist("Vary") == ["Accept-Encoding, origin"]


def test_app_set_cors_header_is_replaced() -> None:
    """Exactly one Access-Control-Allow-Origin: the one the policy decides."""
    app = Flask("replace")

    @app.route("/r")
    def r() -> Response:
        return Response("r", headers={ACAO: "*", "Access-Control-Allow-Credentials": "true"})

    CORS(app, origins=[ORIGIN])
    resp = app.test_client().get("/r", headers={"Origin": OTHER})
    assert resp.headers.getlist(ACAO) == []
    assert "Access-Control-Allow-Credentials" not in resp.headers


def test_repeated_app_headers_survive() -> None:
    app = Flask("cookies")

    @app.route("/c")
    def c() -> Response:
        resp = Response("c")
        resp.headers.add("Set-Cookie", "a=1")
        resp.headers.add("Set-Cookie", "b=2")
        return resp

    CORS(app, origins=[ORIGIN])
    assert app.test_client().get("/c", headers={"Origin": ORIGIN}).headers.getlist("Set-Cookie") == ["a=1", "b=2"]


# --- resources: the flask-cors CVE classes --------------------------------------------------------


def resource_app(resources: Any) -> Flask:
    app = Flask("resources")

    @app.route("/<path:anything>")
    def anything(anything: str) -> str:
        return anything

    CORS(app, resources=resources, origins=[ORIGIN])
    return app


def allowed(app: Flask, path: str, origin: str) -> bool:
    return app.test_client().get(path, headers={"Origin": origin}).headers.get(ACAO) == origin


def test_path_rules_are_case_sensitive() -> None:
    """CVE-2024-6839 class: '/API/x' is another resource than '/api/x' (URL paths are case-sensitive)."""
    app = resource_app({"/api/*": {"origins": [ORIGIN]}})
    assert allowed(app, "/api/x", ORIGIN)
    assert not allowed(app, "/API/x", ORIGIN)


def test_plus_in_path_is_not_a_space() -> None:
    """CVE-2024-6844 class: '+' is not decoded to ' ' before matching."""
    app = resource_app({"/a+b": {"origins": [ORIGIN]}, "/a b": {"origins": [OTHER]}})
    assert allowed(app, "/a+b", ORIGIN)
    assert not allowed(app, "/a+b", OTHER)
    assert allowed(app, "/a%20b", OTHER)
    assert not allowed(app, "/a%20b", ORIGIN)


def test_no_double_percent_decoding() -> None:
    """flask-cors unquotes request.path again: '/a%2520b' would become '/a b'. We match the path once decoded."""
    app = resource_app({"/a b": {"origins": [ORIGIN]}})
    assert not allowed(app, "/a%2520b", ORIGIN)


def test_more_specific_prefix_wins_over_shorter_one() -> None:
    """CVE-2024-6866 class: the longest prefix decides, whatever the dict order or pattern length."""
    app = resource_app({"/api/*": {"origins": [OTHER]}, "/api/admin/*": {"origins": [ORIGIN]}})
    assert allowed(app, "/api/admin/users", ORIGIN)
    assert not allowed(app, "/api/admin/users", OTHER)
    assert allowed(app, "/api/users", OTHER)


def test_specific_regex_wins_over_longer_regex() -> None:
    """CVE-2024-6839 class: a more specific pattern (more path segments) beats a longer but broader one."""
    app = resource_app({r"/api/[a-z0-9_-]+/.*": {"origins": [OTHER]}, r"/api/v1/.*": {"origins": [ORIGIN]}})
    assert allowed(app, "/api/v1/users", ORIGIN)
    assert not allowed(app, "/api/v1/users", OTHER)
    assert allowed(app, "/api/v2/users", OTHER)


def test_exact_path_wins_over_patterns() -> None:
    app = resource_app({r"/api/.*": {"origins": [OTHER]}, "/api/special": {"origins": [ORIGIN]}})
    assert allowed(app, "/api/special", ORIGIN)
    assert allowed(app, "/api/other", OTHER)


def test_prefix_glob_is_segment_bounded() -> None:
    """'/api/*' means /api and below, not '/apiary' (flask-cors's re.match('/api/*') matches '/apiary')."""
    app = resource_app(r"/api/*")
    assert allowed(app, "/api", ORIGIN)
    assert allowed(app, "/api/v1/x", ORIGIN)
    assert not allowed(app, "/apiary", ORIGIN)


def test_regex_resources_are_full_matched() -> None:
    from cors_flask import ResourceFallThroughWarning

    with pytest.warns(ResourceFallThroughWarning, match="falls through to no resource"):  # D15: flask-cors matched a prefix
        app = resource_app([re.compile(r"/v[0-9]+/items")])
    assert allowed(app, "/v2/items", ORIGIN)
    assert not allowed(app, "/v2/items/secret", ORIGIN)


def test_lone_regex_resource_warns_that_deeper_paths_get_no_cors() -> None:
    """Migration guide D15: flask-cors applied r'/api/v[0-9]+/' to /api/v1/users (re.match); full-matched here, that path
    gets no CORS headers at all, which CORS() says when it is installed, with the pattern that covers deeper paths."""
    from cors_flask import ResourceFallThroughWarning

    app = Flask("lone-regex")
    app.route("/api/v1/")(lambda: "v1")
    app.add_url_rule("/api/v1/users", "users", lambda: "users")
    with pytest.warns(ResourceFallThroughWarning, match=r"falls through to no resource .*write '/api/v\[0-9\]\+/\.\*'"):
        CORS(app, resources={r"/api/v[0-9]+/": {"origins": [ORIGIN]}})
    client = app.test_client()
    assert client.get("/api/v1/", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/api/v1/users", headers={"Origin": ORIGIN}).headers


def test_dot_segments_do_not_escape_a_resource() -> None:
    app = resource_app({"/public/*": {"origins": [OTHER]}, "/private/*": {"origins": [ORIGIN]}})
    assert not allowed(app, "/public/../private/x", OTHER)


# --- blueprints -----------------------------------------------------------------------------------


def blueprint_app(via_init_app: bool) -> Flask:
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    if via_init_app:
        CORS(origins=[ORIGIN]).init_app(bp)
    else:
        CORS(bp, origins=[ORIGIN])

    @bp.route("/items", methods=["GET"], provide_automatic_options=False)
    def items() -> str:
        return "items"

    app = Flask("blueprints")

    @app.route("/outside")
    def outside() -> str:
        return "outside"

    app.register_blueprint(bp)
    return app


@pytest.mark.parametrize("via_init_app", [False, True])
def test_blueprint_scope(via_init_app: bool) -> None:
    client = blueprint_app(via_init_app).test_client()
    assert client.get("/bp/items", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert client.options("/bp/items", headers=PREFLIGHT).status_code == 200  # route without OPTIONS
    assert client.options("/bp/nothing", headers=PREFLIGHT).status_code == 200  # unrouted, under the prefix
    assert client.put("/bp/items", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN  # 405 of the blueprint
    assert ACAO not in client.get("/outside", headers={"Origin": ORIGIN}).headers
    assert ACAO not in client.options("/outside", headers=PREFLIGHT).headers


def test_blueprint_reads_app_config_at_registration() -> None:
    bp = Blueprint("cfg", __name__)
    CORS(bp)

    @bp.route("/cfg")
    def cfg() -> str:
        return "cfg"

    app = Flask("bp-config")
    app.config["CORS_ORIGINS"] = [ORIGIN]
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/cfg", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/cfg", headers={"Origin": OTHER}).headers


# --- decorator ------------------------------------------------------------------------------------


def decorated_app(with_extension: bool) -> Flask:
    app = Flask("decorated")

    @app.before_request
    def require_token() -> Any:
        if request.headers.get("X-Token") != "secret":
            return Response("unauthorized", status=401)
        return None

    @app.route("/special", methods=["GET", "PUT"])
    @cross_origin(origins=[ORIGIN], methods=["PUT"], max_age=60)
    def special() -> str:
        return "special"

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    if with_extension:
        CORS(app, origins=[OTHER])
    return app


def test_decorator_alone() -> None:
    client = decorated_app(False).test_client()
    actual = client.get("/special", headers=token())
    assert actual.headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/plain", headers=token()).headers
    assert ACAO not in client.get("/special", headers={"X-Token": "secret", "Origin": OTHER}).headers


def test_decorator_alone_answers_options_itself() -> None:
    """Without CORS(app), the decorated view answers its preflights (after before_request hooks, as in flask-cors)."""
    app = Flask("alone")

    @app.route("/d")
    @cross_origin(origins=[ORIGIN])
    def d() -> str:
        raise AssertionError("a preflight must not run the view")

    resp = app.test_client().options("/d", headers=PREFLIGHT)
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Methods"] == "GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE"
    options = app.test_client().options("/d", headers={"Origin": ORIGIN})  # not a preflight: Flask's OPTIONS answer
    assert options.status_code == 200
    assert options.headers[ACAO] == ORIGIN


def test_decorator_wins_over_extension_and_runs_before_auth() -> None:
    client = decorated_app(True).test_client()
    resp = client.options("/special", headers=PREFLIGHT)  # no token: answered before the auth hook
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Methods"] == "PUT"
    assert resp.headers["Access-Control-Max-Age"] == "60"
    assert client.get("/special", headers=token()).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/special", headers={"X-Token": "secret", "Origin": OTHER}).headers
    assert client.get("/plain", headers={"X-Token": "secret", "Origin": OTHER}).headers[ACAO] == OTHER
    assert client.delete("/special", headers=token()).headers[ACAO] == ORIGIN  # its 405 follows its own policy


def test_decorated_view_under_cors_app_leaves_the_headers_to_the_layer() -> None:
    """With CORS(app), the layer decides a @cross_origin view's requests once and applies the headers (R11: one ACAO)."""
    from cors_flask._decorator import ENVIRON_KEY

    app = Flask("layer-decides")
    seen: list[bool] = []

    @app.route("/d")
    @cross_origin(origins=[ORIGIN])
    def d() -> str:
        seen.append(ENVIRON_KEY in request.environ)
        return "d"

    CORS(app, origins=[OTHER])
    for headers in ({"Origin": ORIGIN}, {"Origin": OTHER}, {}):
        resp = app.test_client().get("/d", headers=headers)
        assert resp.headers.getlist(ACAO) == ([ORIGIN] if headers.get("Origin") == ORIGIN else [])
    assert seen == [True, True, True]


def test_decorator_automatic_options_false_leaves_options_to_flask() -> None:
    app = Flask("no-auto")

    @app.route("/n")
    @cross_origin(origins=[ORIGIN], automatic_options=False)
    def n() -> str:
        return "n"

    resp = app.test_client().options("/n", headers={"Origin": ORIGIN})
    assert resp.status_code == 200
    assert ACAO not in resp.headers
    assert app.test_client().get("/n", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN


def test_async_view_under_decorator() -> None:
    pytest.importorskip("asgiref")
    app = Flask("async")

    @app.route("/a")
    @cross_origin(origins=[ORIGIN])
    async def a() -> str:
        return "async"

    resp = app.test_client().get("/a", headers={"Origin": ORIGIN})
    assert resp.data == b"async"
    assert resp.headers[ACAO] == ORIGIN


# --- a real server ---------------------------------------------------------------------------------


def test_real_server_preflight_error_and_stream(serve: Any, fetch: Any) -> None:
    """Through werkzeug's server on 127.0.0.1: preflight before auth, a streamed body, a 500 with CORS headers."""
    app = api_app()

    @app.route("/api/stream")
    def stream() -> Response:
        return Response((f"chunk{i}\n" for i in range(3)), mimetype="text/plain")

    port = serve(app)
    pre = fetch(port, "OPTIONS", "/api/no-options", list(PREFLIGHT.items()))
    assert pre.status == 200
    assert pre.get(ACAO) == ORIGIN
    streamed = fetch(port, "GET", "/api/stream", list(token().items()))
    assert streamed.status == 200
    assert streamed.body == b"chunk0\nchunk1\nchunk2\n"
    assert streamed.getlist(ACAO) == [ORIGIN]
    crashed = fetch(port, "GET", "/api/crash", list(token().items()))
    assert crashed.status == 500
    assert crashed.get(ACAO) == ORIGIN
