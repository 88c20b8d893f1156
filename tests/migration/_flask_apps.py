"""The Flask side of the migration corpus: 27 apps written the way flask-cors users write them.

Each ``build(lib, o)`` writes one app with ``lib.CORS`` / ``lib.cross_origin`` (flask_cors or
cors_flask: the one-import migration) for the page origins ``o``. Shapes come from flask-cors's
README and docs (app-wide, ``resources``, ``@cross_origin``, ``app.config`` keys, blueprints, app
factories with ``init_app``) and from common tutorials (auth hooks, error handlers, files, streams).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, abort, jsonify, request, send_file, stream_with_context

from ._harness import CREDENTIALED_CALLS, DEFAULT_CALLS, TOKEN, Config, Differ, Origins, registry

GUIDE = "migrating-from-flask-cors.md"


def add_api(target: Flask | Blueprint, prefix: str = "/api", cross_origin: Any = None, **view_options: Any) -> None:
    """The app's API views; with *cross_origin*, each decorated with ``cross_origin(**view_options)``."""

    def deco(view: Any) -> Any:
        return cross_origin(**view_options)(view) if cross_origin is not None else view

    @target.route(f"{prefix}/items", methods=["GET", "POST"])
    @deco
    def items() -> Any:
        if request.method == "POST":
            return jsonify(created=request.get_json(silent=True)), 201
        response = jsonify(items=["a", "b"])
        response.headers["X-Total-Count"] = "2"
        return response

    @target.route(f"{prefix}/items/<int:item_id>", methods=["PUT", "DELETE"])
    @deco
    def item(item_id: int) -> Any:
        return jsonify(id=item_id, method=request.method, custom=request.headers.get("X-Custom"))

    @target.route(f"{prefix}/me")
    @deco
    def me() -> Any:
        if request.headers.get("Authorization") != TOKEN:
            return jsonify(error="unauthorized"), 401
        return jsonify(user="ada")

    @target.route(f"{prefix}/boom")
    @deco
    def boom() -> Any:
        raise RuntimeError("view failed")

    @target.route(f"{prefix}/stream")
    @deco
    def stream() -> Any:
        def chunks() -> Iterator[str]:
            yield "one;"
            yield "two;"

        return Response(stream_with_context(chunks()), mimetype="text/plain")

    @target.route(f"{prefix}/file")
    @deco
    def file() -> Any:
        return send_file(io.BytesIO(b"file-bytes"), mimetype="application/octet-stream", download_name="f.bin")

    @target.route(f"{prefix}/forbidden")
    @deco
    def forbidden() -> Any:
        abort(403)


def new_app(name: str) -> Flask:
    app = Flask(name)
    app.logger.disabled = True  # the corpus's expected 500s stay out of the test output

    @app.route("/public/info")
    def public() -> Any:
        return jsonify(public=True)

    return app


def api_app(name: str) -> Flask:
    app = new_app(name)
    add_api(app)
    return app


CONFIGS: list[Config] = []


config = registry(CONFIGS)


@config("f01-default", "README: CORS(app)", (*DEFAULT_CALLS, "cred-get", "public"))
def _f01(lib: Any, o: Origins) -> Flask:
    app = api_app("f01")
    lib.CORS(app)
    return app


@config("f02-resources-star", 'README: CORS(app, resources={r"/api/*": {"origins": "*"}})', (*DEFAULT_CALLS, "public"))
def _f02(lib: Any, o: Origins) -> Flask:
    app = api_app("f02")
    lib.CORS(app, resources={r"/api/*": {"origins": "*"}})
    return app


@config(
    "f03-bearer-credentials",
    "issue 12 item 1: resources with a list of origins, supports_credentials, default allow_headers",
    (*DEFAULT_CALLS, *CREDENTIALED_CALLS),
)
def _f03(lib: Any, o: Origins) -> Flask:
    app = api_app("f03")
    lib.CORS(app, resources={r"/api/*": {"origins": [o.app]}}, supports_credentials=True)
    return app


@config("f04-cross-origin-default", "README: @cross_origin() on each view, no CORS(app)")
def _f04(lib: Any, o: Origins) -> Flask:
    app = new_app("f04")
    add_api(app, cross_origin=lib.cross_origin)
    return app


@config(
    "f05-cross-origin-credentials", "docs: @cross_origin(origins=[...], supports_credentials=True)", (*DEFAULT_CALLS, *CREDENTIALED_CALLS)
)
def _f05(lib: Any, o: Origins) -> Flask:
    app = new_app("f05")
    add_api(app, cross_origin=lib.cross_origin, origins=[o.app], supports_credentials=True)
    return app


@config("f06-cors-headers-config", "tutorial: app.config['CORS_HEADERS'] = 'Content-Type' and CORS(app)")
def _f06(lib: Any, o: Origins) -> Flask:
    app = api_app("f06")
    app.config["CORS_HEADERS"] = "Content-Type"
    lib.CORS(app)
    return app


@config(
    "f07-factory-init-app", "app factory: cors = CORS() at module level, cors.init_app(app, origins=[...])", (*DEFAULT_CALLS, "missing")
)
def _f07(lib: Any, o: Origins) -> Flask:
    cors = lib.CORS()
    app = api_app("f07")
    cors.init_app(app, origins=[o.app])
    return app


@config("f08-blueprint", "docs: CORS(api_bp) on a blueprint registered with url_prefix='/api'", (*DEFAULT_CALLS, "public"))
def _f08(lib: Any, o: Origins) -> Flask:
    app = new_app("f08")
    bp = Blueprint("api", "f08")
    add_api(bp, prefix="")
    lib.CORS(bp, origins=[o.app])
    app.register_blueprint(bp, url_prefix="/api")
    return app


@config(
    "f09-config-keys",
    "docs: app.config CORS_ORIGINS, CORS_SUPPORTS_CREDENTIALS, CORS_EXPOSE_HEADERS",
    (*DEFAULT_CALLS, *CREDENTIALED_CALLS),
)
def _f09(lib: Any, o: Origins) -> Flask:
    app = api_app("f09")
    app.config.update(CORS_ORIGINS=[o.app], CORS_SUPPORTS_CREDENTIALS=True, CORS_EXPOSE_HEADERS=["X-Total-Count"])
    lib.CORS(app)
    return app


def _token_hook(app: Flask, skip_options: bool) -> None:
    @app.before_request
    def require_token() -> Any:
        if skip_options and request.method == "OPTIONS":
            return None
        if request.path.startswith("/api/") and request.headers.get("Authorization") != TOKEN:
            return jsonify(error="token required"), 401
        return None


@config("f10-auth-hook-skips-options", "tutorial: before_request token check that lets OPTIONS through")
def _f10(lib: Any, o: Origins) -> Flask:
    app = api_app("f10")
    _token_hook(app, skip_options=True)
    lib.CORS(app, origins=[o.app])
    return app


@config(
    "f11-auth-hook-refuses-options",
    "tutorial: before_request token check that forgets OPTIONS",
    differs={
        # flask-cors answers the preflight after the hook: its 401 fails the preflight. Ours answers before any hook (R16).
        "post-json": Differ(f"D13 ({GUIDE})", "401"),
        "put-custom": Differ(f"D13 ({GUIDE})", "401"),
        "bearer": Differ(f"D13 ({GUIDE})", "200"),
        "delete": Differ(f"D13 ({GUIDE})", "401"),
    },
)
def _f11(lib: Any, o: Origins) -> Flask:
    app = api_app("f11")
    _token_hook(app, skip_options=False)
    lib.CORS(app, origins=[o.app])
    return app


@config("f12-json-error-handlers", "tutorial: @app.errorhandler(404/500) returning JSON", (*DEFAULT_CALLS, "missing", "boom"))
def _f12(lib: Any, o: Origins) -> Flask:
    app = api_app("f12")

    @app.errorhandler(404)
    def not_found(error: Any) -> Any:
        return jsonify(error="not found"), 404

    @app.errorhandler(500)
    def server_error(error: Any) -> Any:
        return jsonify(error="server error"), 500

    lib.CORS(app, resources={r"/api/*": {"origins": [o.app]}})
    return app


@config("f13-unhandled-errors", "an app without error handlers: Flask's own 404/405/500 pages", (*DEFAULT_CALLS, "missing", "boom"))
def _f13(lib: Any, o: Origins) -> Flask:
    app = api_app("f13")
    lib.CORS(app, origins=[o.app])
    return app


@config("f14-files-and-streams", "tutorial: send_file and a streamed Response", (*DEFAULT_CALLS, "stream", "file"))
def _f14(lib: Any, o: Origins) -> Flask:
    app = api_app("f14")
    lib.CORS(app, origins=[o.app], expose_headers=["Content-Disposition"])
    return app


@config("f15-expose-headers", "docs: expose_headers for a pagination header")
def _f15(lib: Any, o: Origins) -> Flask:
    app = api_app("f15")
    lib.CORS(app, origins=[o.app], expose_headers=["X-Total-Count"])
    return app


@config("f16-limited-methods", "docs: methods=['GET', 'POST']")
def _f16(lib: Any, o: Origins) -> Flask:
    app = api_app("f16")
    lib.CORS(app, origins=[o.app], methods=["GET", "POST"])
    return app


@config("f17-listed-headers", "docs: allow_headers=['Content-Type']")
def _f17(lib: Any, o: Origins) -> Flask:
    app = api_app("f17")
    lib.CORS(app, origins=[o.app], allow_headers=["Content-Type"])
    return app


@config("f18-regex-origin", r"docs: origins as a regex string r'http://app\.localhost:\d+'")
def _f18(lib: Any, o: Origins) -> Flask:
    app = api_app("f18")
    lib.CORS(app, origins=[r"http://app\.localhost:\d+"])
    return app


@config("f19-origin-list", "docs: several origins, one a dev server", (*DEFAULT_CALLS, "missing"))
def _f19(lib: Any, o: Origins) -> Flask:
    app = api_app("f19")
    lib.CORS(app, origins=["http://localhost:3000", o.app, "https://app.example.com"])
    return app


@config("f20-versioned-resources", "docs: resources with one policy per API version, max_age")
def _f20(lib: Any, o: Origins) -> Flask:
    app = api_app("f20")
    lib.CORS(app, resources={r"/api/*": {"origins": [o.app], "max_age": 600}, r"/public/*": {"origins": "*"}})
    return app


@config("f21-send-wildcard", "docs: CORS(app, send_wildcard=True)", (*DEFAULT_CALLS, "public"))
def _f21(lib: Any, o: Origins) -> Flask:
    app = api_app("f21")
    lib.CORS(app, send_wildcard=True)
    return app


@config(
    "f22-credentials-any-origin",
    "issue 12: CORS(app, supports_credentials=True) with origins left at '*'",
    # R15: credentials with every origin allowed is refused at start-up
    refused=(f"D3 ({GUIDE})", ("supports_credentials=True with every origin allowed", "origins=['https://app.example.com']")),
)
def _f22(lib: Any, o: Origins) -> Flask:
    app = api_app("f22")
    lib.CORS(app, supports_credentials=True)
    return app


@config(
    "f23-cross-origin-credentials-any-origin",
    "issue 12 item 2: @cross_origin(origins='*', supports_credentials=True)",
    # R15, for a view's own options
    refused=(f"D3 ({GUIDE})", ("origins (in @cross_origin)", "supports_credentials=True with every origin allowed")),
)
def _f23(lib: Any, o: Origins) -> Flask:
    app = new_app("f23")
    add_api(app, cross_origin=lib.cross_origin, origins="*", supports_credentials=True)
    return app


@config(
    "f24-explicit-authorization",
    "tutorial: allow_headers=['Content-Type', 'Authorization'] with credentials",
    (*DEFAULT_CALLS, *CREDENTIALED_CALLS),
)
def _f24(lib: Any, o: Origins) -> Flask:
    app = api_app("f24")
    lib.CORS(app, resources=r"/api/*", origins=[o.app], allow_headers=["Content-Type", "Authorization"], supports_credentials=True)
    return app


@config(
    "f25-methods-star",
    "a common guess: methods='*'",
    differs={  # flask-cors tests the method as a substring of '*' and answers no preflight at all: every one fails
        "post-json": Differ(f"D4 ({GUIDE})", "201"),
        "put-custom": Differ(f"D4 ({GUIDE})", "200"),
        "bearer": Differ(f"D4 ({GUIDE})", "200"),
        "delete": Differ(f"D4 ({GUIDE})", "200"),
    },
)
def _f25(lib: Any, o: Origins) -> Flask:
    app = api_app("f25")
    lib.CORS(app, origins=[o.app], methods="*")
    return app


@config(
    "f26-misspelt-config-key",
    "issue 12 item 3: app.config['CORS_SUPPORT_CREDENTIALS'] = True (flask-cors ignores it: credentials stay off)",
    refused=(f"D10 ({GUIDE})", ("CORS_SUPPORT_CREDENTIALS", "did you mean CORS_SUPPORTS_CREDENTIALS?")),
)
def _f26(lib: Any, o: Origins) -> Flask:
    app = api_app("f26")
    app.config.update(CORS_ORIGINS=[o.app], CORS_SUPPORT_CREDENTIALS=True)
    lib.CORS(app)
    return app


@config("f27-abort-and-405", "tutorial: abort(403) in a view; a method the route lacks", (*DEFAULT_CALLS, "forbidden", "patch-405"))
def _f27(lib: Any, o: Origins) -> Flask:
    app = api_app("f27")
    lib.CORS(app, origins=[o.app], supports_credentials=False, max_age=300)
    return app
