"""`econtract products list`: print the product catalogue as a table."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import anyio

from .._exceptions import EcontractError
from ._common import EXIT_INCOMPLETE, EXIT_OK, client_from_env, consoles

if TYPE_CHECKING:
    from ..product import Product

__all__ = ["add_list_arguments", "list_command", "product_table_rows"]

_COLUMNS = ("id", "name", "supplier", "type", "monthly")


def add_list_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `econtract products list`."""
    parser.add_argument("--cat", required=True, help="product category, e.g. electricity")
    parser.add_argument("--lang", choices=("nl", "fr"), default="nl")
    parser.add_argument("--segment", choices=("consumer", "sme"), help="market segment")
    parser.add_argument("--limit", type=int, help="at most this many products")


def product_table_rows(products: list[Product]) -> list[tuple[str, ...]]:
    """One text tuple per product, in `_COLUMNS` order (blank where the API said nothing)."""
    rows: list[tuple[str, ...]] = []
    for product in products:
        monthly = product.price.monthly if product.price else None
        rows.append(
            (
                "" if product.product_id is None else str(product.product_id),
                (product.texts.name if product.texts else None) or "",
                (product.supplier.name if product.supplier else None) or "",
                product.producttype or "",
                "" if monthly is None else f"{monthly:.2f}",
            )
        )
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
    from rich.table import Table

    table = Table(*_COLUMNS, title=f"{len(products)} products ({args.cat}, {args.lang})")
    for row in product_table_rows(products):
        table.add_row(*row)
    out.print(table)
    return EXIT_OK
