"""The FastAPI example of docs/catalogue-cache.md, run on the Redis store too (the docs tests
run it on the default in-process store)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from redis.asyncio import Redis

from econtract_async import EcontractClient
from econtract_async.sandbox import Sandbox, serve_in_thread

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "catalogue_fastapi.py"


@pytest.mark.asyncio
async def test_the_fastapi_example_shares_its_entries_through_redis(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same three visitors, entries in Redis: one miss, two hits, and the entry is in Redis."""
    url = redis_url.rsplit("/", 1)[0] + "/1"  # a database of its own, emptied first
    redis = Redis.from_url(url)
    await redis.flushdb()
    spec = importlib.util.spec_from_file_location("catalogue_fastapi_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Sandbox() as sandbox, serve_in_thread(sandbox) as live:
        credentials = live.credentials
        monkeypatch.setenv("ECONTRACT_PRODUCT_URL", live.product_base_url)
        monkeypatch.setenv("ECONTRACT_PRODUCT_KEY", credentials.public_key)
        monkeypatch.setenv("ECONTRACT_PRODUCT_SECRET", credentials.secret)
        monkeypatch.setenv("CATALOGUE_REDIS_URL", url)
        async with EcontractClient.from_env() as ec:
            await module.main(ec)
        assert sandbox.calls["product.products.list"] == 1
    assert [key async for key in redis.scan_iter(match="shop:catalogue:e:*")]
    await redis.aclose()
