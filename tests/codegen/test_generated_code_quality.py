"""A fresh generation passes `mypy --strict`, `ruff check` and `ruff format --check` as the project runs them.

The golden fixture schema (`tests/codegen/golden/schema`, one field of every type and the odd
shapes: a model of constants only, an API with no resource) is generated too, and its API
modules are placed beside the real ones as `econtract_async._golden_crm` and
`econtract_async._golden_product` (the code is the same whatever the file is called), held to
the same rules, so codegen cannot write code the real schema merely happens not to trigger.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import codegen
from codegen import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "src" / "econtract_async"
GOLDEN_SCHEMA = PROJECT_ROOT / "tests" / "codegen" / "golden" / "schema"
GOLDEN_MODULES = ("crm.py", "product.py")
GENERATED = (
    *(f"src/econtract_async/{path}" for path in codegen.GENERATED),
    *(f"src/econtract_async/_golden_{name}" for name in GOLDEN_MODULES),
)
# The project's per-file ignores of generated code (long docstring lines from the API docs).
GOLDEN_IGNORES = (
    'lint.extend-per-file-ignores = {"src/econtract_async/_golden_*.py" = ["E501", "RUF001"]}'
)


@pytest.fixture(scope="module")
def fresh_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's config and package, with the generated modules written anew."""
    root = tmp_path_factory.mktemp("fresh")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(
        PACKAGE,
        root / "src" / "econtract_async",
        ignore=shutil.ignore_patterns("_generated", "crm.py", "product.py", "__pycache__"),
    )
    codegen.generate(PROJECT_ROOT / "schema", root / "src" / "econtract_async")
    golden = root / "golden"
    codegen.generate(GOLDEN_SCHEMA, golden)
    for name in GOLDEN_MODULES:
        shutil.copy(golden / name, root / "src" / "econtract_async" / f"_golden_{name}")
    shutil.rmtree(golden)
    return root


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=root, capture_output=True, text=True, check=False
    )


def test_generated_code_passes_mypy_strict(fresh_project: Path) -> None:
    """mypy --strict finds nothing in the generated modules, nor in the golden ones."""
    result = run(
        fresh_project,
        "mypy",
        "--strict",
        "--no-incremental",
        "--cache-dir",
        str(fresh_project / ".mypy_cache"),
        *GENERATED,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_generated_code_passes_ruff_check(fresh_project: Path) -> None:
    """ruff check, with the project's rules, finds nothing in the generated modules or the golden ones."""
    result = run(
        fresh_project, "ruff", "check", "--no-cache", "--config", GOLDEN_IGNORES, *GENERATED
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_code_is_ruff_formatted(fresh_project: Path) -> None:
    """ruff format --check would change nothing in the generated modules or the golden ones."""
    result = run(fresh_project, "ruff", "format", "--check", "--no-cache", *GENERATED)
    assert result.returncode == 0, result.stdout + result.stderr
