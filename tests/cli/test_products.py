"""Tests for `econtract products list` (`econtract_async.cli.products`)."""

from __future__ import annotations

import json

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


def test_json_output_is_one_document_of_typed_values(
    live: LiveSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints a JSON list of products with numbers as numbers, and nothing else."""
    assert main(["products", "list", "--cat", "electricity", "--json", "--limit", "3"]) == 0
    products = json.loads(capsys.readouterr().out)
    assert 1 <= len(products) <= 3
    for product in products:
        assert set(product) == {"id", "name", "supplier", "type", "monthly"}
        assert isinstance(product["id"], int)
        assert product["monthly"] is None or isinstance(product["monthly"], float)


def test_output_json_is_the_same_as_json(
    live: LiveSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """--output json and --json print the same document."""
    assert main(["products", "list", "--cat", "gas", "--json"]) == 0
    short = capsys.readouterr().out
    assert main(["products", "list", "--cat", "gas", "--output", "json"]) == 0
    assert capsys.readouterr().out == short


def test_json_and_output_table_together_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The two spellings exclude each other."""
    assert main(["products", "list", "--cat", "gas", "--json", "--output", "table"]) == 2
    assert "not allowed with" in capsys.readouterr().err
