"""One exact answer with respx, and what the SDK sent: nothing to pass to the client."""

from __future__ import annotations

import pytest
import respx

from econtract_async import CrmKeyAuth, EcontractClient, NotFoundError


@pytest.mark.asyncio
async def test_missing_client_is_reported() -> None:
    """A 404 from the CRM becomes `NotFoundError` with the API's message."""
    with respx.mock(assert_all_called=True) as router:
        route = router.get("https://crm.example.invalid/api/clients/63").respond(
            404, text="Api error : Client 63 not found"
        )
        async with EcontractClient(
            crm_auth=CrmKeyAuth("id", "key"),
            crm_base_url="https://crm.example.invalid",
        ) as ec:
            with pytest.raises(NotFoundError) as caught:
                await ec.crm.clients.get(63)
    assert caught.value.api_message == "Client 63 not found"
    assert route.calls.last.request.url.params["crm_api_id"] == "id"
