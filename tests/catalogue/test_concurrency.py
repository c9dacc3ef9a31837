"""Single flight, stale-while-revalidate and stale-if-error (with sandbox faults), LRU bounds."""

from __future__ import annotations

import logging
import re
from typing import Any

import anyio
import pytest

from econtract_async import EcontractClient, ServerError
from econtract_async.catalogue import Catalogue, CatalogueSettings, MemoryStore
from econtract_async.sandbox import Sandbox
from econtract_async.testing import FixedClock

LIST = "product.products.list"
GET = "product.products.get"
LAST = "product.products.last_updated"


async def until(condition: Any, what: str) -> None:
    """Wait (real time, bounded) for something a background task does."""
    for _ in range(2000):
        if condition():
            return
        await anyio.sleep(0.005)
    pytest.fail(f"gave up waiting for {what}")


@pytest.mark.asyncio
async def test_concurrent_misses_of_one_key_share_one_request(
    ec: EcontractClient, sandbox: Sandbox
) -> None:
    """500 readers of a cold key: one `last_updated`, one list call, one shared result."""
    sandbox.set_faults(latency=0.05)
    catalogue = Catalogue(ec)
    results: list[Any] = []

    async def read() -> None:
        results.append(await catalogue.products(cat="internet", sg="consumer"))

    async with anyio.create_task_group() as group:
        for _ in range(500):
            group.start_soon(read)
    assert sandbox.calls == {LAST: 1, LIST: 1}
    assert len(results) == 500
    assert all(r is results[0] for r in results)
    assert catalogue.stats.misses == 500


@pytest.mark.asyncio
async def test_concurrent_revalidations_share_one_last_updated_call(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """Expired keys of one `cat`/`lang`, read at once by many: one `last_updated` in all."""
    catalogue = Catalogue(ec, settings=CatalogueSettings(ttl=10, max_stale=0), clock=clock)
    for segment in ("consumer", "sme"):
        await catalogue.products(cat="internet", sg=segment)
    await catalogue.product(2, cat="internet", sg="consumer")
    sandbox.calls.clear()
    clock.advance(11)
    sandbox.set_faults(latency=0.05)

    async def read(segment: str) -> None:
        await catalogue.products(cat="internet", sg=segment)  # type: ignore[arg-type]
        await catalogue.product(2, cat="internet", sg="consumer")

    async with anyio.create_task_group() as group:
        for index in range(100):
            group.start_soon(read, ("consumer", "sme")[index % 2])
    assert sandbox.calls == {LAST: 1}
    assert catalogue.stats.revalidations == 2  # the miss, then the one shared revalidation


@pytest.mark.asyncio
async def test_a_cancelled_reader_does_not_fail_the_others(
    ec: EcontractClient, sandbox: Sandbox
) -> None:
    """The reader doing the shared fetch is cancelled: a waiting reader does it instead."""
    sandbox.set_faults(latency=0.1)
    catalogue = Catalogue(ec)
    got: list[Any] = []
    first = anyio.CancelScope()
    async with anyio.create_task_group() as group:

        async def leader() -> None:
            with first:
                await catalogue.products(cat="gas")

        async def follower() -> None:
            await anyio.sleep(0.02)
            got.append(await catalogue.products(cat="gas"))

        group.start_soon(leader)
        group.start_soon(follower)
        await anyio.sleep(0.05)
        first.cancel()
    assert first.cancelled_caught
    sandbox.clear_faults()
    assert got == [await ec.product.products.list(cat="gas")]


@pytest.mark.asyncio
async def test_stale_while_revalidate_serves_at_once_and_refreshes_in_the_background(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """Past the TTL readers get the current entry immediately; one background task refreshes."""
    settings = CatalogueSettings(ttl=10, max_stale=30)
    async with Catalogue(ec, settings=settings, clock=clock) as catalogue:
        before = await catalogue.products(cat="internet")
        sandbox.change_catalogue(cat="internet")
        sandbox.set_faults(latency=0.2)  # the refresh takes a while: readers must not wait
        clock.advance(11)
        with anyio.fail_after(0.15):  # far less than one slow call: nobody waited
            for _ in range(50):
                assert await catalogue.products(cat="internet") is before
        assert catalogue.stats.stale_served == 50
        await until(lambda: sandbox.calls[LIST] == 2, "the background refetch")
        await until(lambda: not catalogue._flights, "the refresh to land")
        sandbox.clear_faults()
        after = await catalogue.products(cat="internet")
        assert after is not before
        assert after == await ec.product.products.list(cat="internet")
        assert sandbox.calls[LAST] == 2  # the miss and one revalidation for 50 stale reads
        assert catalogue.stats.refreshes == 1


@pytest.mark.asyncio
async def test_past_max_stale_readers_wait_for_the_revalidation(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """Too stale to serve while revalidating: the reader gets the refetched entry."""
    settings = CatalogueSettings(ttl=10, max_stale=30)
    async with Catalogue(ec, settings=settings, clock=clock) as catalogue:
        before = await catalogue.products(cat="internet")
        sandbox.change_catalogue(cat="internet")
        clock.advance(41)
        after = await catalogue.products(cat="internet")
        assert after != before
        assert after == await ec.product.products.list(cat="internet")


@pytest.mark.asyncio
async def test_stale_if_error_serves_the_last_good_entry_up_to_its_limit(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """An outage: the last good entry, logged, with back-off; past the limit, the error."""
    settings = CatalogueSettings(ttl=10, max_stale=0, stale_if_error=100, error_backoff=30)
    catalogue = Catalogue(ec, settings=settings, clock=clock)
    good = await catalogue.products(cat="mobile")
    sandbox.set_faults(error_rates={503: 1.0})
    clock.advance(20)
    with caplog.at_level(logging.WARNING, logger="econtract_async.catalogue"):
        assert await catalogue.products(cat="mobile") is good
    assert "serving products" in caplog.text
    assert "503" in caplog.text
    assert sandbox.credentials.secret not in caplog.text
    assert re.search(r"apikey=(?!%5Bredacted%5D)", caplog.text) is None  # the signature too
    assert (catalogue.stats.errors, catalogue.stats.stale_served) == (1, 1)
    clock.advance(10)  # within the back-off: no new attempt
    assert await catalogue.products(cat="mobile") is good
    assert catalogue.stats.revalidations == 2
    clock.advance(30)  # past it: a new attempt, failing again
    assert await catalogue.products(cat="mobile") is good
    assert (catalogue.stats.revalidations, catalogue.stats.errors) == (3, 2)
    clock.advance(51)  # 101 s past the TTL: the error surfaces
    with pytest.raises(ServerError) as raised:
        await catalogue.products(cat="mobile")
    assert raised.value.status_code == 503
    sandbox.clear_faults()
    clock.advance(30)
    assert await catalogue.products(cat="mobile") is good  # recovered: unchanged, extended
    assert sandbox.calls[LIST] == 1


@pytest.mark.asyncio
async def test_a_failed_background_revalidation_is_logged_not_raised(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A dropped connection while revalidating in the background: readers never see it."""
    settings = CatalogueSettings(ttl=10, max_stale=30)
    async with Catalogue(ec, settings=settings, clock=clock) as catalogue:
        good = await catalogue.products(cat="gas")
        sandbox.set_faults(drop_rate=1.0)
        clock.advance(11)
        with caplog.at_level(logging.WARNING, logger="econtract_async.catalogue"):
            assert await catalogue.products(cat="gas") is good
            await until(lambda: catalogue.stats.errors == 1, "the failed revalidation")
        assert "background revalidation failed" in caplog.text
        assert await catalogue.products(cat="gas") is good


@pytest.mark.asyncio
async def test_the_memory_store_evicts_the_least_recently_read(
    ec: EcontractClient, sandbox: Sandbox
) -> None:
    """At most `max_entries` entries; reading one keeps it, the oldest unread one goes."""
    catalogue = Catalogue(ec, max_entries=3)
    for product_id in (1, 2, 3):
        await catalogue.product(product_id, cat="internet", sg="consumer")
    await catalogue.product(1, cat="internet", sg="consumer")  # read again: most recent
    await catalogue.product(4, cat="internet", sg="consumer")
    store = catalogue.store
    assert isinstance(store, MemoryStore)
    assert len(store) == 3
    assert [key[1] for key in store.lru_order()] == [3, 1, 4]
    assert catalogue.stats.evictions == 1
    await catalogue.product(2, cat="internet", sg="consumer")  # evicted: a miss again
    assert sandbox.calls[GET] == 5
    assert catalogue.stats.misses == 5
    with pytest.raises(ValueError, match="max_entries"):
        MemoryStore(0)
