"""A custom `Auth` strategy: the CRM key is read from a secret store on every request."""

from __future__ import annotations

import os
from collections.abc import Callable

from econtract_async import EcontractClient, OutgoingRequest


class RotatingCrmKeyAuth:
    """CRM credentials whose key may rotate: it is fetched afresh for every attempt."""

    secret_params = frozenset({"crm_api_key"})

    def __init__(self, api_id: str, fetch_key: Callable[[], str]) -> None:
        self.api_id = api_id
        self._fetch_key = fetch_key

    def apply(self, request: OutgoingRequest, /) -> OutgoingRequest:
        """Append `crm_api_id` and `crm_api_key` after the call's own parameters."""
        request.params.append(("crm_api_id", self.api_id))
        request.params.append(("crm_api_key", self._fetch_key()))
        return request

    def __repr__(self) -> str:
        return f"RotatingCrmKeyAuth(api_id={self.api_id!r})"


def read_key_from_vault() -> str:
    """Stand-in for your secret store's client."""
    return os.environ["AB_CRM_KEY"]


async def main(ec: EcontractClient) -> None:
    """Use the custom strategy for the CRM API."""
    auth = RotatingCrmKeyAuth(os.environ["AB_CRM_ID"], read_key_from_vault)
    async with EcontractClient(crm_auth=auth, crm_base_url=os.environ["AB_CRM_URL"]) as client:
        rating = await client.crm.suppliers.rating(5)
        print(rating)
