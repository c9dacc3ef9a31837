"""`econtract products list`: print the product catalogue as a table, or as JSON for scripts."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

import anyio

from .._exceptions import EcontractError
from ._common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    add_output_option,
    client_from_env,
    consoles,
    write_json,
)

if TYPE_CHECKING:
    from ..product import Product

__all__ = ["add_list_arguments", "list_command", "product_records", "product_table_rows"]

_COLUMNS = ("id", "name", "supplier", "type", "monthly")


def add_list_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `econtract products list`."""
    parser.add_argument("--cat", required=True, help="product category, e.g. electricity")
    parser.add_argument("--lang", choices=("nl", "fr"), default="nl")
    parser.add_argument("--segment", choices=("consumer", "sme"), help="market segment")
    parser.add_argument("--limit", type=int, help="at most this many products")
    add_output_option(parser)


def product_records(products: list[Product]) -> list[dict[str, Any]]:
    """One dict per product with the `_COLUMNS` keys (None where the API said nothing)."""
    return [
        {
            "id": product.product_id,
            "name": product.texts.name if product.texts else None,
            "supplier": product.supplier.name if product.supplier else None,
            "type": product.producttype,
            "monthly": product.price.monthly if product.price else None,
        }
        for product in products
    ]


def product_table_rows(products: list[Product]) -> list[tuple[str, ...]]:
    """One text tuple per product, in `_COLUMNS` order (blank where the API said nothing)."""
    rows: list[tuple[str, ...]] = []
    for record in product_records(products):
        monthly = record["monthly"]
        cells = {**record, "monthly": None if monthly is None else f"{monthly:.2f}"}
        rows.append(tuple("" if cells[c] is None else str(cells[c]) for c in _COLUMNS))
    return rows


def list_command(args: argparse.Namespace) -> int:
    """Fetch the products and print them; exit 1 if the API refused."""
    out, err = consoles()
    client = client_from_env(need="product")

    async def fetch() -> list[Product]:
        async with client:
            return await client.products.list(
                cat=args.cat, lang=args.lang, sg=args.segment, limit=args.limit
            )

    try:
        products = anyio.run(fetch)
    except EcontractError as error:
        err.print(f"error: {error}", style="red", markup=False, highlight=False)
        return EXIT_INCOMPLETE
    if args.output == "json":
        write_json(product_records(products))
        return EXIT_OK
    from rich.table import Table

    table = Table(*_COLUMNS, title=f"{len(products)} products ({args.cat}, {args.lang})")
    for row in product_table_rows(products):
        table.add_row(*row)
    out.print(table)
    return EXIT_OK
