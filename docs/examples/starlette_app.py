"""One `EcontractClient` per Starlette app, opened in the lifespan and handed to each request."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from econtract_async import EcontractClient

TRUSTED_PROXIES = frozenset({"127.0.0.1"})
"""Only these peers may tell us the visitor's address in `X-Forwarded-For`."""


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Open the one client (and its connection pool) at startup, close it at shutdown."""
    async with EcontractClient.from_env() as ec:
        app.state.econtract = ec
        yield


def visitor_ip(request: Request) -> str | None:
    """The visitor's address: the peer, or the last hop a trusted proxy appended."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and peer in TRUSTED_PROXIES:
        return forwarded.split(",")[-1].strip()
    return peer


def econtract(request: Request) -> EcontractClient:
    """The dependency: the app's client, signing product-API calls with this visitor's IP."""
    ec: EcontractClient = request.app.state.econtract
    ip = visitor_ip(request)
    return ec.with_options(end_user_ip=ip) if ip else ec


async def products(request: Request) -> JSONResponse:
    """List products of one type for the visitor."""
    ec = econtract(request)
    found = await ec.products.list(cat=request.path_params["cat"], limit=5)
    return JSONResponse(
        [{"id": p.product_id, "name": p.texts.name if p.texts else None} for p in found]
    )


app = Starlette(routes=[Route("/products/{cat}", products)], lifespan=lifespan)


async def main(ec: EcontractClient) -> None:
    """Run the app's lifespan and serve one request through httpx, as a browser would."""
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as browser:
            with app.state.econtract.raw_responses() as sent:
                response = await browser.get(
                    "/products/electricity", headers={"X-Forwarded-For": "203.0.113.7"}
                )
    assert response.status_code == 200, response.text
    assert len(response.json()) <= 5
    assert "ip=203.0.113.7" in str(sent[-1].request.url)
