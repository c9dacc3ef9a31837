"""Tests for `econtract products list` (`econtract_async.cli.products`)."""

from __future__ import annotations

import pytest

from econtract_async.cli import main
from econtract_async.sandbox import LiveSandbox

pytestmark = pytest.mark.integration


def test_products_are_printed_as_a_table(
    live: LiveSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sandbox catalogue's products appear with their names, and the exit code is 0."""
    assert main(["products", "list", "--cat", "electricity", "--lang", "nl"]) == 0
    out = capsys.readouterr().out
    assert "products (electricity, nl)" in out
    assert "supplier" in out


def test_products_need_product_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    """Without ECONTRACT_PRODUCT_KEY the command is a configuration error."""
    assert main(["products", "list", "--cat", "internet"]) == 2
    assert "ECONTRACT_PRODUCT_KEY" in capsys.readouterr().err


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse errors map to exit code 2."""
    assert main(["leads", "export"]) == 2
    assert "invalid choice" in capsys.readouterr().err
