"""Deterministic product-API signatures: a frozen clock and predictable, never-repeated nonces."""

from __future__ import annotations

import pytest

from econtract_async import BadRequestError
from econtract_async.testing import FixedClock, SequentialNonce, sandbox_client


@pytest.mark.asyncio
async def test_frozen_time_with_sequential_nonces() -> None:
    """The sandbox shares the clock, so the frozen time is never "stale"; every nonce is new."""
    clock = FixedClock(1_790_000_000)
    async with sandbox_client(clock=clock, nonce=SequentialNonce()) as ec:
        with ec.raw_responses() as sent:
            await ec.products.list(cat="internet", limit=1)
            await ec.products.list(cat="internet", limit=1)
    params = [response.request.url.params for response in sent]
    assert [p["time"] for p in params] == ["1790000000", "1790000000"]
    assert [p["nonce"][-1] for p in params] == ["1", "2"]


@pytest.mark.asyncio
async def test_a_constant_nonce_is_a_replay() -> None:
    """The same time and nonce twice: the sandbox refuses the second request, as the API does."""
    clock = FixedClock(1_790_000_000)
    async with sandbox_client(clock=clock, nonce=lambda: "0" * 32) as ec:
        await ec.products.list(cat="internet", limit=1)
        with pytest.raises(BadRequestError) as caught:
            await ec.products.list(cat="internet", limit=1)
    assert "time and nonce already used" in caught.value.api_message
