"""Rehearsing the bad days: faults injected into a running sandbox, and what the SDK makes of them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from econtract_async import (
    ConnectionLostError,
    EcontractClient,
    RateLimitError,
    RetryConfig,
    ServerError,
)
from econtract_async.crm import ThirdPartyLead
from econtract_async.sandbox import Sandbox
from econtract_async.testing import sandbox_client

NO_WAITING = RetryConfig(base_delay=0, max_delay=0, max_retry_after=0)
"""Retry at once: a test has no reason to sleep between attempts."""

LEAD = ThirdPartyLead.from_mapping(
    {
        "first_name": "Lotte",
        "last_name": "Janssens",
        "email": "lotte@example.be",
        "language": "nl",
        "cellphone": "0471234567",
        "supplier_id": "5",
        "address_street": "Kerkstraat",
        "address_nr": "10",
        "address_postal_code": "3500",
        "address_city": "Hasselt",
        "address_country": "BE",
    }
)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A sandbox of our own, so the test can change its faults while it runs."""
    with Sandbox() as sandbox:
        yield sandbox


@pytest_asyncio.fixture
async def ec(sandbox: Sandbox) -> AsyncIterator[EcontractClient]:
    """A client of that sandbox that retries without waiting."""
    async with sandbox_client(sandbox, retry=NO_WAITING) as client:
        yield client


@pytest.mark.asyncio
async def test_a_one_off_503_is_retried(ec: EcontractClient, sandbox: Sandbox) -> None:
    """The next request fails with 503; the SDK retries and the caller sees the answer."""
    sandbox.set_faults(script=("503",))
    rating = await ec.crm.suppliers.rating(5)
    assert 5 <= rating.extra["rating"] <= 10


@pytest.mark.asyncio
async def test_a_persistent_503_raises(ec: EcontractClient, sandbox: Sandbox) -> None:
    """When every attempt fails, the last error reaches the caller."""
    sandbox.set_faults(error_rates={503: 1.0}, seed=1)
    with pytest.raises(ServerError):
        await ec.crm.suppliers.rating(5)
    sandbox.clear_faults()
    await ec.crm.suppliers.rating(5)


@pytest.mark.asyncio
async def test_persistent_rate_limiting_raises(ec: EcontractClient, sandbox: Sandbox) -> None:
    """Every answer is 429: the error carries the server's `Retry-After`."""
    sandbox.set_faults(rate_limit_rate=1.0, retry_after=2)
    with pytest.raises(RateLimitError) as caught:
        await ec.crm.suppliers.rating(5)
    assert caught.value.retry_after == 2


@pytest.mark.asyncio
async def test_a_dropped_create_is_retried_once_stored(
    ec: EcontractClient, sandbox: Sandbox
) -> None:
    """The CRM de-duplicates clients, addresses and orders: resending a lost create is safe."""
    sandbox.set_faults(script=("drop",))
    client = await ec.crm.clients.create(
        gender=1,
        segment=1,
        first_name="Jan",
        last_name="Peeters",
        cellphone="0470123456",
        email="jan@example.be",
        language="nl",
    )
    assert client.id > 0
    assert sandbox.store.count("clients") == 1


@pytest.mark.asyncio
async def test_a_dropped_lead_may_have_been_stored(ec: EcontractClient, sandbox: Sandbox) -> None:
    """Leads are not de-duplicated, so a lost answer is not retried: the caller must decide."""
    sandbox.set_faults(script=("drop",))  # the next request is dropped after its write
    with pytest.raises(ConnectionLostError):
        await ec.crm.leads.create(LEAD)
    assert sandbox.store.count("leads") == 1  # it was stored after all
