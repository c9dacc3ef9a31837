"""Every example of the documentation runs against the sandbox: a broken example fails CI.

`docs/examples/` holds three kinds of file. A plain example has `async def main(ec)`, run here
with a client from the environment. A `test_*.py` file is a test module as a user would write one
(the pytest plugin's fixtures, respx, ...): it is run by pytest in a subprocess, so the page shows
a real test and the plugin is loaded the way users get it, through its entry point. An app module
(`fastapi_app.py`) is imported by such a test module and runs through it.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from econtract_async import EcontractClient
from econtract_async.sandbox import LiveSandbox

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
ALL_EXAMPLES = sorted((DOCS / "examples").glob("*.py"))
USER_TESTS = [path for path in ALL_EXAMPLES if path.name.startswith("test_")]


def _imported(path: Path) -> set[str]:
    """Top-level module names a file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


APPS = [path for path in ALL_EXAMPLES if any(path.stem in _imported(t) for t in USER_TESTS)]
"""App modules: tested by the `test_*.py` example that imports them."""
EXAMPLES = [path for path in ALL_EXAMPLES if path not in USER_TESTS and path not in APPS]
SNIPPET = re.compile(r'^\s*--8<--\s+"([^"]+?)(?::[\w-]+)?"\s*$', re.MULTILINE)
FENCE = re.compile(r"^([ \t]*)```(\w*)[^\n]*\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
NOT_CHECKED = frozenset({"decisions.md"})
"""Pages whose Python-looking blocks quote the API docs or the PHP client rather than our SDK."""
PAGES = sorted(
    page.relative_to(DOCS).as_posix()
    for page in DOCS.rglob("*.md")
    if page.relative_to(DOCS).parts[0] not in {"_hooks", "examples"}
    and page.name not in NOT_CHECKED
)
"""Every page on disk; the reference pages the build hook generates never reach the disk."""

pytestmark = pytest.mark.docs


def load(path: Path) -> ModuleType:
    """Import an example file as a module of its own."""
    spec = importlib.util.spec_from_file_location(f"docs_example_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_examples() -> None:
    """The examples folder is found and holds both kinds of example."""
    assert len(EXAMPLES) >= 5
    assert len(USER_TESTS) >= 1
    assert "fastapi_app.py" in {path.name for path in APPS}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.asyncio
async def test_example_runs_against_the_sandbox(path: Path, docs_env: LiveSandbox) -> None:
    """The example's `main(ec)` completes against a loopback sandbox, with a client from the env."""
    module = load(path)
    main = getattr(module, "main", None)
    assert main is not None, f"{path.name} has no main(ec)"
    assert inspect.iscoroutinefunction(main), f"{path.name}: main must be async"
    async with EcontractClient.from_env() as ec:
        await main(ec)


class UserTestRun(NamedTuple):
    """What one pytest run of the `test_*.py` examples reported."""

    verdicts: dict[str, list[tuple[str, str]]]
    """Per module: (test name, "" when it passed, else failure/error/skipped)."""
    output: str


@pytest.fixture(scope="module")
def user_test_run(tmp_path_factory: pytest.TempPathFactory) -> UserTestRun:
    """Run every `test_*.py` example with pytest, once; the outcome of each test by module."""
    report = tmp_path_factory.mktemp("user-tests") / "junit.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *map(str, USER_TESTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=300,
        check=False,
    )
    verdicts: dict[str, list[tuple[str, str]]] = {}
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            module = case.get("classname", "").rsplit(".", 1)[-1]
            bad = [child.tag for child in case if child.tag in {"failure", "error", "skipped"}]
            verdicts.setdefault(module, []).append((case.get("name", "?"), ",".join(bad)))
    return UserTestRun(verdicts, result.stdout[-6000:] + result.stderr[-2000:])


@pytest.mark.parametrize("path", USER_TESTS, ids=[p.stem for p in USER_TESTS])
def test_user_test_module_passes(path: Path, user_test_run: UserTestRun) -> None:
    """A test module shown on a page runs under pytest, and every test in it passes (none skip)."""
    cases = user_test_run.verdicts.get(path.stem, [])
    assert cases, f"{path.name}: pytest collected no test\n{user_test_run.output}"
    bad = [f"{name}: {verdict}" for name, verdict in cases if verdict]
    assert not bad, f"{path.name}: {bad}\n{user_test_run.output}"


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=[p.stem for p in ALL_EXAMPLES])
def test_every_example_is_shown_on_a_page(path: Path) -> None:
    """No example is orphaned: some page includes it with a snippet line."""
    included = {
        name
        for page in DOCS.rglob("*.md")
        for name in SNIPPET.findall(page.read_text(encoding="utf-8"))
    }
    assert path.name in included


def test_every_guide_page_is_checked() -> None:
    """The page list is found on disk, so a new page is checked without editing this file."""
    assert {"quickstart.md", "testing.md", "bulk-import.md", "validation.md"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_python_blocks_are_included_examples(page: str) -> None:
    """A Python block on a page only includes a file from docs/examples (which runs above)."""
    text = (DOCS / page).read_text(encoding="utf-8")
    for _indent, language, body in FENCE.findall(text):
        if language not in {"python", "py", "pycon"}:
            continue
        lines = [line for line in body.splitlines() if line.strip()]
        assert lines, f"{page}: empty Python block"
        for line in lines:
            match = SNIPPET.match(line)
            assert match, f"{page}: inline Python that no test runs: {line.strip()!r}"
            assert (DOCS / "examples" / match.group(1)).is_file()


def test_examples_hold_no_real_looking_credentials() -> None:
    """Examples read credentials from the environment; no key is written into them."""
    for path in ALL_EXAMPLES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"[0-9a-f]{32}", text), path.name
        assert "sandbox-crm-key" not in text
        assert "sandbox-secret" not in text
