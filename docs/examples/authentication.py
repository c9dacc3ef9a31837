"""Both built-in strategies, built explicitly, and the visitor's IP on product-API calls."""

from __future__ import annotations

import os

from econtract_async import CrmKeyAuth, EcontractClient, RequestOptions, SignedProductKeyAuth


def build_client() -> EcontractClient:
    """The same client `EcontractClient.from_env()` builds, spelled out."""
    return EcontractClient(
        crm_auth=CrmKeyAuth(os.environ["AB_CRM_ID"], os.environ["AB_CRM_KEY"]),
        product_auth=SignedProductKeyAuth(
            os.environ["ECONTRACT_PRODUCT_KEY"], os.environ["ECONTRACT_PRODUCT_SECRET"]
        ),
        crm_base_url=os.environ.get("AB_CRM_URL", "https://crm.econtract.be"),
        product_base_url=os.environ.get("ECONTRACT_PRODUCT_URL", "https://api.econtract.be"),
    )


async def main(ec: EcontractClient) -> None:
    """Sign product-API calls with the visitor's IP: per client view, or per call."""
    async with build_client() as client:
        print(client)  # secrets never show: CrmKeyAuth(api_id='...', api_key=[secure])
        assert os.environ["AB_CRM_KEY"] not in repr(client)

        visitor = client.with_options(end_user_ip="203.0.113.7")
        await visitor.products.list(cat="internet", limit=1)

        await client.products.list(
            cat="internet", limit=1, options=RequestOptions(end_user_ip="198.51.100.23")
        )
