"""Every example of the documentation runs against the sandbox: a broken example fails CI."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

from econtract_async import EcontractClient
from econtract_async.sandbox import LiveSandbox

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.py"))
SNIPPET = re.compile(r'^\s*--8<--\s+"([^"]+?)(?::[\w-]+)?"\s*$', re.MULTILINE)
FENCE = re.compile(r"^([ \t]*)```(\w*)[^\n]*\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
OUR_PAGES = (
    "index.md",
    "quickstart.md",
    "authentication.md",
    "web-frameworks.md",
    "errors.md",
    "migration.md",
    "contributing.md",
    "validation.md",
)
"""The pages whose every Python block must be an included example (other pages have owners)."""

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
    """The examples folder is found and not empty."""
    assert len(EXAMPLES) >= 5


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


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_is_shown_on_a_page(path: Path) -> None:
    """No example is orphaned: some page includes it with a snippet line."""
    included = {
        name
        for page in DOCS.rglob("*.md")
        for name in SNIPPET.findall(page.read_text(encoding="utf-8"))
    }
    assert path.name in included


@pytest.mark.parametrize("page", OUR_PAGES)
def test_python_blocks_are_included_examples(page: str) -> None:
    """A Python block on our pages only includes a file from docs/examples (which runs above)."""
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
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"[0-9a-f]{32}", text), path.name
        assert "sandbox-crm-key" not in text
        assert "sandbox-secret" not in text
