"""A test of your own code against the in-process sandbox: no socket, a fresh database."""

from __future__ import annotations

import pytest

from econtract_async import EcontractClient
from econtract_async.crm import Client
from econtract_async.testing import sandbox_client


async def signup(ec: EcontractClient, *, email: str) -> Client:
    """Your code: register a newsletter subscriber as a CRM client."""
    return await ec.crm.clients.create(
        gender=1,
        segment=1,
        first_name="Jan",
        last_name="Peeters",
        cellphone="0470123456",
        email=email,
        language="nl",
    )


@pytest.mark.asyncio
async def test_signup_creates_one_client() -> None:
    """Signing up twice with the same address (in any case) updates the one client."""
    async with sandbox_client() as ec:
        first = await signup(ec, email="jan@example.be")
        again = await signup(ec, email="JAN@example.be")
    assert again.id == first.id
