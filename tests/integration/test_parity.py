"""The official clients' undocumented calls (docs/parity.md), through the SDK against a fresh sandbox on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from econtract_async import EcontractClient, NotFoundError, RequestOptions
from econtract_async.crm import Client, CreatedLead, Recommendation
from econtract_async.product import (
    GridOperator,
    PostcodeAvailability,
    Product,
    ProductUsages,
    Review,
    SalesAgent,
    Supplier,
)
from econtract_async.sandbox import LiveSandbox

pytestmark = [pytest.mark.asyncio, pytest.mark.integration]

CLIENT: dict[str, Any] = {
    "gender": 1,
    "segment": 1,
    "first_name": "Jan",
    "last_name": "Peeters",
    "cellphone": "0499123456",
    "email": "jan.peeters@example.be",
    "language": "nl",
}


async def new_client(
    ec: EcontractClient,
    first_name: str = "Jan",
    last_name: str = "Peeters",
    email: str = "jan.peeters@example.be",
) -> int:
    """Create a client with these names and email; its id."""
    client = await ec.crm.clients.create(
        gender=1,
        segment=1,
        first_name=first_name,
        last_name=last_name,
        cellphone="0499123456",
        email=email,
        language="nl",
    )
    return known(client.id)


def known(record_id: int | None) -> int:
    """An id the API answered (every stored record has one)."""
    assert record_id is not None
    return record_id


def order(product_id: int, email: str) -> dict[str, Any]:
    """A complete electricity order (wire names) of product `product_id` for a client `email`."""
    client = {**CLIENT, "email": email}
    return {
        "producttype": "electricity",
        **{f"client_{k}": v for k, v in client.items()},
        "address_street": "Kerkstraat",
        "address_nr": "10",
        "address_postal_code": "3500",
        "address_city": "Hasselt",
        "address_country": "BE",
        "comparison_id": 45688954,
        "affiliate_id": 50,
        "sales_channel_id": 1,
        "ip_address": "192.168.1.1",
        "supplier_id": 15,
        "product_id": product_id,
        "payment_method": 1,
        "ean": "541448800000000000",
        "mru_type": 2,
        "connection_type": 1,
        "has_budget_meter": False,
        "has_solar_panels": False,
        "situation": 3,
    }


class TestCrm:
    """Updates, search, referrals, latest order by product and recommendations."""

    async def test_client_update_changes_only_the_sent_fields(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """An update is visible to `get`; fields it does not send keep their values."""
        ec = econtract_live_client
        client_id = await new_client(ec)
        updated = await ec.crm.clients.update(client_id, last_name="Janssens", family_size=4)
        fetched = await ec.crm.clients.get(client_id)

        assert fetched == updated
        assert (fetched.id, fetched.last_name, fetched.family_size) == (client_id, "Janssens", 4)
        assert (fetched.first_name, fetched.email, fetched.cellphone) == (
            "Jan",
            CLIENT["email"],
            "0499123456",
        )

    async def test_updating_a_missing_client_or_address_is_not_found(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """An id the CRM does not know is a 404, raised as NotFoundError."""
        ec = econtract_live_client
        with pytest.raises(NotFoundError):
            await ec.crm.clients.update(999_999, last_name="Nobody")
        with pytest.raises(NotFoundError):
            await ec.crm.addresses.update(999_999, city="Nowhere")

    async def test_search_finds_clients_by_name_or_email_in_any_case(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """The query matches part of a name or email; other clients and misses are left out."""
        ec = econtract_live_client
        jan = await new_client(ec)
        an = await new_client(ec, "An", "Maes", "an@maes.example.be")

        by_name = await ec.crm.clients.search(query="PEETERS")
        by_mail = await ec.crm.clients.search(query="maes.example")
        both = await ec.crm.clients.search(
            query="example.be", options=RequestOptions(extra_params={"page": 1})
        )

        assert [c.id for c in by_name] == [jan]
        assert [c.id for c in by_mail] == [an]
        assert {c.id for c in both} == {jan, an}
        assert all(isinstance(c, Client) for c in both)
        assert await ec.crm.clients.search(query="zzz-nobody") == []

    async def test_address_update_is_read_back(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """The changed city is stored; the client link and the street stay."""
        ec = econtract_live_client
        client_id = await new_client(ec)
        address = await ec.crm.addresses.create(
            client_id=client_id,
            street="Stationsstraat",
            nr="5",
            postal_code="9000",
            city="Gent",
            country="BE",
        )
        address_id = known(address.id)
        await ec.crm.addresses.update(address_id, city="Gentbrugge", postal_code="9050")
        fetched = await ec.crm.addresses.get(address_id)

        assert (fetched.client_id, fetched.street, fetched.city, fetched.postal_code) == (
            client_id,
            "Stationsstraat",
            "Gentbrugge",
            "9050",
        )

    async def test_referrals_are_stored_as_separate_leads_with_their_extra_fields(
        self, econtract_live_client: EcontractClient, econtract_live_sandbox: LiveSandbox
    ) -> None:
        """Each referral is a new lead of type `referral`, carrying the fields sent as extras."""
        ec = econtract_live_client
        fields = RequestOptions(extra_params={"first_name": "An", "referrer_id": 63})
        first = await ec.crm.leads.create_referral(options=fields)
        second = await ec.crm.leads.create_referral(options=fields)

        assert isinstance(first, CreatedLead)
        assert first.id != second.id
        stored = econtract_live_sandbox.sandbox.store.get("leads", known(first.id))
        assert stored is not None
        assert (stored["lead_type"], stored["first_name"], str(stored["referrer_id"])) == (
            "referral",
            "An",
            "63",
        )

    async def test_latest_order_by_product_is_the_newest_of_that_product(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """Orders of other products do not count; a product without orders is a 404."""
        ec = econtract_live_client
        await ec.crm.orders.create(order(12, "first@example.be"))
        newest = await ec.crm.orders.create(order(12, "second@example.be"))
        await ec.crm.orders.create(order(13, "third@example.be"))

        latest = await ec.crm.orders.latest_by_product(product_id=12)

        assert (latest.id, latest.product_id) == (newest.id, 12)
        with pytest.raises(NotFoundError):
            await ec.crm.orders.latest_by_product(product_id=14)

    async def test_recommendations_are_stable_and_keep_every_field(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """The same request gets the same answer; the untyped body lands whole in `extra`."""
        ec = econtract_live_client
        first = await ec.crm.recommendations.get(5, comparison_id=901)
        again = await ec.crm.recommendations.get(5, comparison_id=901)
        renewal = await ec.crm.recommendations.renewal(5)

        assert isinstance(first, Recommendation)
        assert first == again
        assert first.extra["comparison_id"] == "901"  # untyped ids stay text (D-105)
        assert first.extra["recommendations"]
        assert renewal.extra["renewal"] is True
        assert renewal != first


class TestProductApi:
    """The product API's undocumented reads, signed like every other call."""

    @pytest.mark.parametrize(
        ("zip_code", "region"), [("1000", "brussels"), ("9000", "flanders"), ("4000", "wallonia")]
    )
    async def test_availability_at_a_postcode_follows_the_products_regions(
        self, econtract_live_client: EcontractClient, zip_code: str, region: str
    ) -> None:
        """`is_available_at` agrees with the regions in the product's own `availability`."""
        ec = econtract_live_client
        (product,) = await ec.products.get(
            1, cat="internet", sg="consumer", detaillevel=["availability"]
        )
        assert product.availability is not None

        answer = await ec.products.is_available_at(1, zip=zip_code)

        assert isinstance(answer, PostcodeAvailability)
        assert answer.available is getattr(product.availability, region)
        assert answer.extra["zip"] == zip_code

    async def test_price_breakdown_lists_every_price_component(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """Each key of the product's price appears once as a line with its amount."""
        ec = econtract_live_client
        (product,) = await ec.products.get(1, cat="internet", sg="consumer", detaillevel=["price"])
        assert product.price is not None

        breakdown = await ec.products.price_breakdown(1)

        lines = {line["name"]: line["amount"] for line in breakdown.extra["lines"]}
        assert lines["monthly"] == product.price.monthly
        assert set(lines) >= {"monthly", "activation"}

    async def test_unknown_product_is_not_found(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """Availability and price breakdown of a product the catalogue lacks are 404s."""
        ec = econtract_live_client
        with pytest.raises(NotFoundError):
            await ec.products.is_available_at(99_999, zip="1000")
        with pytest.raises(NotFoundError):
            await ec.products.price_breakdown(99_999)

    async def test_comparisons_are_stable_lists_of_products(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """Both comparison calls answer products, the same ones every time."""
        ec = econtract_live_client
        overview = await ec.product.comparisons.list()
        one = await ec.product.comparisons.get(3)

        assert overview
        assert all(isinstance(p, Product) for p in overview)
        assert len(one) == 5
        assert await ec.product.comparisons.get(3) == one

    async def test_suppliers_are_listed_and_fetched_one_by_one(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """`get` answers the same supplier as `list`; an unknown id is a 404."""
        ec = econtract_live_client
        suppliers = await ec.product.suppliers.list()
        assert all(isinstance(s, Supplier) for s in suppliers)
        first = suppliers[0]
        assert first.supplier_id is not None

        assert await ec.product.suppliers.get(first.supplier_id) == first
        with pytest.raises(NotFoundError):
            await ec.product.suppliers.get(99_999)

    async def test_reviews_follow_the_language(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """Reviews come back in the language asked for (`nl` when none is given)."""
        ec = econtract_live_client
        dutch = await ec.product.reviews.list()
        french = await ec.product.reviews.list(lang="fr")

        assert dutch
        assert all(isinstance(r, Review) for r in dutch)
        assert len(dutch) == len(french)
        assert dutch[0].extra["text"] != french[0].extra["text"]

    async def test_sales_agents_usages_and_grid_operator_answer(
        self, econtract_live_client: EcontractClient
    ) -> None:
        """The remaining reads answer their lenient models with the sandbox's data kept in `extra`."""
        ec = econtract_live_client
        agents = await ec.product.sales_agents.list()
        usages = await ec.product.usages.get()
        brussels = await ec.product.grid_operators.get(zip="1000")
        ghent = await ec.product.grid_operators.get(zip=9000, lang="fr")

        assert agents
        assert all(isinstance(a, SalesAgent) and a.extra["name"] for a in agents)
        assert isinstance(usages, ProductUsages)
        assert usages.extra["profiles"]
        assert isinstance(brussels, GridOperator)
        assert (brussels.extra["region"], ghent.extra["region"]) == ("brussels", "flanders")
