"""A session-wide sandbox on a real 127.0.0.1 socket, and SDK clients talking to it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from econtract_async import EcontractClient, RetryConfig
from econtract_async.sandbox import LiveSandbox, Sandbox, serve_in_thread
from econtract_async.testing import client_for

NO_WAIT = RetryConfig(base_delay=0.0, max_delay=0.0, max_retry_after=0.0)
"""Retries without waiting: tests check what is retried, never how long it takes."""


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSandbox]:
    """One sandbox served by uvicorn in a thread for the whole session, on a database file."""
    db = tmp_path_factory.mktemp("sandbox") / "integration.db"
    with Sandbox(db=db) as sandbox, serve_in_thread(sandbox) as served:
        yield served


@pytest.fixture(autouse=True)
def _no_faults(live: LiveSandbox) -> Iterator[None]:
    """Every test starts and ends without injected faults."""
    live.sandbox.clear_faults()
    yield
    live.sandbox.clear_faults()


@pytest_asyncio.fixture
async def ec(live: LiveSandbox) -> AsyncIterator[EcontractClient]:
    """An SDK client on the loopback socket, retrying without delays."""
    async with client_for(live, retry=NO_WAIT) as client:
        yield client


def new_client(**overrides: Any) -> dict[str, Any]:
    """Create-client fields with a mailbox no other test uses."""
    fields: dict[str, Any] = {
        "gender": 1,
        "segment": 1,
        "first_name": "Jan",
        "last_name": "Peeters",
        "cellphone": "0499123456",
        "email": f"jan.{uuid.uuid4().hex[:12]}@example.be",
        "language": "nl",
    }
    return {**fields, **overrides}


def new_order(**overrides: Any) -> dict[str, Any]:
    """A complete electricity order (wire names) for a new client."""
    client = new_client()
    fields: dict[str, Any] = {
        "producttype": "electricity",
        **{f"client_{k}": v for k, v in client.items()},
        "address_street": "Kerkstraat",
        "address_nr": "10",
        "address_box": "",
        "address_postal_code": "3500",
        "address_city": "Hasselt",
        "address_country": "BE",
        "comparison_id": 45688954,
        "affiliate_id": 50,
        "sales_channel_id": 1,
        "ip_address": "192.168.1.1",
        "supplier_id": 15,
        "product_id": 12,
        "payment_method": 1,
        "ean": "541448800000000000",
        "mru_type": 2,
        "mru_nr": "",
        "connection_type": 1,
        "usage_day": 3500,
        "usage_night": "",
        "usage_excl": "",
        "has_budget_meter": False,
        "has_solar_panels": False,
        "situation": 3,
        "donor": "",
        "donor_client_nr": "",
    }
    return {**fields, **overrides}
