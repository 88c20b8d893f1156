"""``check --flask MODULE:APP`` and ``check --django SETTINGS``: load the real app and check what its adapter would build.

The app's module (or the Django settings and URLconf) is imported with the adapters' entry points
wrapped, so that one refused ``CORS(...)``, ``@cross_origin`` or ``@cors`` does not hide the next:
every problem is collected, named as the user wrote it (``app.config['CORS_ORIGINS']``, the keyword,
the Django setting), with where it was written. An app that still uses flask-cors or
django-cors-headers is checked as our drop-in would read it, with the migration guide's differences
(D-numbers) that apply. Adapters are imported here only, and only when these commands run.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigProblem, PolicyError
from ..policy import Policy
from ..tokens import NORMALIZED_METHODS
from ._common import UsageError

#: Modules whose frames are not "where the user wrote it".
_INTERNAL = ("cors_core", "cors_flask", "cors_django", "flask_cors", "corsheaders", "flask", "werkzeug", "django", "importlib")
_REGEX_HINTS = frozenset("*\\]?$^[()")


@dataclass
class Problem:
    """One refused value: the name the user wrote, where, and what to do."""

    name: str
    where: str
    value: str
    message: str
    fix: str
    code: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "where": self.where, "value": self.value, "message": self.message, "fix": self.fix, "code": self.code}


@dataclass
class Report:
    """What was checked in one app, every problem, and (for an app on the peer library) what switching changes."""

    framework: str
    target: str
    checked: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    peer: str = ""
    differences: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "framework": self.framework,
            "target": self.target,
            "checked": self.checked,
            "problems": [p.as_dict() for p in self.problems],
            "uses": self.peer or None,
            "differences": [{"id": d, "change": text} for d, text in self.differences],
        }


def _user_site() -> str:
    """``file:line`` of the innermost frame outside the adapters, the frameworks and this package."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.split(".")[0] not in _INTERNAL and not module.startswith("contextlib"):
            return f"{_short(frame.f_code.co_filename)}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


def _short(filename: str) -> str:
    with contextlib.suppress(ValueError):
        return os.path.relpath(filename)
    return filename


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


@contextlib.contextmanager
def _patched(target: Any, name: str, replacement: Any) -> Iterator[None]:
    original = getattr(target, name)
    setattr(target, name, replacement)
    try:
        yield
    finally:
        setattr(target, name, original)


def _import_module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise UsageError(f"cannot import {name}: {exc}") from exc


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _on_path() -> None:
    """Import the user's modules from the current directory, as ``flask --app`` and ``manage.py`` do."""
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())


# ---------------------------------------------------------------------------------------------------- Flask


class _FlaskNames:
    """Names a flask-cors option the way the user wrote it: resource entry, keyword, or ``app.config`` key."""

    def __init__(self, config: Mapping[str, Any], layers: tuple[Mapping[str, Any], ...]) -> None:
        self.config = config
        self.layers = layers

    def name(self, option_text: str) -> tuple[str, str]:
        """(the user's name, the assignment to write in a fix) for a translator option such as ``origins (resource '/api/*')``."""
        base = option_text.split(" ", 1)[0]
        resource = re.search(r"\(resource '(.*)'\)", option_text)
        if resource:
            for layer in reversed(self.layers):
                entries = layer.get("resources")
                if isinstance(entries, Mapping):
                    for key, opts in entries.items():
                        if getattr(key, "pattern", key) == resource.group(1) and isinstance(opts, Mapping) and base in opts:
                            return f"resources[{resource.group(1)!r}][{base!r}]", " = "
        if any(base in layer for layer in self.layers):
            return base, "="
        key = "CORS_" + base.upper()
        if self.config.get(key) is not None:
            return f"app.config[{key!r}]", " = "
        if base in ("origins", "methods", "allow_headers"):
            return f"{base} (not set: flask-cors's default)", ""
        return base, "="


def _flask_problems(exc: PolicyError, names: _FlaskNames, where: str) -> list[Problem]:
    out = []
    for p in exc.problems:
        name, assign = names.name(p.option)
        base: ConfigProblem = type(p)(p.option.split(" ", 1)[0], p.value, p.message, p.fix)
        fix = base.named(name, assign).fix if assign and name != base.option else p.fix
        out.append(Problem(name, where, _shown(p.value), p.message, fix, p.code))
    return out


def _unknown_names_problem(exc: TypeError, where: str) -> Problem:
    unknown = re.match(r"unknown CORS option\(s\) ([\w, ]+?)(?: in @cross_origin| \(|;)", str(exc))
    name = unknown.group(1) if unknown else "option name"
    return Problem(name, where, "", str(exc), "fix the name (cors_flask refuses unknown options; flask-cors ignored them)", "name")


class _FlaskRecorder:
    """Wraps the entry points of cors_flask and flask-cors while the app module is imported."""

    def __init__(self) -> None:
        self.report_problems: list[Problem] = []
        self.installs: list[str] = []
        self.peer_installs: list[tuple[Any, dict[str, Any], str]] = []  # (app or blueprint, options, site)
        self.peer_views: list[tuple[dict[str, Any], str]] = []
        #: cors_flask's own check of app.config keys, kept while the import runs with it silenced (reported once, at the end).
        self.misspelt_keys: Callable[[Mapping[str, Any]], list[tuple[str, str]]] = lambda config: []

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            extension = _optional("cors_flask._extension")
            decorator = _optional("cors_flask._decorator")
            if extension is not None and decorator is not None:
                stack.enter_context(_patched(extension, "policy_set_from_options", self._ours(extension.policy_set_from_options)))
                stack.enter_context(_patched(extension, "check_names", self._names(extension.check_names)))
                stack.enter_context(_patched(decorator, "check_names", self._names(decorator.check_names)))
                # A view's own refusal is reported with the others once the app has loaded (view_cors.policy below).
                stack.enter_context(_patched(decorator.ViewCORS, "check_alone", lambda self: None))
                stack.enter_context(_patched(decorator.ViewCORS, "check", lambda self, app: None))
                translate = _optional("cors_flask._translate")
                if translate is not None and hasattr(translate, "misspelt_keys"):  # reported once, after the import
                    self.misspelt_keys = translate.misspelt_keys
                    stack.enter_context(_patched(translate, "misspelt_keys", lambda config: []))
            peer = _optional("flask_cors")
            if peer is not None:
                stack.enter_context(_patched(peer.CORS, "init_app", self._peer_init(peer.CORS.init_app)))
                wrapped = self._peer_decorator(peer.cross_origin)
                stack.enter_context(_patched(peer, "cross_origin", wrapped))
                stack.enter_context(_patched(importlib.import_module("flask_cors.decorator"), "cross_origin", wrapped))
            yield

    def _ours(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def policy_set_from_options(config: Mapping[str, Any] | None, *layers: Mapping[str, Any]) -> Any:
            site = _user_site()
            self.installs.append(f"CORS(...) at {site}")
            try:
                return original(config, *layers)
            except PolicyError as exc:
                self.report_problems += _flask_problems(exc, _FlaskNames(config or {}, layers), f"CORS(...) at {site}")
                return Policy("*")  # a stand-in, so that the app module imports to the end; never served

        return policy_set_from_options

    def _names(self, original: Callable[..., None]) -> Callable[..., None]:
        def check_names(options: Mapping[str, Any], where: str) -> None:
            try:
                original(options, where)
            except TypeError as exc:
                call = "@cross_origin" if "cross_origin" in where else "CORS(...)"
                self.report_problems.append(_unknown_names_problem(exc, f"{call} at {_user_site()}"))

        return check_names

    def _peer_init(self, original: Callable[..., None]) -> Callable[..., None]:
        recorder = self

        def init_app(self: Any, app: Any, **kwargs: Any) -> None:
            recorder.peer_installs.append((app, {**getattr(self, "_options", {}), **kwargs}, _user_site()))
            original(self, app, **kwargs)

        return init_app

    def _peer_decorator(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def cross_origin(*args: Any, **kwargs: Any) -> Callable[[Any], Any]:
            site = _user_site()
            decorate = original(*args, **kwargs)

            def tag(view: Any) -> Any:
                wrapped = decorate(view)
                wrapped._cors_core_check = (dict(kwargs), site)
                return wrapped

            return tag

        return cross_origin


def _find_app(module: Any, attr: str, target: str) -> Any:
    flask = _import_module("flask")
    names = [attr] if attr else ["app", "application", "create_app", "make_app"]
    for name in names:
        found = getattr(module, name.removesuffix("()"), None)
        if isinstance(found, flask.Flask):
            return found
        if callable(found):
            app = found()
            if isinstance(app, flask.Flask):
                return app
    raise UsageError(f"--flask {target}: no Flask app found (write MODULE:NAME, e.g. app:app or app:create_app)")


def _view_site(view: Any) -> str:
    inner = view
    while hasattr(inner, "__wrapped__"):
        inner = inner.__wrapped__
    code = getattr(inner, "__code__", None)
    return f"{_short(code.co_filename)}:{code.co_firstlineno}" if code is not None else "?"


def check_flask(target: str) -> Report:
    """Import ``MODULE:APP`` and check every CORS configuration of the Flask app (see the module docstring)."""
    module_name, _, attr = target.partition(":")
    if not module_name:
        raise UsageError("--flask: write MODULE:APP, e.g. app:app")
    _on_path()
    recorder = _FlaskRecorder()
    report = Report("flask", target)
    with recorder.installed():
        module = _import_module(module_name)
        app = _find_app(module, attr, target)
        translate = _optional("cors_flask._translate")
        decorator = _optional("cors_flask._decorator")
        if translate is None or decorator is None:
            raise UsageError("check --flask needs the Flask adapter (cors_flask) and Flask")
        report.checked += recorder.installs
        state = app.extensions.get("cors_flask")
        ready_made = (len(state.app_policies) + len(state.blueprints) - len(recorder.installs)) if state is not None else 0
        if ready_made > 0:  # CORS(app, policy=Policy(...)): validated when the Policy was built
            report.checked.append(f"{ready_made} CORS(..., policy=...) install(s) with a ready cors_core policy")
        report.problems += recorder.report_problems
        for endpoint, view in sorted(app.view_functions.items()):
            view_cors = getattr(view, decorator.VIEW_ATTR, None)
            where = f"@cross_origin on view {endpoint!r} ({_view_site(view)})"
            if view_cors is not None:
                report.checked.append(where)
                try:
                    view_cors.policy(app)
                except PolicyError as exc:
                    names = _FlaskNames(app.config, (view_cors.options,))
                    problems = [
                        type(p)(re.sub(r" \(in @cross_origin[^)]*\)", "", p.option), p.value, p.message, p.fix) for p in exc.problems
                    ]
                    stripped = PolicyError(problems)
                    report.problems += _flask_problems(stripped, names, where)
            peer_view = getattr(view, "_cors_core_check", None)
            if peer_view is not None:
                report.checked.append(where + " [flask-cors]")
                report.problems += _translate_peer(translate, app.config, peer_view[0], where, view=True)
        for installed_on, options, site in recorder.peer_installs:
            where = f"flask_cors.CORS(...) at {site}"
            report.checked.append(where)
            report.problems += _translate_peer(translate, getattr(installed_on, "config", app.config), options, where, view=False)
        for key, known in recorder.misspelt_keys(app.config):  # cors_flask's own check: CORS_HEADERS, far from every key, is left alone
            name, value = f"app.config[{key!r}]", _shown(app.config[key])
            report.problems.append(Problem(name, "app.config", value, "no such key: it would be ignored", f"did you mean {known}?", "name"))
        if recorder.peer_installs or any(hasattr(v, "_cors_core_check") for v in app.view_functions.values()):
            report.peer = "flask-cors"
            views = [v._cors_core_check[0] for v in app.view_functions.values() if hasattr(v, "_cors_core_check")]
            installs = [o for _, o, _ in recorder.peer_installs]
            merged = [translate.merge(app.config, o) for o in [*installs, *views]]
            report.differences = flask_differences(merged, report.problems)
    if not report.checked:
        report.checked.append("no CORS(...) and no @cross_origin view found")
    return report


def _translate_peer(translate: Any, config: Mapping[str, Any], options: dict[str, Any], where: str, view: bool) -> list[Problem]:
    """What cors_flask would refuse in a flask-cors configuration (named as the user wrote it)."""
    try:
        translate.check_names(options, "")
    except TypeError as exc:
        return [_unknown_names_problem(exc, where)]
    try:
        if view:
            merged = translate.merge(config, options)
            merged.pop("resources", None)
            translate.policy_from_options(merged)
        else:
            translate.policy_set_from_options(config, options)
    except PolicyError as exc:
        return _flask_problems(exc, _FlaskNames(config, (options,)), where)
    return []


_FLASK_D = {
    "D1": "origins='*' is answered with '*' (flask-cors echoed the Origin), and without Vary: Origin",
    "D2": "regex origins must match the whole origin, and unescaped dots are refused",
    "D3": "credentials with every origin, an http:// origin, null or a public-suffix wildcard are refused",
    "D4": "methods are compared case-sensitively (a script's 'patch' is not PATCH); methods=['*'] works",
    "D5": "allow_headers='*' echoes every requested header by name, Authorization included (never a literal '*')",
    "D6": "preflights get the policy's own status and headers (not Flask's default OPTIONS answer); Max-Age 0 is sent",
    "D7": "Vary: Origin is sent whenever the answer depends on the Origin, merged into one Vary field",
    "D8": "Access-Control-Allow-Private-Network is sent only on preflights that asked, never 'false'",
    "D9": "resources: '/api/*' no longer matches /apiary; other regexes must match the whole path",
    "D10": "unknown option names and non-bool flags are refused instead of ignored",
    "D11": "error responses get the CORS headers too; intercept_exceptions=False changes nothing",
    "D12": "CORS headers a view set itself are replaced by the policy's answer",
    "D13": "CORS(app) answers preflights before before_request hooks and views run",
}


def flask_differences(option_sets: list[dict[str, Any]], problems: list[Problem]) -> list[tuple[str, str]]:
    """The D-numbers of docs/migrating-from-flask-cors.md that apply to these (merged) flask-cors options."""
    found: set[str] = {"D6", "D7", "D12"}
    for o in option_sets:
        origins = o.get("origins")
        items = [origins] if isinstance(origins, (str, re.Pattern)) else list(origins or [])
        if origins == "*" or "*" in items:
            found.add("D1")
        if any(isinstance(i, re.Pattern) or (isinstance(i, str) and i != "*" and not _REGEX_HINTS.isdisjoint(i)) for i in items):
            found.add("D2")
        methods = o.get("methods") or []
        methods = [methods] if isinstance(methods, str) else list(methods)
        if any(str(m).upper() not in NORMALIZED_METHODS for m in methods):  # others (PATCH) are compared as written
            found.add("D4")
        headers = o.get("allow_headers")
        if headers == "*" or (isinstance(headers, (list, tuple)) and "*" in headers):
            found.add("D5")
        if o.get("allow_private_network"):
            found.add("D8")
        if o.get("resources", r"/*") != r"/*":
            found.add("D9")
        if "intercept_exceptions" in o and o["intercept_exceptions"] is not True:
            found.add("D11")
        found.add("D13")
    codes = {p.code for p in problems}
    if "insecure" in codes:
        found.add("D3")
    if "name" in codes or any("must be True or False" in p.message for p in problems):
        found.add("D10")
    return [(d, _FLASK_D[d]) for d in sorted(found, key=lambda d: int(d[1:]))]


# ---------------------------------------------------------------------------------------------------- Django

_DJANGO_D = {
    "D1": "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS is refused (E100)",
    "D2": "'file://' is not an origin (E101); pages from disk send 'null'",
    "D3": "Access-Control-Allow-Private-Network is sent on preflights only",
    "D4": "CORS_ALLOWED_ORIGIN_REGEXES must match the whole origin; unescaped dots are refused (E007)",
    "D5": "a string where a list belongs is refused",
    "D6": "preflights are checked: the full Allow-* lists go only to a method and headers that are allowed",
    "D7": "an OPTIONS request without Origin is passed to your view",
    "D8": "with CORS_ALLOW_ALL_ORIGINS and no credentials, '*' is sent, without vary: origin",
    "D9": "values are validated against the Fetch Standard (E001, E002, E004, E008, E101)",
    "D10": "origins are compared in canonical form; 'null' allows exactly null",
}


def _django_problem(error: Any, where: str) -> Problem:
    """A system-check message as a problem named by the setting it is about (MIDDLEWARE for W001)."""
    name = re.search(r"CORS_[A-Z_]+", error.msg)
    return Problem(name.group() if name else where, where, "", error.msg, error.hint or "", error.id or "")


def _walk_patterns(patterns: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        sub = getattr(entry, "url_patterns", None)
        if sub is not None:
            yield from _walk_patterns(sub, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry.callback


def check_django(settings_module: str) -> Report:
    """Set up Django with *settings_module* and check the CORS settings, the middleware order and every ``@cors`` view."""
    _on_path()
    report = Report("django", settings_module)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    decorators = _optional("cors_django.decorators")
    package = _optional("cors_django")
    if decorators is None or package is None:
        raise UsageError("check --django needs the Django adapter (cors_django) and Django")
    views: list[str] = []
    original = decorators.cors

    def recording_cors(policy: Any = None, /, **options: Any) -> Callable[[Any], Any]:
        """``cors_django.cors`` that records a refused policy instead of raising, so every view is checked."""
        site = _user_site()
        try:
            return original(policy, **options)  # type: ignore[no-any-return]
        except PolicyError as exc:
            report.problems.extend(Problem(p.option, f"@cors at {site}", _shown(p.value), p.message, p.fix, p.code) for p in exc.problems)
        except TypeError as exc:
            report.problems.append(Problem("@cors(...)", f"@cors at {site}", "", str(exc), "use the options of cors_core.Policy", "name"))
        return lambda view: view

    with _patched(decorators, "cors", recording_cors), _patched(package, "cors", recording_cors):
        django = _import_module("django")
        try:
            django.setup()
        except Exception as exc:  # ImproperlyConfigured, ImportError of the settings module ...
            raise UsageError(f"--django {settings_module}: Django does not start: {exc}") from exc
        settings = importlib.import_module("django.conf").settings
        config = importlib.import_module("cors_django._config")
        checks = importlib.import_module("cors_django.checks")
        conf_module = importlib.import_module("cors_django.conf")
        _, errors = config.load()
        report.problems += [_django_problem(e, "settings") for e in errors]
        report.problems += [_django_problem(w, "MIDDLEWARE") for w in checks.check_middleware()]
        report.problems += [_django_problem(w, "settings") for w in checks.check_misspelt_settings()]  # W003
        report.checked.append(f"CORS_* settings of {settings_module}")
        if getattr(settings, "ROOT_URLCONF", None):
            try:
                resolver = importlib.import_module("django.urls").get_resolver()
                for route, callback in _walk_patterns(resolver.url_patterns):
                    if getattr(callback, "cors_policy", None) is not None:
                        views.append(f"@cors view {getattr(callback, '__name__', '?')} at /{route} ({_view_site(callback)})")
            except PolicyError as exc:  # a @cors policy built by other means than the decorator's keywords
                report.problems += [Problem(p.option, "ROOT_URLCONF", _shown(p.value), p.message, p.fix, p.code) for p in exc.problems]
        report.checked += views
    apps = list(getattr(settings, "INSTALLED_APPS", ()))
    middleware = list(getattr(settings, "MIDDLEWARE", ()) or ())
    if "corsheaders" in apps or any(str(m).startswith("corsheaders") for m in middleware):
        report.peer = "django-cors-headers"
        report.differences = django_differences(settings, conf_module.conf, errors)
    return report


def django_differences(settings: Any, conf: Any, errors: list[Any]) -> list[tuple[str, str]]:
    """The D-numbers of docs/migrating-from-django-cors-headers.md that apply to these settings."""
    found = {"D6", "D7"}
    ids = {str(e.id).rsplit(".", 1)[-1] for e in errors}
    allow_all = conf.CORS_ALLOW_ALL_ORIGINS is True
    if allow_all and conf.CORS_ALLOW_CREDENTIALS is True:
        found.add("D1")
    origins = conf.CORS_ALLOWED_ORIGINS
    if isinstance(origins, (list, tuple)) and any(str(o).startswith("file://") for o in origins):
        found.add("D2")
    if conf.CORS_ALLOW_PRIVATE_NETWORK is True:
        found.add("D3")
    if conf.CORS_ALLOWED_ORIGIN_REGEXES:
        found.add("D4")
    lists = ("CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ALLOW_METHODS", "CORS_ALLOW_HEADERS", "CORS_EXPOSE_HEADERS")
    if any(isinstance(getattr(conf, n), str) for n in lists):
        found.add("D5")
    if allow_all and conf.CORS_ALLOW_CREDENTIALS is not True:
        found.add("D8")
    if ids & {"E001", "E002", "E004", "E008", "E101"}:
        found.add("D9")
    if not allow_all and origins:
        found.add("D10")
    return [(d, _DJANGO_D[d]) for d in sorted(found, key=lambda d: int(d[1:]))]


def print_report(report: Report, bold: Callable[[str], str], bad: Callable[[str], str], ok: Callable[[str], str]) -> None:
    """The report for a person: what was checked, each problem with its fix, then what switching changes."""
    print(f"{report.framework} app {report.target}:")
    for line in report.checked:
        print(f"  checked: {line}")
    if report.problems:
        print(bad(f"{len(report.problems)} problem(s):"))
        for p in report.problems:
            code = f" [{p.code}]" if p.code.startswith("cors_django.") else ""
            value = f" = {p.value}" if p.value else ""
            print(f"  - {bold(p.name)}{value} ({p.where}){code}: {p.message}")
            if p.fix:
                print(f"    fix: {p.fix}")
    else:
        print(ok("ok: no problem"))
    if report.peer:
        guide = "docs/migrating-from-flask-cors.md" if report.peer == "flask-cors" else "docs/migrating-from-django-cors-headers.md"
        ours = "cors_flask" if report.peer == "flask-cors" else "cors_django"
        print(f"this app uses {report.peer}: switching to {ours} changes ({guide}):")
        for d, text in report.differences:
            print(f"  {d}: {text}")
        if report.problems:
            print(f"  and {ours} refuses the configuration above until it is fixed")
