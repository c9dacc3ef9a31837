"""Tests for the `econtract` entry point itself (`econtract_async.cli`): version and help."""

from __future__ import annotations

import subprocess
import sys

import pytest

from econtract_async import __version__
from econtract_async.cli import main


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`econtract --version` prints `econtract <version>` on stdout and exits 0."""
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"econtract {__version__}\n"


def test_the_installed_command_answers_version() -> None:
    """The console script (through `python -m econtract_async.cli`) answers --version."""
    done = subprocess.run(
        [sys.executable, "-m", "econtract_async.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"econtract {__version__}"


def test_sandbox_help_names_the_command_and_shows_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`econtract sandbox --help` says `usage: econtract sandbox` and lists the defaults."""
    assert main(["sandbox", "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: econtract sandbox ")
    assert "python -m" not in text
    assert "(default: 8765)" in text
    assert "(default: sandbox.db)" in text
    assert "export" in text


def test_a_bad_sandbox_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown sandbox option exits 2 with the command's own name."""
    assert main(["sandbox", "--no-such-option"]) == 2
    assert "econtract sandbox: error:" in capsys.readouterr().err
