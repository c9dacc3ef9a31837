"""A fresh generation passes `mypy --strict`, `ruff check` and `ruff format --check` as the project runs them.

The golden fixture schema (`tests/codegen/golden/schema`, one field of every type and the odd
shapes: a model of constants only) is generated beside it as `econtract_async._golden` and held
to the same rules, so codegen cannot write code the real schema merely happens not to trigger.
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
GENERATED = ("src/econtract_async/_generated", "src/econtract_async/_golden")
# The project's per-file ignores of generated code (long docstring lines from the API docs).
GOLDEN_IGNORES = (
    'lint.extend-per-file-ignores = {"src/econtract_async/_golden/**" = ["E501", "RUF001"]}'
)


@pytest.fixture(scope="module")
def fresh_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's config and package, with `_generated/` written anew from schema/."""
    root = tmp_path_factory.mktemp("fresh")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(
        PACKAGE,
        root / "src" / "econtract_async",
        ignore=shutil.ignore_patterns("_generated", "__pycache__"),
    )
    codegen.generate(PROJECT_ROOT / "schema", root / "src" / "econtract_async" / "_generated")
    codegen.generate(GOLDEN_SCHEMA, root / "src" / "econtract_async" / "_golden")
    return root


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=root, capture_output=True, text=True, check=False
    )


def test_generated_code_passes_mypy_strict(fresh_project: Path) -> None:
    """mypy --strict finds nothing in the generated package, nor in the golden one."""
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
    """ruff check, with the project's rules, finds nothing in the generated package or the golden one."""
    result = run(
        fresh_project, "ruff", "check", "--no-cache", "--config", GOLDEN_IGNORES, *GENERATED
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_code_is_ruff_formatted(fresh_project: Path) -> None:
    """ruff format --check would change nothing in the generated package or the golden one."""
    result = run(fresh_project, "ruff", "format", "--check", "--no-cache", *GENERATED)
    assert result.returncode == 0, result.stdout + result.stderr
