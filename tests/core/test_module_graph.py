"""The shape of the package: the engine imports no tool and no adapter, and no module graph has a circle.

The graph is read from the source (every ``import`` statement, lazy ones inside functions included;
imports under ``if TYPE_CHECKING:`` are left out, as they never run). A second test imports the
engine in a fresh interpreter and looks at ``sys.modules``, so the static reading cannot hide a
dynamic import.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cors_core"
ADAPTERS = ("cors_wsgi", "cors_asgi", "cors_flask", "cors_django")
#: Frameworks and the peer libraries, which only a command that runs an app may load (when it runs).
FRAMEWORKS = ("flask", "werkzeug", "django", "starlette", "flask_cors", "corsheaders")
TOOLS = "cors_core.cli"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path) -> set[str]:
    """The modules *path* imports at run time (absolute names; ``from .x import y`` -> the package ``.x``)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            found.add(base)
            for alias in node.names:  # ``from . import x`` / ``from .pkg import mod`` import a module
                if (ROOT / Path(*f"{base}.{alias.name}".split("."))).with_suffix(".py").is_file():
                    found.add(f"{base}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    # string arguments to importlib.import_module count too (the demo imports its adapter that way)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m != name} for name, path in modules.items()}


def _closure(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle among cors_core's modules, or None. A package importing its own submodules is no circle."""
    inside = {n: {m for m in deps if m in graph and not m.startswith(n + ".")} for n, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(inside[n]):
            if state.get(m) == 1:
                return [*stack[stack.index(m) :], m]
            if m not in state and (found := walk(m)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(inside):
        if n not in state and (found := walk(n)):
            return found
    return None


def test_the_walker_sees_lazy_imports_and_would_report_a_circle() -> None:
    graph = _graph()
    assert "cors_core.reasons" in graph["cors_core.decision"]  # imported inside a property
    assert "cors_wsgi" in graph["cors_core.cli.demo"]  # importlib.import_module("cors_wsgi")
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_circle_in_cors_core() -> None:
    assert _cycle(_graph()) is None


def test_the_engine_imports_no_tool_and_no_adapter() -> None:
    graph = _graph()
    engine = [n for n in graph if not n.startswith(TOOLS) and n != "cors_core.__main__"]
    assert "cors_core.engine" in engine and "cors_core.policy" in engine
    for name in engine:
        bad = {m for m in _closure(graph, name) if m.startswith(TOOLS) or m.split(".")[0] in ADAPTERS}
        assert not bad, f"{name} imports {sorted(bad)}"


def test_only_the_tools_that_run_an_adapter_import_one() -> None:
    graph = _graph()
    importers = {n for n, deps in graph.items() if any(m.split(".")[0] in ADAPTERS for m in deps)}
    assert importers <= {"cors_core.cli.demo", "cors_core.cli.apps"}, importers


def test_importing_the_engine_and_the_cli_loads_no_adapter() -> None:
    """Every module of the tools, check --flask/--django's included: adapters and frameworks load only when a command runs."""
    code = (
        f"import sys\noutside = {ADAPTERS + FRAMEWORKS!r}\n"
        "import cors_core, cors_core.testing, cors_core.redos\n"
        "engine = sorted(m for m in sys.modules if m.startswith('cors_core.cli') or m.split('.')[0] in outside)\n"
        "import cors_core.cli, cors_core.cli.probe, cors_core.cli.demo, cors_core.cli.apps, cors_core.cli.commands\n"
        "tools = sorted(m for m in sys.modules if m.split('.')[0] in outside)\n"
        "print(engine, tools)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[] []"


def test_every_package_of_cors_core_is_listed_for_setuptools() -> None:
    """An installed ``cors-core`` must ship the tools too: ``[tool.setuptools] packages`` lists every package."""
    tomllib = pytest.importorskip("tomllib")

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {_module_name(p) for p in PACKAGE.rglob("__init__.py")}
    assert packages <= listed, packages - listed
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["cors-core"] == "cors_core.cli:main"
