"""Every code sample in docs/*.md and README.md runs.

``python`` blocks of one page run in order in one namespace (a later block may use what an earlier
one defined), in a fresh interpreter per page and a temporary working directory. A block containing
``# doc-test: skip <reason>`` is not run (for the rare sample that needs a running server).

``toml`` blocks that hold a policy (their keys are Policy options or ``rules``) must build with
``cors_core.cli.config.policy_from_mapping``; a block containing ``doc-test: invalid`` must be refused.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from cors_core import PolicyError
from cors_core.cli.config import policy_from_mapping
from cors_core.policy import _OPTIONS

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md")) + ([ROOT / "README.md"] if (ROOT / "README.md").exists() else [])
SKIP = "doc-test: skip"
INVALID = "doc-test: invalid"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)

# Runs the blocks of one page; line numbers in tracebacks are those of the Markdown file.
_DRIVER = """
import json, linecache, sys
blocks = json.load(sys.stdin)
ns = {"__name__": "__main__"}
for name, line, code in blocks:
    source = "\\n" * (line - 1) + code
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    exec(compile(source, name, "exec"), ns)
"""


def blocks(page: Path, lang: str) -> list[tuple[int, str]]:
    """(first line number, code) of each fenced block of *lang* in *page*, dedented."""
    text = page.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        if m.group("lang") != lang:
            continue
        indent = len(m.group("indent"))
        body = "".join(line[indent:] if line[:indent].strip() == "" else line for line in m.group("body").splitlines(True))
        out.append((text.count("\n", 0, m.start("body")) + 1, body))
    return out


def _id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_python_samples_run(page: Path, tmp_path: Path) -> None:
    runnable = [(_id(page), line, code) for line, code in blocks(page, "python") if SKIP not in code]
    if not runnable:
        pytest.skip("no python sample")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "adapters"), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-c", _DRIVER], input=json.dumps(runnable), capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
    )
    assert result.returncode == 0, f"a sample in {_id(page)} failed:\n{result.stderr}"


def test_skips_are_rare_and_explained() -> None:
    total = skipped = 0
    for page in PAGES:
        for line, code in blocks(page, "python"):
            total += 1
            if SKIP in code:
                skipped += 1
                reason = code.split(SKIP, 1)[1].split("\n", 1)[0].strip(" :-")
                assert reason, f"{_id(page)}:{line}: say why the sample cannot run"
    assert total > 0
    assert skipped <= max(2, total // 10), f"{skipped} of {total} python samples are skipped"


def _policy_blocks() -> list[tuple[str, str, bool]]:
    found = []
    for page in PAGES:
        for line, code in blocks(page, "toml"):
            found.append((f"{_id(page)}:{line}", code, INVALID in code))
    return found


@pytest.mark.parametrize(("where", "code", "invalid"), _policy_blocks(), ids=[w for w, _, _ in _policy_blocks()])
def test_toml_policies_build(where: str, code: str, invalid: bool) -> None:
    tomllib = pytest.importorskip("tomllib")
    data = tomllib.loads(code)
    if not (set(data) & {*_OPTIONS, "rules"}):
        pytest.skip("not a policy")
    if invalid:
        with pytest.raises(PolicyError):
            policy_from_mapping(data)
    else:
        policy_from_mapping(data)


def test_the_fence_parser_finds_samples() -> None:
    page = ROOT / "docs" / "getting-started.md"
    found = blocks(page, "python")
    assert len(found) >= 3
    line, code = found[0]
    assert page.read_text().splitlines()[line - 1] == code.splitlines()[0]


def _commands() -> list[tuple[str, list[str]]]:
    """Every ``python -m cors_core ...`` / ``cors-core ...`` command shown in a console block."""
    found = []
    for page in PAGES:
        for lang in ("console", "sh", "bash", "shell"):
            for line, code in blocks(page, lang):
                text = code.replace("\\\n", " ")
                for i, row in enumerate(text.splitlines()):
                    if lang == "console" and not row.startswith("$ "):
                        continue  # output, not a command
                    command = row.strip().removeprefix("$ ").split("#", 1)[0].split("&&")[-1].strip()
                    for prefix in ("python -m cors_core ", "cors-core "):
                        if command.startswith(prefix):
                            found.append((f"{_id(page)}:{line + i}", shlex.split(command[len(prefix) :])))
    return found


@pytest.mark.parametrize(("where", "argv"), _commands(), ids=[w for w, _ in _commands()])
def test_shown_commands_parse(where: str, argv: list[str]) -> None:
    """The options a page shows exist (parsed, not run: they may need files or servers)."""
    from cors_core.cli import build_parser

    build_parser().parse_args(argv)
