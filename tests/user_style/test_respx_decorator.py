"""A test written the way respx's docs show it: `@respx.mock`, routes on the real URL, nothing
passed to the client. Nothing may leave the process (respx's default `assert_all_mocked`)."""

from __future__ import annotations

import httpx
import pytest
import respx

from econtract_async import (
    DEFAULT_CRM_URL,
    DEFAULT_PRODUCT_URL,
    CrmKeyAuth,
    EcontractClient,
    SignedProductKeyAuth,
)


@pytest.mark.asyncio
@respx.mock
async def test_a_plain_respx_mock_intercepts_the_default_client() -> None:
    route = respx.get(url__startswith=f"{DEFAULT_CRM_URL}/api/clients/63").mock(
        return_value=httpx.Response(200, json={"id": 63, "first_name": "Jan"})
    )
    products = respx.get(url__startswith=f"{DEFAULT_PRODUCT_URL}/products.json").mock(
        return_value=httpx.Response(200, json=[])
    )
    async with EcontractClient(
        crm_auth=CrmKeyAuth("p-1", "ck_test_0000"),
        product_auth=SignedProductKeyAuth("pub", "sec"),
    ) as ec:
        client = await ec.crm.clients.get(63)
        assert await ec.products.list(cat="gas", lang="nl") == []
    assert client.first_name == "Jan"
    assert route.call_count == products.call_count == 1
    assert route.calls.last.request.url.params["crm_api_id"] == "p-1"
