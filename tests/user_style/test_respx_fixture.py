"""A test written with respx's pytest fixture (`respx_mock`), nothing passed to the client."""

from __future__ import annotations

import httpx
import pytest
import respx

from econtract_async import DEFAULT_CRM_URL, CrmKeyAuth, EcontractClient, NotFoundError


@pytest.mark.asyncio
async def test_the_respx_mock_fixture_intercepts_the_default_client(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.post(f"{DEFAULT_CRM_URL}/api/leads").mock(
        return_value=httpx.Response(200, json={"id": 5})
    )
    missing = respx_mock.get(url__startswith=f"{DEFAULT_CRM_URL}/api/clients/9").mock(
        return_value=httpx.Response(404, text="Api error : Client 9 not found")
    )
    async with EcontractClient(crm_auth=CrmKeyAuth("p-1", "ck_test_0000")) as ec:
        lead = await ec.crm.leads.create_call_me_back(first_name="Jan", phone="0471234567")
        with pytest.raises(NotFoundError) as caught:
            await ec.crm.clients.get(9)
    assert lead.id == 5
    assert caught.value.api_message == "Client 9 not found"
    assert missing.call_count == 1
    sent = respx_mock.calls[0].request
    assert b"crm_api_key=ck_test_0000" in sent.content
