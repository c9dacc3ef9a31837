"""Tests that take the pytest plugin's fixtures: each test gets its own, empty sandbox."""

from __future__ import annotations

import pytest

from econtract_async import EcontractClient
from econtract_async.crm import AddressFields, ClientFields, ElectricityOrder, Order
from econtract_async.sandbox import LiveSandbox, Sandbox


async def place_order(ec: EcontractClient, *, email: str, product_id: int) -> Order:
    """Your code: order an electricity product for a new customer."""
    return await ec.crm.orders.create(
        ElectricityOrder(
            comparison_id=1,
            affiliate_id=1,
            sales_channel_id=1,
            ip_address="192.168.1.1",
            supplier_id=5,
            product_id=product_id,
            payment_method=1,
            mru_type=2,
            connection_type=1,
            has_budget_meter=False,
            has_solar_panels=False,
            situation=3,
            client=ClientFields(
                gender=1,
                segment=1,
                first_name="Jan",
                last_name="Peeters",
                cellphone="0470123456",
                email=email,
                language="nl",
            ),
            address=AddressFields(
                street="Kerkstraat", nr="12", postal_code="3500", city="Hasselt", country="BE"
            ),
        )
    )


@pytest.mark.asyncio
async def test_order_flow(econtract_client: EcontractClient, econtract_sandbox: Sandbox) -> None:
    """Placing the same order twice leaves one order in the CRM (it de-duplicates orders)."""
    order = await place_order(econtract_client, email="jan@example.be", product_id=1)
    again = await place_order(econtract_client, email="jan@example.be", product_id=1)
    assert again.id == order.id
    assert econtract_sandbox.store.count("orders") == 1


@pytest.mark.asyncio
async def test_order_over_loopback(
    econtract_live_client: EcontractClient, econtract_live_sandbox: LiveSandbox
) -> None:
    """The live fixtures serve the same sandbox on a real 127.0.0.1 socket."""
    assert econtract_live_sandbox.base_url.startswith("http://127.0.0.1:")
    await place_order(econtract_live_client, email="jan@example.be", product_id=2)
    assert econtract_live_sandbox.sandbox.store.count("orders") == 1
