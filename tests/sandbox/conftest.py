"""Fixtures for the sandbox's own tests: an in-process sandbox and raw httpx access to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from econtract_async._auth import product_signature
from econtract_async.sandbox import Sandbox
from econtract_async.testing import FixedClock, SequentialNonce

NOW = 1_790_000_000


@pytest.fixture
def clock() -> FixedClock:
    """The server clock every sandbox test shares."""
    return FixedClock(NOW)


@pytest.fixture
def sandbox(clock: FixedClock) -> Iterator[Sandbox]:
    """A fresh in-memory sandbox on the fixed clock."""
    with Sandbox(clock=clock) as box:
        yield box


@pytest_asyncio.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """Plain httpx, in-process, to the sandbox: requests are written by hand like curl's."""
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=sandbox.base_url
    ) as client:
        yield client


class Signer:
    """Signs product-API parameters the way the official clients do."""

    def __init__(self, sandbox: Sandbox, clock: FixedClock) -> None:
        self.credentials = sandbox.credentials
        self.clock = clock
        self.nonce = SequentialNonce()

    def __call__(self, params: dict[str, Any], *, nonce: str | None = None) -> dict[str, Any]:
        """`params` with key, time, nonce and apikey appended."""
        timestamp = int(self.clock())
        nonce = nonce or self.nonce()
        key = self.credentials.public_key
        apikey = product_signature(key, self.credentials.secret, timestamp, nonce)
        return {**params, "key": key, "time": timestamp, "nonce": nonce, "apikey": apikey}


@pytest.fixture
def sign(sandbox: Sandbox, clock: FixedClock) -> Signer:
    """A product-API signer matching the sandbox's credentials and clock."""
    return Signer(sandbox, clock)


@pytest.fixture
def crm(sandbox: Sandbox) -> dict[str, str]:
    """The CRM credentials as request parameters."""
    credentials = sandbox.credentials
    return {"crm_api_id": credentials.crm_api_id, "crm_api_key": credentials.crm_api_key}


CLIENT_FORM = {
    "gender": "1",
    "segment": "1",
    "first_name": "Jan",
    "last_name": "Peeters",
    "cellphone": "0499123456",
    "landline": "",
    "email": "jan.peeters@example.be",
    "language": "nl",
}
"""A complete create-client form, as the PHP package sends it."""
