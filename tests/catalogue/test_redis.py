"""The Redis store against a real redis-server: shared entries, safe format, one refresher."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from econtract_async import EcontractClient
from econtract_async.catalogue import Catalogue, CatalogueSettings, RedisStore
from econtract_async.sandbox import Sandbox, serve_in_thread
from econtract_async.testing import FixedClock

LIST = "product.products.list"
LAST = "product.products.last_updated"
WORKER = Path(__file__).with_name("redis_worker.py")


@pytest_asyncio.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def prefix() -> str:
    """Each test its own key space on the shared server."""
    return f"test:{uuid.uuid4().hex}:"


@pytest.mark.asyncio
async def test_processes_share_entries_and_results_equal_the_uncached_calls(
    ec: EcontractClient, sandbox: Sandbox, redis: Redis, prefix: str
) -> None:
    """A second catalogue (another process, in effect) reads the first one's entry: no call."""
    first = Catalogue(ec, store=RedisStore(redis, prefix=prefix))
    second = Catalogue(ec, store=RedisStore(redis, prefix=prefix))
    written = await first.products(cat="internet", sg="consumer")
    product = await first.product(3, cat="internet", sg="consumer")
    supplier = await first.supplier(12)
    calls = dict(sandbox.calls)
    read = await second.products(cat="internet", sg="consumer")
    assert read == written == await ec.product.products.list(cat="internet", sg="consumer")
    assert await second.product(3, cat="internet", sg="consumer") == product
    assert await second.supplier(12) == supplier == await ec.product.suppliers.get(12)
    assert second.stats.hits == 3
    assert sandbox.calls[LIST] == calls[LIST] + 1  # only the uncached comparison call
    assert await second.products(cat="internet", sg="consumer") is read  # decoded once


@pytest.mark.asyncio
async def test_entries_are_json_with_the_api_body_never_pickle(
    ec: EcontractClient, redis: Redis, prefix: str
) -> None:
    """The stored body is the API's own JSON; the metadata is a small JSON object."""
    catalogue = Catalogue(ec, store=RedisStore(redis, prefix=prefix))
    await catalogue.products(cat="gas", limit=2)
    names = [name async for name in redis.scan_iter(match=f"{prefix}e:*")]
    assert len(names) == 1
    assert json.loads(names[0][len(prefix) + 2 :]) == [
        "products",
        None,
        ["cat", "gas"],
        ["lang", "nl"],
        ["limit", 2],
    ]
    meta = json.loads(await redis.hget(names[0], "meta"))  # type: ignore[misc]
    assert set(meta) == {"format", "kind", "version", "fetched_at", "checked_at", "stamp"}
    body = json.loads(await redis.hget(names[0], "body"))  # type: ignore[misc]
    assert [item["product_id"] for item in body] == [
        str(p.product_id) for p in await ec.product.products.list(cat="gas", limit=2)
    ]
    assert await redis.pttl(names[0]) > 0


@pytest.mark.asyncio
async def test_unreadable_entries_are_misses(
    ec: EcontractClient, sandbox: Sandbox, redis: Redis, prefix: str
) -> None:
    """A tampered or foreign entry is ignored and fetched again, never trusted."""
    store = RedisStore(redis, prefix=prefix)
    catalogue = Catalogue(ec, store=store)
    await catalogue.products(cat="gas")
    (name,) = [name async for name in redis.scan_iter(match=f"{prefix}e:*")]
    await redis.hset(name, "meta", b"\x80not json")  # type: ignore[misc]
    fresh = Catalogue(ec, store=RedisStore(redis, prefix=prefix))
    assert await fresh.products(cat="gas") == await ec.product.products.list(cat="gas")
    assert fresh.stats.misses == 1


@pytest.mark.asyncio
async def test_revalidation_extends_the_shared_entry_for_everyone(
    ec: EcontractClient, sandbox: Sandbox, redis: Redis, prefix: str, clock: FixedClock
) -> None:
    """One catalogue revalidates; the other finds the entry fresh again and asks nothing."""
    settings = CatalogueSettings(ttl=10, max_stale=0)
    first = Catalogue(ec, store=RedisStore(redis, prefix=prefix), settings=settings, clock=clock)
    second = Catalogue(ec, store=RedisStore(redis, prefix=prefix), settings=settings, clock=clock)
    await first.products(cat="mobile")
    clock.advance(11)
    await first.products(cat="mobile")
    await second.products(cat="mobile")
    assert sandbox.calls == {LAST: 2, LIST: 1}
    assert (second.stats.hits, second.stats.revalidations) == (1, 0)
    sandbox.change_catalogue(cat="mobile")
    clock.advance(11)
    changed = await second.products(cat="mobile")
    assert await first.products(cat="mobile") == changed
    assert sandbox.calls == {LAST: 3, LIST: 2}
    assert changed == await ec.product.products.list(cat="mobile")


def test_many_processes_one_refresher(redis_url: str, prefix: str) -> None:
    """4 processes on one Redis, 20 readers each: one fetch for the cold key, one per change."""
    ttl = 1.0
    with Sandbox() as sandbox, serve_in_thread(sandbox) as live:
        workers = [
            subprocess.Popen(
                [sys.executable, str(WORKER), live.base_url, redis_url, prefix, str(ttl)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        try:
            for worker in workers:
                assert worker.stdout is not None
                assert worker.stdout.readline().strip() == "ready"

            def read_all() -> list[dict[str, object]]:
                for worker in workers:
                    assert worker.stdin is not None
                    worker.stdin.write("read\n")
                    worker.stdin.flush()
                answers = []
                for worker in workers:
                    assert worker.stdout is not None
                    answers.append(json.loads(worker.stdout.readline()))
                return answers

            cold = read_all()
            assert sandbox.calls == {LAST: 1, LIST: 1}
            prices = {json.dumps(p) for a in cold for p in a["prices"]}  # type: ignore[attr-defined]
            assert len(prices) == 1
            for _ in range(2):
                sandbox.change_catalogue(cat="internet")
                time.sleep(ttl + 0.2)
                answers = read_all()
                new_prices = {json.dumps(p) for a in answers for p in a["prices"]}  # type: ignore[attr-defined]
                assert len(new_prices) == 1
                assert new_prices != prices
                prices = new_prices
            assert sandbox.calls == {LAST: 3, LIST: 3}
            refreshes = sum(a["stats"]["refreshes"] for a in answers)  # type: ignore[index]
            assert refreshes == 2
        finally:
            for worker in workers:
                if worker.stdin is not None:
                    worker.stdin.close()
            for worker in workers:
                worker.wait(timeout=30)
                if worker.stdout is not None:
                    worker.stdout.close()
