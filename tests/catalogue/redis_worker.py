"""One web-backend process of the many-processes test: a `Catalogue` on a shared `RedisStore`.

    python tests/catalogue/redis_worker.py SANDBOX_URL REDIS_URL PREFIX TTL

Prints `ready`, then for each `read` line on stdin reads one key 20 times at once and prints
one JSON line: the monthly prices read and the catalogue's counters. Ends on `quit` or EOF.
"""

from __future__ import annotations

import json
import sys

import anyio

from econtract_async import EcontractClient
from econtract_async.catalogue import Catalogue, CatalogueSettings, RedisStore
from econtract_async.sandbox import SandboxCredentials


async def main(sandbox_url: str, redis_url: str, prefix: str, ttl: float) -> None:
    credentials = SandboxCredentials()
    store = RedisStore(redis_url, prefix=prefix)
    settings = CatalogueSettings(ttl=ttl, max_stale=0, wait_poll=0.01)
    async with (
        EcontractClient(
            product_auth=credentials.product_auth(), product_base_url=sandbox_url, max_retries=0
        ) as ec,
        Catalogue(ec, settings=settings, store=store) as catalogue,
    ):
        print("ready", flush=True)
        while True:
            line = (await anyio.to_thread.run_sync(sys.stdin.readline)).strip()
            if line != "read":
                break
            prices: list[list[float | None]] = []

            async def read(prices: list[list[float | None]] = prices) -> None:
                found = await catalogue.products(cat="internet", lang="nl")
                prices.append([p.price.monthly if p.price else None for p in found])

            async with anyio.create_task_group() as group:
                for _ in range(20):
                    group.start_soon(read)
            print(json.dumps({"prices": prices, "stats": catalogue.stats.as_dict()}), flush=True)
    await store.aclose()


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
