"""A FastAPI backend serving catalogue reads from memory: one `Catalogue` for the app's lifetime."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import httpx
from fastapi import Depends, FastAPI, Request

from econtract_async import EcontractClient
from econtract_async.catalogue import Catalogue, CatalogueSettings, RedisStore, Store


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the client and its catalogue at startup; close both (and the pool) at shutdown."""
    settings = CatalogueSettings(ttl=300, max_stale=60, stale_if_error=3600)
    # Several workers or pods: share entries (and one refresher per key) through Redis.
    redis_url = os.environ.get("CATALOGUE_REDIS_URL")
    store: Store | None = RedisStore(redis_url, prefix="shop:catalogue:") if redis_url else None
    async with (
        EcontractClient.from_env() as ec,
        Catalogue(ec, settings=settings, store=store, max_entries=2000) as catalogue,
    ):
        app.state.catalogue = catalogue
        yield
    if store is not None:
        await store.aclose()


def get_catalogue(request: Request) -> Catalogue:
    """The dependency: the app's one catalogue (its entries are shared by every request)."""
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
app = FastAPI(lifespan=lifespan)


@app.get("/products/{cat}")
async def products(
    cat: str, catalogue: CatalogueDep, lang: Literal["nl", "fr"] = "nl"
) -> list[dict[str, Any]]:
    """A comparison table: every product of one type, from memory after the first visitor."""
    found = await catalogue.products(cat=cat, lang=lang)
    return [
        {
            "id": p.product_id,
            "name": p.texts.name if p.texts else None,
            "monthly": p.price.monthly if p.price else None,
        }
        for p in found
    ]


@app.get("/metrics/catalogue")
async def metrics(catalogue: CatalogueDep) -> dict[str, int]:
    """Hit, miss, refresh, stale and error counters, for your metrics scraper."""
    return catalogue.stats.as_dict()


async def main(ec: EcontractClient) -> None:
    """Run the app's lifespan and let three visitors ask for the same table."""
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as browser:
            pages = [await browser.get("/products/internet") for _ in range(3)]
            counters = (await browser.get("/metrics/catalogue")).json()
    assert all(page.status_code == 200 for page in pages), pages[0].text
    assert pages[0].json() == pages[2].json()
    assert pages[0].json()[0]["name"]
    assert (counters["misses"], counters["hits"]) == (1, 2)
