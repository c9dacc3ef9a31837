"""Quickstart: create a client in the CRM, read it back, and list products."""

from __future__ import annotations

import anyio

from econtract_async import EcontractClient


async def main(ec: EcontractClient) -> None:
    """Create a client, fetch it by id, and look up two electricity products."""
    created = await ec.crm.clients.create(
        gender=1,  # open codes of the CRM parameters page
        segment=1,
        first_name="Jan",
        last_name="Peeters",
        cellphone="0470123456",
        email="jan.peeters@example.be",
        language="nl",
    )
    client = await ec.crm.clients.get(created.id)
    print(f"client {client.id}: {client.first_name} {client.last_name}")

    products = await ec.products.list(cat="electricity", limit=2)
    for product in products:
        name = product.texts.name if product.texts else None
        print(f"product {product.product_id}: {name}")


async def run() -> None:
    """Credentials come from AB_CRM_ID/AB_CRM_KEY and ECONTRACT_PRODUCT_KEY/_SECRET."""
    async with EcontractClient.from_env() as ec:
        await main(ec)


if __name__ == "__main__":
    anyio.run(run)
