"""The simplest mock needs no plugin at all: a function behind `httpx.MockTransport`."""

from __future__ import annotations

import httpx
import pytest

from econtract_async import CrmKeyAuth, EcontractClient


def handler(request: httpx.Request) -> httpx.Response:
    """Answer every request with one client, after checking the credentials were sent."""
    assert request.url.params["crm_api_id"] == "id"
    return httpx.Response(200, json={"id": 63, "email": "jan@example.be"})


@pytest.mark.asyncio
async def test_client_is_read() -> None:
    """The SDK decodes the handler's JSON into a `Client`."""
    async with EcontractClient(
        crm_auth=CrmKeyAuth("id", "key"),
        crm_base_url="https://crm.example.invalid",
        transport=httpx.MockTransport(handler),
    ) as ec:
        client = await ec.crm.clients.get(63)
    assert client.email == "jan@example.be"
